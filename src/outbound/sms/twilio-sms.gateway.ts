import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { ProviderError } from '../provider-error.js';
import { type OutgoingSms, SmsGateway } from './sms.port.js';

/** Twilio error codes that say the number cannot receive SMS: no retry will change that. */
const INVALID_NUMBER = new Set([21211, 21212, 21214, 21217, 21408, 21612, 21614]);
const UNSUBSCRIBED = 21610;

/**
 * Twilio's Messages API (`POST /2010-04-01/Accounts/{Sid}/Messages.json`) spoken directly with
 * fetch rather than through the `twilio` client: the base URL comes from configuration (tests and
 * the benchmark point it at a loopback endpoint), the timeout is ours (AbortSignal), connections
 * are kept alive by undici, and Twilio's JSON error body maps straight to our retry decision.
 * Webhook signatures still use `twilio.validateRequest`.
 */
@Injectable()
export class TwilioSmsGateway extends SmsGateway {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  async send(sms: OutgoingSms): Promise<{ providerMessageId: string }> {
    const form = new URLSearchParams({ To: sms.to, Body: sms.body, StatusCallback: sms.statusCallback });
    if (sms.messagingServiceSid) form.set('MessagingServiceSid', sms.messagingServiceSid);
    else if (sms.from) form.set('From', sms.from);
    const url = `${this.config.twilio.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(sms.accountSid)}/Messages.json`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${sms.accountSid}:${sms.authToken}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: form,
        signal: AbortSignal.timeout(this.config.twilio.timeoutMs),
      });
    } catch (error) {
      throw new ProviderError('transient', `Twilio unreachable: ${(error as Error).message}`, (error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
    }
    const body = (await response.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (response.ok && body.sid) return { providerMessageId: body.sid };
    const code = body.code ?? null;
    const message = `Twilio ${response.status}${code ? ` (${code})` : ''}: ${body.message ?? 'no detail'}`.slice(0, 500);
    const providerCode = code ? String(code) : String(response.status);
    if (code === UNSUBSCRIBED) throw new ProviderError('opted_out', message, providerCode);
    if (code !== null && INVALID_NUMBER.has(code)) throw new ProviderError('invalid_address', message, providerCode);
    if (response.status === 429 || response.status >= 500) throw new ProviderError('transient', message, providerCode);
    throw new ProviderError('permanent', message, providerCode);
  }
}
