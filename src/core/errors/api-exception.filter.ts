import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';
import { CORE_ERRORS, DomainError, registeredStatus, RetryLaterError } from './domain-error.js';

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** Errors raised by body-parser before Nest sees the request carry a `type`. */
interface BodyParserError {
  type: string;
  status?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string';
}

type CoreErrorCode = keyof typeof CORE_ERRORS;

const BODY_PARSER_CODES: Record<string, CoreErrorCode> = {
  'entity.parse.failed': 'invalid_json',
  'entity.too.deep': 'validation_failed',
  'entity.too.large': 'payload_too_large',
  'charset.unsupported': 'unsupported_media_type',
  'encoding.unsupported': 'unsupported_media_type',
};

const HTTP_STATUS_CODES: Record<number, CoreErrorCode> = {
  400: 'validation_failed',
  401: 'invalid_token',
  403: 'permission_denied',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
};

/** How long a client should wait before retrying while the database is unreachable, in seconds. */
const DATABASE_RETRY_AFTER_S = 5;

const INTERNAL_ERROR: ErrorBody = { code: 'internal_error', message: 'Something went wrong on our side' };

const logger = new Logger('errors');

/** Turns any thrown value into `{code, message, details?}` with the right status (and headers). */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (error instanceof DomainError) {
    const status = registeredStatus(error.code);
    if (status === undefined) {
      // A code no module registered: a bug of ours, not something the caller can act on.
      logger.error(`DomainError code "${error.code}" is not registered (registerErrorCodes); answered as 500 internal_error`);
      return { status: 500, body: { ...INTERNAL_ERROR } };
    }
    const body = { code: error.code, message: error.message, details: error.details };
    if (error instanceof RetryLaterError) return { status, body, headers: { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) } };
    return { status, body };
  }
  // Nest wraps body-parser failures in an HttpException whose cause is the original error.
  const parserError = error instanceof HttpException ? error.cause : error;
  if (isBodyParserError(parserError) && BODY_PARSER_CODES[parserError.type]) {
    const code = BODY_PARSER_CODES[parserError.type];
    const message =
      code === 'invalid_json'
        ? 'The request body is not valid JSON'
        : parserError.type === 'entity.too.deep'
          ? (parserError as BodyParserError & { message: string }).message
          : `The request body was refused (${parserError.type.replace('.', ' ')})`;
    return { status: CORE_ERRORS[code], body: { code, message } };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const isRouteMiss = status === 404 && /^Cannot [A-Z]+ /.test(error.message);
    const code: CoreErrorCode = isRouteMiss ? 'route_not_found' : (HTTP_STATUS_CODES[status] ?? 'internal_error');
    const message = isRouteMiss ? `No route for ${error.message.replace(/^Cannot /, '')}` : error.message;
    return { status, body: { code, message } };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      status: CORE_ERRORS.database_unavailable,
      body: { code: 'database_unavailable', message: 'The database cannot be reached right now; retry shortly' },
      headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_S) },
    };
  }
  return { status: 500, body: { ...INTERNAL_ERROR } };
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = toErrorResponse(error);
    if (status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (response.headersSent) {
      response.end();
      return;
    }
    if (headers) response.set(headers);
    response.status(status).json(body);
  }
}
