import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { type OwnershipClaim, type Ownership, OwnershipUnknown, SmsNumberOwnership } from './sms-numbers.ownership.js';

/**
 * Ownership as Twilio's REST API shows it, asked with the claimed account SID and auth token (Basic
 * auth): the account's IncomingPhoneNumbers filtered by the number (`TWILIO_API_BASE_URL`), and the
 * Messaging Service itself (`TWILIO_MESSAGING_BASE_URL`, 404 when another account holds it). A
 * registration is rare, so plain fetch is enough here (the send path has its own client).
 */
@Injectable()
export class TwilioNumberOwnership extends SmsNumberOwnership {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  async check(claim: OwnershipClaim): Promise<Ownership> {
    const account = encodeURIComponent(claim.accountSid);
    if (claim.phoneNumber) {
      const url = `${this.config.twilio.baseUrl}/2010-04-01/Accounts/${account}/IncomingPhoneNumbers.json?PhoneNumber=${encodeURIComponent(claim.phoneNumber)}`;
      const answer = await this.get(url, claim);
      if (answer.status === 401 || answer.status === 403) return { kind: 'bad_credentials' };
      const numbers = (answer.body as { incoming_phone_numbers?: { phone_number?: string }[] }).incoming_phone_numbers ?? [];
      if (answer.status !== 200 || !numbers.some((n) => n.phone_number === claim.phoneNumber)) return { kind: 'not_owned', missing: 'phoneNumber' };
    }
    if (claim.messagingServiceSid) {
      const answer = await this.get(`${this.config.twilio.messagingBaseUrl}/v1/Services/${encodeURIComponent(claim.messagingServiceSid)}`, claim);
      if (answer.status === 401 || answer.status === 403) return { kind: 'bad_credentials' };
      const service = answer.body as { sid?: string; account_sid?: string };
      if (answer.status !== 200 || service.sid !== claim.messagingServiceSid || service.account_sid !== claim.accountSid) {
        return { kind: 'not_owned', missing: 'messagingServiceSid' };
      }
    }
    return { kind: 'owned' };
  }

  /** One GET; an answer Twilio could not give (network, timeout, 429, 5xx) rejects with OwnershipUnknown. */
  private async get(url: string, claim: OwnershipClaim): Promise<{ status: number; body: unknown }> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Basic ${Buffer.from(`${claim.accountSid}:${claim.authToken}`).toString('base64')}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.config.twilio.timeoutMs),
      });
    } catch (error) {
      throw new OwnershipUnknown(`Twilio unreachable: ${(error as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 429 || response.status >= 500) throw new OwnershipUnknown(`Twilio answered ${response.status}`);
    let body: unknown = {};
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // Not JSON: judged by its status alone.
    }
    return { status: response.status, body };
  }
}
