/**
 * Error codes the API can answer with, and the HTTP status each maps to. Services throw
 * `DomainError`s with one of these codes; only the exception filter knows about HTTP.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_id: 400,
  validation_failed: 400,
  invalid_text: 400,
  invalid_date: 400,
  missing_token: 401,
  invalid_token: 401,
  token_revoked: 401,
  account_inactive: 401,
  permission_denied: 403,
  remark_clients_only: 403,
  subcontracting_link_required: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  user_email_taken: 409,
  last_manager: 409,
  mailbox_already_watched: 409,
  payload_too_large: 413,
  body_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rights_template_kind_mismatch: 422,
  body_required: 422,
  contact_not_of_client: 422,
  due_date_required: 422,
  invalid_due_date: 422,
  vad_planned_date_required: 422,
  urgent_only_at_creation: 422,
  invalid_cc: 422,
  sms_number_not_verified: 422,
  mailbox_unreachable: 422,
  twilio_unavailable: 502,
  not_ready: 503,
  database_unavailable: 503,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

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

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, details?: unknown) {
    super('not_found', `${what} was not found`, details);
  }
}
