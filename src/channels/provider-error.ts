/**
 * How a provider refused a copy, which decides what happens next:
 * - `transient`: try again later with backoff (SMTP 4xx, Twilio 429 and 5xx, timeouts, network);
 * - `opted_out`: the recipient unsubscribed (Twilio 21610): record the opt-out, never retry;
 * - `invalid_address`: the number or address cannot receive (Twilio 21211, SMTP 5xx on RCPT): failed;
 * - `permanent`: every other definitive refusal: failed, no retry;
 * - `outcome_unknown`: the connection failed after the copy was committed and before the provider
 *   answered (SMTP's final dot written, no reply): it may have the copy, so failed, never re-sent
 *   automatically (an admin may retry it).
 */
export type ProviderFailure = 'transient' | 'opted_out' | 'invalid_address' | 'permanent' | typeof OUTCOME_UNKNOWN;

/** The failure reason of a copy the provider may or may not have (worker killed mid-send, reply lost). */
export const OUTCOME_UNKNOWN = 'outcome_unknown';

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
