import type { ErrorTable } from '../../core/errors/domain-error.js';

/** The error codes of people signing in (sessions, passwords, their links), registered by AccountsModule. */
export const SIGN_IN_ERRORS = {
  /** Unknown email or wrong password: one answer for both, so it tells nothing about who has an account. */
  invalid_credentials: 401,
  not_signed_in: 401,
  session_expired: 401,
  csrf_failed: 403,
  too_many_attempts: 429,
  invalid_password_token: 400,
  weak_password: 400,
} as const satisfies ErrorTable;

type SignInErrors = typeof SIGN_IN_ERRORS;

declare module '../../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends SignInErrors {}
}
