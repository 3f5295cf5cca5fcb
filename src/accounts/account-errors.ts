import type { ErrorTable } from '../core/errors/domain-error.js';

/** The error codes of accounts and their API tokens, and their HTTP statuses (registered by AccountsModule). */
export const ACCOUNT_ERRORS = {
  token_revoked: 401,
  account_inactive: 401,
  user_email_taken: 409,
  last_manager: 409,
  rights_template_kind_mismatch: 422,
} as const satisfies ErrorTable;

type AccountErrors = typeof ACCOUNT_ERRORS;

declare module '../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends AccountErrors {}
}
