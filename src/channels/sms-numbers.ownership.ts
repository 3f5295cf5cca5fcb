/** The credentials a company registers a number with, and what it claims they send from. */
export interface OwnershipClaim {
  accountSid: string;
  authToken: string;
  phoneNumber: string | null;
  messagingServiceSid: string | null;
}

/**
 * What Twilio answered: the account owns everything claimed; Twilio refused the credentials; or
 * the account does not hold `missing` (`phoneNumber` or `messagingServiceSid`).
 */
export type Ownership = { kind: 'owned' } | { kind: 'bad_credentials' } | { kind: 'not_owned'; missing: 'phoneNumber' | 'messagingServiceSid' };

/** Twilio gave no answer to go by (unreachable, timeout, 429, 5xx): nothing is proved either way. */
export class OwnershipUnknown extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OwnershipUnknown';
  }
}

/**
 * Asks the provider whether an account's credentials can read a number and a Messaging Service:
 * what a company registering them must prove, so nobody claims a number that is not theirs.
 * Rejects with OwnershipUnknown when the provider cannot answer.
 */
export abstract class SmsNumberOwnership {
  abstract check(claim: OwnershipClaim): Promise<Ownership>;
}
