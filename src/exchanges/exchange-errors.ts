import type { ErrorTable } from '../core/errors/domain-error.js';

/**
 * The error codes of interventions and their exchanges, with their HTTP statuses (registered by
 * ExchangesModule). A contact of another client answers messages' `contact_not_of_client`.
 */
export const EXCHANGE_ERRORS = {
  interventions_staff_only: 403,
  detail_required: 422,
  unknown_exchange_type: 422,
  not_a_collaborator: 422,
  no_recipient_address: 422,
  intervention_reported: 409,
  exchange_sent: 409,
  exchange_not_sendable: 409,
  portal_window_closed: 409,
} as const satisfies ErrorTable;

type ExchangeErrors = typeof EXCHANGE_ERRORS;

declare module '../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends ExchangeErrors {}
}
