import type { ErrorTable } from '../core/errors/domain-error.js';

/** The error codes of messages and their HTTP statuses (registered by MessagesModule). */
export const MESSAGE_ERRORS = {
  remark_clients_only: 403,
  body_required: 422,
  contact_not_of_client: 422,
  due_date_required: 422,
  invalid_due_date: 422,
  vad_planned_date_required: 422,
  urgent_only_at_creation: 422,
  invalid_cc: 422,
} as const satisfies ErrorTable;

type MessageErrors = typeof MESSAGE_ERRORS;

declare module '../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends MessageErrors {}
}
