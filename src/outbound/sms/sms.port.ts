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

/**
 * Sends SMS. Resolves with the provider's message id once the provider accepted the message;
 * rejects with a ProviderError saying whether to retry, record an opt-out or give up.
 */
export abstract class SmsGateway {
  abstract send(sms: OutgoingSms): Promise<{ providerMessageId: string }>;
}
