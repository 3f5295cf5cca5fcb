import type { ErrorTable } from '../../core/errors/domain-error.js';

/** The error codes of routing rules and their HTTP statuses (registered by RoutingModule). */
export const ROUTING_ERRORS = {
  /** A rule as written cannot be evaluated (a pattern, a keyword, a window), or names what is not the company's. */
  routing_rule_invalid: 422,
  /** The company has as many rules as one may have. */
  routing_rules_limit: 409,
  /** The dry run was given no item, several, or one it cannot read. */
  dry_run_invalid: 422,
} as const satisfies ErrorTable;

type RoutingErrors = typeof ROUTING_ERRORS;

declare module '../../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends RoutingErrors {}
}
