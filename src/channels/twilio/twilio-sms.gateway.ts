import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { ProviderError } from '../provider-error.js';
import { type OutgoingSms, type SentSmsQuery, SmsGateway } from './sms.port.js';

/** Twilio error codes that say the number cannot receive SMS: no retry will change that. */
const INVALID_NUMBER = new Set([21211, 21212, 21214, 21217, 21408, 21612, 21614]);
const UNSUBSCRIBED = 21610;
/** Pages of the message list read when looking for one SMS (50 messages each, newest first). */
const LIST_PAGES = 4;
/** Our clock and Twilio's may disagree by this much. */
const CLOCK_MARGIN_MS = 5 * 60_000;

/** One message of Twilio's message list, the fields we match on. */
interface ListedMessage {
  sid?: string;
  to?: string;
  from?: string | null;
  messaging_service_sid?: string | null;
  body?: string;
  date_created?: string;
}

interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * Twilio's Messages API (`POST /2010-04-01/Accounts/{Sid}/Messages.json`) spoken directly over
 * node:http(s) rather than through the `twilio` client or fetch (whose web streams cost more CPU
 * per SMS than the rest of the send): the base URL comes from configuration (tests and the
 * benchmark point it at a loopback endpoint), the timeout is ours, connections are kept alive, and
 * Twilio's JSON error body maps straight to our retry decision. Webhook signatures are checked by
 * `twilioSigned` (channels/twilio-signature.ts).
 */
@Injectable()
export class TwilioSmsGateway extends SmsGateway implements OnApplicationShutdown {
  private readonly agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  onApplicationShutdown(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  async send(sms: OutgoingSms): Promise<{ providerMessageId: string }> {
    const form = new URLSearchParams({ To: sms.to, Body: sms.body, StatusCallback: sms.statusCallback });
    if (sms.messagingServiceSid) form.set('MessagingServiceSid', sms.messagingServiceSid);
    else if (sms.from) form.set('From', sms.from);
    const url = `${this.config.twilio.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(sms.accountSid)}/Messages.json`;
    let answer: HttpAnswer;
    try {
      answer = await this.post(url, form.toString(), `Basic ${Buffer.from(`${sms.accountSid}:${sms.authToken}`).toString('base64')}`);
    } catch (error) {
      throw new ProviderError('transient', `Twilio unreachable: ${(error as Error).message}`, (error as Error).name === 'TimeoutError' ? 'timeout' : 'network');
    }
    const body = parseJson(answer.body) as { sid?: string; code?: number; message?: string };
    if (answer.status >= 200 && answer.status < 300 && body.sid) return { providerMessageId: body.sid };
    const code = body.code ?? null;
    const message = `Twilio ${answer.status}${code ? ` (${code})` : ''}: ${body.message ?? 'no detail'}`.slice(0, 500);
    const providerCode = code ? String(code) : String(answer.status);
    if (code === UNSUBSCRIBED) throw new ProviderError('opted_out', message, providerCode);
    if (code !== null && INVALID_NUMBER.has(code)) throw new ProviderError('invalid_address', message, providerCode);
    if (answer.status === 429 || answer.status >= 500) throw new ProviderError('transient', message, providerCode);
    throw new ProviderError('permanent', message, providerCode);
  }

  /**
   * Twilio's message list (`GET .../Messages.json?To=&From=&DateSent>=`, newest first), read a few
   * pages deep for a message with this text, recipient and sender created since the call. Not on
   * the send path: only for the rare send whose answer was lost.
   */
  async findSent({ sms, since, excluding }: SentSmsQuery): Promise<{ providerMessageId: string } | null> {
    const query = new URLSearchParams({ To: sms.to, PageSize: '50' });
    if (!sms.messagingServiceSid && sms.from) query.set('From', sms.from);
    query.set('DateSent>', new Date(since.getTime() - CLOCK_MARGIN_MS).toISOString().slice(0, 10));
    const authorization = `Basic ${Buffer.from(`${sms.accountSid}:${sms.authToken}`).toString('base64')}`;
    let path: string | null = `/2010-04-01/Accounts/${encodeURIComponent(sms.accountSid)}/Messages.json?${query.toString()}`;
    for (let page = 0; page < LIST_PAGES && path; page += 1) {
      let answer: HttpAnswer;
      try {
        answer = await this.request('GET', `${this.config.twilio.baseUrl}${path}`, null, { Authorization: authorization, Accept: 'application/json' });
      } catch (error) {
        throw new ProviderError('transient', `Twilio unreachable: ${(error as Error).message}`, 'network');
      }
      const body = parseJson(answer.body) as { messages?: ListedMessage[]; next_page_uri?: string | null; code?: number; message?: string };
      if (answer.status !== 200) {
        const failure = answer.status === 429 || answer.status >= 500 ? 'transient' : 'permanent';
        throw new ProviderError(failure, `Twilio ${answer.status} listing messages: ${body.message ?? 'no detail'}`.slice(0, 500), String(body.code ?? answer.status));
      }
      const found = (body.messages ?? []).find(
        (m) =>
          m.sid &&
          !excluding.has(m.sid) &&
          m.to === sms.to &&
          m.body === sms.body &&
          (sms.messagingServiceSid ? m.messaging_service_sid === sms.messagingServiceSid : m.from === sms.from) &&
          Date.parse(m.date_created ?? '') >= since.getTime() - CLOCK_MARGIN_MS,
      );
      if (found?.sid) return { providerMessageId: found.sid };
      path = body.next_page_uri ?? null;
    }
    return null;
  }

  /** One form POST; rejects on network trouble and after the configured timeout (a TimeoutError). */
  private post(url: string, form: string, authorization: string): Promise<HttpAnswer> {
    return this.request('POST', url, form, {
      Authorization: authorization,
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': Buffer.byteLength(form),
      Accept: 'application/json',
    });
  }

  private request(method: 'GET' | 'POST', url: string, form: string | null, headers: http.OutgoingHttpHeaders): Promise<HttpAnswer> {
    const target = new URL(url);
    const agent = target.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];
    const client = target.protocol === 'https:' ? https : http;
    return new Promise<HttpAnswer>((resolve, reject) => {
      // The only abort is the timeout's.
      const fail = (error: Error) =>
        reject(error.name === 'AbortError' ? Object.assign(new Error(`no answer within ${this.config.twilio.timeoutMs} ms`), { name: 'TimeoutError' }) : error);
      const request = client.request(
        target,
        {
          method,
          agent,
          signal: AbortSignal.timeout(this.config.twilio.timeoutMs),
          headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', fail);
        },
      );
      request.on('error', fail);
      request.end(form ?? undefined);
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}
