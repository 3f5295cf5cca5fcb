import type { ErrorTable } from '../../core/errors/domain-error.js';

/** The error codes of the IMAP client, and their HTTP statuses (registered by MailboxesModule, which serves the connection test). */
export const IMAP_ERRORS = {
  mailbox_unreachable: 422,
} as const satisfies ErrorTable;

type ImapErrors = typeof IMAP_ERRORS;

declare module '../../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends ImapErrors {}
}
