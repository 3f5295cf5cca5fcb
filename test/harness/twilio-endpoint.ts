import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../../src/config/config.schema.js';

export interface CapturedSms {
  accountSid: string;
  /** The decoded `user:password` of the Basic authorization header. */
  auth: { user: string; password: string } | null;
  form: Record<string, string>;
  sid: string;
  /** When the endpoint accepted it (its `date_created` and `date_sent`). */
  at: Date;
}

/**
 * A scripted answer: a Twilio error (HTTP status + error code), no answer within `hangMs`, or (for
 * a send) the message accepted but its answer held back `acceptThenHangMs` (a lost answer).
 */
export type TwilioScript = { status: number; code?: number; message?: string } | { hangMs: number } | { acceptThenHangMs: number };

export interface TwilioEndpointOptions {
  /**
   * accountSid → its auth token(s) (a primary and a secondary, as Twilio allows during a rotation);
   * requests with other credentials get 401 / 20003 as Twilio answers.
   */
  accounts: Record<string, string | string[]>;
  /** accountSid → the phone numbers (E.164) and Messaging Service SIDs it owns. */
  owned?: Record<string, string[]>;
  /** Decides the answer for each request (undefined: accept). Runs before `failNext` scripts. */
  respond?: (form: Record<string, string>) => TwilioScript | undefined;
  /** Runs before the message list is answered (a spec's way to act between a look-up's steps). */
  beforeList?: () => Promise<void>;
  /** Keep only the count of accepted messages (benchmarks). */
  keep?: boolean;
}

export interface TwilioEndpoint {
  baseUrl: string;
  /** Accepted messages, in order. */
  messages: CapturedSms[];
  accepted: () => number;
  /** Every request, answered or refused. */
  requests: () => number;
  /** The next sends (POST Messages) get these answers, in order. */
  failNext: (...scripts: TwilioScript[]) => void;
  /** The next reads (numbers, Messaging Services, the message list) get these answers, in order. */
  failNextRead: (...scripts: TwilioScript[]) => void;
  /** Gives the account numbers or Messaging Services (from now on it owns them). */
  own: (accountSid: string, ...numbersOrServices: string[]) => void;
  /** Requests by kind: `send`, `number` (IncomingPhoneNumbers), `service` (Messaging Service), `list` (Messages list). */
  calls: Record<'send' | 'number' | 'service' | 'list', number>;
  waitFor: (count: number, ms?: number) => Promise<CapturedSms[]>;
  close: () => Promise<void>;
}

const ERRORS: Record<number, string> = {
  20003: 'Authenticate',
  20404: 'The requested resource was not found',
  20429: 'Too Many Requests',
  21211: "The 'To' number is not a valid phone number.",
  21610: 'Attempt to send to unsubscribed recipient',
};

function decodeAuth(header: string | undefined): CapturedSms['auth'] {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Twilio's RFC 2822 dates, e.g. `Fri, 04 Dec 2026 22:45:00 +0000`. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function messageResource(m: CapturedSms) {
  return {
    sid: m.sid,
    account_sid: m.accountSid,
    to: m.form.To,
    from: m.form.From ?? null,
    messaging_service_sid: m.form.MessagingServiceSid ?? null,
    body: m.form.Body,
    status: 'sent',
    num_segments: '1',
    error_code: null,
    date_created: rfc2822(m.at),
    date_sent: rfc2822(m.at),
  };
}

/**
 * A loopback HTTP server with the shape of the Twilio REST API that Relais uses, Basic auth as
 * Twilio checks it (account SID and auth token):
 * - Messages (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded To, From or
 *   MessagingServiceSid, Body, StatusCallback), answering a message SID or a scripted Twilio error
 *   (21610 unsubscribed, 21211 invalid number, 429, 500, or a hang for timeouts);
 * - the message list (`GET .../Messages.json?To=&From=&DateSent>=YYYY-MM-DD`, newest first, one page);
 * - the account's numbers (`GET .../IncomingPhoneNumbers.json?PhoneNumber=`): the number when the
 *   account owns it, an empty list otherwise;
 * - a Messaging Service (`GET /v1/Services/{Sid}`, messaging.twilio.com's shape): 404 / 20404 when
 *   the account does not own it.
 */
export async function startTwilioEndpoint(options: TwilioEndpointOptions): Promise<TwilioEndpoint> {
  const messages: CapturedSms[] = [];
  const scripts: TwilioScript[] = [];
  const readScripts: TwilioScript[] = [];
  const waiters = new Set<() => void>();
  const owned = new Map(Object.entries(options.owned ?? {}).map(([sid, list]) => [sid, new Set(list)]));
  const calls = { send: 0, number: 0, service: 0, list: 0 };
  let accepted = 0;
  let requests = 0;

  const tokensOf = (accountSid: string): string[] => [options.accounts[accountSid] ?? []].flat();
  const answerScript = (res: ServerResponse, script: Exclude<TwilioScript, { acceptThenHangMs: number }>) => {
    if ('hangMs' in script) {
      setTimeout(() => send(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 }), script.hangMs);
      return;
    }
    const code = script.code ?? (script.status === 429 ? 20429 : 20500);
    send(res, script.status, { code, message: script.message ?? ERRORS[code] ?? 'Error', more_info: `https://www.twilio.com/docs/errors/${code}`, status: script.status });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    requests += 1;
    const url = new URL(req.url ?? '/', 'http://twilio.invalid');
    const account = /^\/2010-04-01\/Accounts\/([A-Za-z0-9]+)\/(Messages|IncomingPhoneNumbers)\.json$/.exec(url.pathname);
    const service = /^\/v1\/Services\/([A-Za-z0-9]+)$/.exec(url.pathname);
    const kind = account?.[2] === 'Messages' ? (req.method === 'POST' ? 'send' : 'list') : account ? 'number' : 'service';
    if ((!account && !service) || (kind !== 'send' && req.method !== 'GET') || (kind === 'number' && req.method !== 'GET')) {
      return send(res, 404, { code: 20404, message: ERRORS[20404], status: 404 });
    }
    calls[kind] += 1;
    const auth = decodeAuth(req.headers.authorization);
    // Messaging Services are read with the account's credentials; the account is the user.
    const accountSid = account ? account[1] : (auth?.user ?? '');
    if (!auth || auth.user !== accountSid || !tokensOf(accountSid).includes(auth.password)) {
      return send(res, 401, { code: 20003, message: ERRORS[20003], status: 401 });
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    const script = kind === 'send' ? (options.respond?.(form) ?? scripts.shift()) : readScripts.shift();
    const holdMs = script && 'acceptThenHangMs' in script ? script.acceptThenHangMs : 0;
    if (script && !('acceptThenHangMs' in script)) return answerScript(res, script);
    const owns = (id: string) => owned.get(accountSid)?.has(id) ?? false;
    if (kind === 'number') {
      const number = url.searchParams.get('PhoneNumber') ?? '';
      const found = owns(number) ? [{ sid: `PN${randomBytes(16).toString('hex')}`, account_sid: accountSid, phone_number: number }] : [];
      return send(res, 200, { incoming_phone_numbers: found, page: 0, page_size: 50, next_page_uri: null });
    }
    if (kind === 'service') {
      if (!owns(service![1])) return send(res, 404, { code: 20404, message: ERRORS[20404], status: 404 });
      return send(res, 200, { sid: service![1], account_sid: accountSid, friendly_name: 'Relais' });
    }
    if (kind === 'list') {
      await options.beforeList?.();
      const to = url.searchParams.get('To');
      const from = url.searchParams.get('From');
      const since = url.searchParams.get('DateSent>');
      const found = messages
        .filter((m) => m.accountSid === accountSid && (!to || m.form.To === to) && (!from || m.form.From === from))
        .filter((m) => !since || m.at.toISOString().slice(0, 10) >= since)
        .reverse();
      return send(res, 200, { messages: found.map(messageResource), page: 0, page_size: 50, next_page_uri: null });
    }
    if (!form.To || !form.Body || (!form.From && !form.MessagingServiceSid)) {
      return send(res, 400, { code: 21604, message: 'A required parameter is missing', status: 400 });
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    accepted += 1;
    const message = { accountSid, auth, form, sid, at: new Date() };
    if (options.keep !== false) messages.push(message);
    for (const wake of waiters) wake();
    if (holdMs) setTimeout(() => send(res, 201, { ...messageResource(message), status: 'queued' }), holdMs);
    else send(res, 201, { ...messageResource(message), status: 'queued' });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    messages,
    accepted: () => accepted,
    requests: () => requests,
    failNext: (...next) => scripts.push(...next),
    failNextRead: (...next) => readScripts.push(...next),
    own(accountSid, ...ids) {
      const set = owned.get(accountSid) ?? new Set<string>();
      for (const id of ids) set.add(id);
      owned.set(accountSid, set);
    },
    calls,
    waitFor(count, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (accepted < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Twilio endpoint: ${accepted} of ${count} messages after ${ms} ms`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The configuration that points every Twilio call (REST and Messaging Services) at the endpoint. */
export function twilioConfigFor(endpoint: TwilioEndpoint, config: AppConfig, timeoutMs = 2_000): AppConfig {
  return { ...config, twilio: { ...config.twilio, baseUrl: endpoint.baseUrl, messagingBaseUrl: endpoint.baseUrl, timeoutMs } };
}

/**
 * A configuration for specs where copies really go out and answers really come back in one process:
 * the SMTP listener as the mail server, the Twilio endpoint for SMS, no send rate limit, a fast
 * outbox relay and short mailbox lock and poll (the in-process API watches its mailboxes).
 */
export function liveChannelsConfig(config: AppConfig, channels: { smtpPort: number; twilio: TwilioEndpoint; publicBaseUrl: string }): AppConfig {
  return twilioConfigFor(channels.twilio, {
    ...config,
    publicBaseUrl: channels.publicBaseUrl,
    logLevel: 'silent',
    smtp: { url: `smtp://127.0.0.1:${channels.smtpPort}`, poolMax: 2, timeoutMs: 5_000 },
    outbound: { ...config.outbound, ratePerSecond: { email: 0, sms: 0, fax: 0 }, relayIntervalMs: 100 },
    inbound: { ...config.inbound, lockTtlMs: 3_000, pollIntervalMs: 2_000 },
  });
}
