import type { ErrorTable } from '../core/errors/domain-error.js';

/** The error codes of the channels' configuration, and their HTTP statuses (registered by MailboxesModule and SmsNumbersModule). */
export const CHANNEL_ERRORS = {
  mailbox_already_watched: 409,
  sms_number_not_verified: 422,
  twilio_unavailable: 502,
} as const satisfies ErrorTable;

type ChannelErrors = typeof CHANNEL_ERRORS;

declare module '../core/errors/domain-error.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds these codes to the codes DomainError accepts
  interface ErrorCodeRegistry extends ChannelErrors {}
}
