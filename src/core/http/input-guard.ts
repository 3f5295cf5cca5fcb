import type { NextFunction, Request, Response } from 'express';
import { toErrorResponse } from '../errors/api-exception.filter.js';
import { DomainError, type ErrorCode } from '../errors/domain-error.js';

/** Deeper bodies than this are refused before validation, whose recursion they could overflow. */
export const MAX_JSON_DEPTH = 32;
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// A string that is entirely an ISO 8601 date or date-time, expanded years (±YYYYYY) included.
const ISO_DATE = /^([+-]\d{6}|\d{4,})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Date fields that had their own refusal code before this check existed keep answering with it. */
const DATE_CODES = new Map<string, ErrorCode>();

/**
 * Refuses an impossible date at `where` (e.g. body.dueDate) with the module's own `code` rather
 * than invalid_date. The code must be registered, as for any DomainError.
 */
export function registerDateFieldCode(where: string, code: ErrorCode): void {
  const known = DATE_CODES.get(where);
  if (known !== undefined && known !== code) throw new Error(`The date field ${where} already answers with ${known}, not ${code}`);
  DATE_CODES.set(where, code);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * body-parser's `verify`: refuses a JSON body nested deeper than MAX_JSON_DEPTH before it is
 * parsed, as parsing and validating [[[[…]]]] recurse once per level and can run out of stack.
 * A linear scan that skips the insides of strings.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, buffer: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buffer.length; i += 1) {
    const byte = buffer[i];
    if (inString) {
      if (byte === 0x5c) i += 1;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw Object.assign(new Error(`The request body nests deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, type: 'entity.too.deep' });
      }
    } else if (byte === 0x5d || byte === 0x7d) depth -= 1;
  }
}

/** Why a text is refused, or undefined when it is acceptable. */
function textProblem(text: string, where: string): DomainError | undefined {
  if (text.includes('\u0000')) {
    return new DomainError('invalid_text', `${where} contains a NUL character (U+0000), which no text may hold`, { field: where });
  }
  if (LONE_SURROGATE.test(text)) {
    return new DomainError('invalid_text', `${where} contains a lone UTF-16 surrogate, which is not a character`, { field: where });
  }
  const date = ISO_DATE.exec(text);
  if (date) {
    const code = DATE_CODES.get(where) ?? 'invalid_date';
    const year = Number(date[1]);
    const month = Number(date[2]);
    const day = Number(date[3]);
    if (year < MIN_YEAR || year > MAX_YEAR) {
      return new DomainError(code, `${where} has the year ${year}; dates must be between ${MIN_YEAR} and ${MAX_YEAR}`, { field: where });
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return new DomainError(code, `${where} is not a calendar date (${date[0].slice(0, 10)})`, { field: where });
    }
  }
  return undefined;
}

/** Walks parsed input, naming each string by its path, and stops at the first problem. */
function inspect(value: unknown, where: string, depth: number): DomainError | undefined {
  if (typeof value === 'string') return textProblem(value, where);
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_JSON_DEPTH) {
    return new DomainError('validation_failed', `The request nests deeper than ${MAX_JSON_DEPTH} levels`, [
      { field: where, problems: [`nests deeper than ${MAX_JSON_DEPTH} levels`] },
    ]);
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = textProblem(key, `${where}.${key}`);
    if (keyProblem && keyProblem.code === 'invalid_text') return keyProblem;
    const problem = inspect(item, Array.isArray(value) ? `${where}[${key}]` : `${where}.${key}`, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Checks every string of an API request's JSON body and query before any DTO sees it: NUL and
 * lone surrogates are refused (400 invalid_text) rather than stripped, because PostgreSQL cannot
 * store either and silently altering what was sent would change a search or an address behind
 * the caller's back; a string shaped as a date must be one of the calendar, in 1900–9999 (400
 * invalid_date), so no date field can let 2026-02-30 roll over to March or reach the database
 * with a year it refuses; bodies nested beyond MAX_JSON_DEPTH are refused. Webhooks are left
 * alone: Twilio retries any refusal, so they store what they receive with NULs replaced.
 */
export function inputGuard(req: Request, res: Response, next: NextFunction): void {
  if (!req.path.startsWith('/v1/')) {
    next();
    return;
  }
  const problem = inspect(req.query, 'query', 0) ?? inspect(req.body, 'body', 0);
  if (!problem) {
    next();
    return;
  }
  const { status, body } = toErrorResponse(problem);
  res.status(status).json(body);
}
