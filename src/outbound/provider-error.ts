/**
 * How a provider refused a copy, which decides what happens next:
 * - `transient`: try again later with backoff (SMTP 4xx, Twilio 429 and 5xx, timeouts, network);
 * - `opted_out`: the recipient unsubscribed (Twilio 21610): record the opt-out, never retry;
 * - `invalid_address`: the number or address cannot receive (Twilio 21211, SMTP 5xx on RCPT): failed;
 * - `permanent`: every other definitive refusal: failed, no retry.
 */
export type ProviderFailure = 'transient' | 'opted_out' | 'invalid_address' | 'permanent';

export class ProviderError extends Error {
  constructor(
    readonly failure: ProviderFailure,
    message: string,
    /** The provider's own code (SMTP reply code, Twilio error code), when it gave one. */
    readonly providerCode: string | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
