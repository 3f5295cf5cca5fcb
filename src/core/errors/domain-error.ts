/**
 * Error codes the API can answer with, and the HTTP status each maps to. Services throw
 * `DomainError`s with a registered code; only the exception filter knows about HTTP.
 *
 * core/ knows only the generic codes below. A business module declares its own codes in a table
 * of its own (e.g. `MESSAGE_ERRORS` in messages/message-errors.ts), adds them to the
 * `ErrorCodeRegistry` type by module augmentation, so that `new DomainError(code, …)` accepts
 * them, and registers the table at run time with `registerErrorCodes` when its Nest module loads.
 */
export const CORE_ERRORS = {
  invalid_json: 400,
  invalid_id: 400,
  validation_failed: 400,
  invalid_text: 400,
  invalid_date: 400,
  // Any bearer-token API: no token, or one that is not a token of ours (also Nest's default 401).
  missing_token: 401,
  invalid_token: 401,
  permission_denied: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  body_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  not_ready: 503,
  database_unavailable: 503,
  internal_error: 500,
} as const satisfies ErrorTable;

/** A module's error codes and the HTTP status of each. */
export type ErrorTable = Readonly<Record<string, number>>;

type CoreErrors = typeof CORE_ERRORS;

/**
 * Every code `DomainError` accepts, by type. Modules extend it by augmentation, next to their table:
 *
 *     declare module '../core/errors/domain-error.js' {
 *       interface ErrorCodeRegistry extends MessageErrors {}
 *     }
 *
 * Two tables giving one code different statuses do not compile (the interface cannot extend both).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by augmentation
export interface ErrorCodeRegistry extends CoreErrors {}

export type ErrorCode = keyof ErrorCodeRegistry;

const registry = new Map<string, number>();

/**
 * Registers a module's codes with the table the exception filter reads. Registering a code again
 * with the same status is harmless; with another status it throws, so the process fails at start.
 */
export function registerErrorCodes(table: ErrorTable): void {
  for (const [code, status] of Object.entries(table)) {
    const known = registry.get(code);
    if (known !== undefined && known !== status) {
      throw new Error(`Error code "${code}" is registered twice, with status ${known} and ${status}`);
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new Error(`Error code "${code}" has status ${status}, which is not an HTTP error status`);
    }
    registry.set(code, status);
  }
}

/** The status registered for `code`, or undefined when no module registered it. */
export function registeredStatus(code: string): number | undefined {
  return registry.get(code);
}

/** Every registered code with its status (for specs and documentation). */
export function registeredErrorCodes(): ReadonlyMap<string, number> {
  return registry;
}

registerErrorCodes(CORE_ERRORS);

/** A failure the caller can act on: a stable machine-readable code and a human message. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** The registered status; an unregistered code is a bug, answered as 500 internal_error. */
  get status(): number {
    return registry.get(this.code) ?? 500;
  }
}

/** A refusal that ends by itself: answered with a Retry-After header (seconds). */
export class RetryLaterError extends DomainError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSeconds: number,
    details?: unknown,
  ) {
    super(code, message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, details?: unknown) {
    super('not_found', `${what} was not found`, details);
  }
}
