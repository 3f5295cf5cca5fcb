/** One SMS to send through the company's Twilio account. */
export interface OutgoingSms {
  accountSid: string;
  authToken: string;
  /** E.164 sender number, or a Messaging Service SID when the company uses one. */
  from: string | null;
  messagingServiceSid: string | null;
  to: string;
  body: string;
  /** Where the provider reports delivery statuses (our signed webhook). */
  statusCallback: string;
}

/** An SMS that may have reached the provider, to look for in what it accepted since `since`. */
export interface SentSmsQuery {
  sms: OutgoingSms;
  /** When the provider was called: what it accepted before (less a margin for clocks) is not this SMS. */
  since: Date;
  /** Provider ids already given to other copies: those messages are not this one. */
  excluding: ReadonlySet<string>;
}

/**
 * Sends SMS. Resolves with the provider's message id once the provider accepted the message;
 * rejects with a ProviderError saying whether to retry, record an opt-out or give up.
 * `findSent` settles a send whose answer was lost: the provider's id of a message it accepted
 * with this sender, recipient and text since the call, or null; a ProviderError when the provider
 * cannot say (`transient`: ask again later).
 */
export abstract class SmsGateway {
  abstract send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
  abstract findSent(query: SentSmsQuery): Promise<{ providerMessageId: string } | null>;
}
