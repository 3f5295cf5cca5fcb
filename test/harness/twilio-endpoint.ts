import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedSms {
  accountSid: string;
  /** The decoded `user:password` of the Basic authorization header. */
  auth: { user: string; password: string } | null;
  form: Record<string, string>;
  sid: string;
}

/** A scripted answer: a Twilio error (HTTP status + error code), or no answer within `hangMs`. */
export type TwilioScript = { status: number; code?: number; message?: string } | { hangMs: number };

export interface TwilioEndpointOptions {
  /** accountSid → auth token; requests with other credentials get 401 / 20003 as Twilio answers. */
  accounts: Record<string, string>;
  /** Decides the answer for each request (undefined: accept). Runs before `failNext` scripts. */
  respond?: (form: Record<string, string>) => TwilioScript | undefined;
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
  /** The next requests get these answers, in order. */
  failNext: (...scripts: TwilioScript[]) => void;
  waitFor: (count: number, ms?: number) => Promise<CapturedSms[]>;
  close: () => Promise<void>;
}

const ERRORS: Record<number, string> = {
  20003: 'Authenticate',
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

/**
 * A loopback HTTP server with the shape of Twilio's Messages API
 * (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, Basic auth, form-encoded To, From or
 * MessagingServiceSid, Body, StatusCallback), answering a message SID or a scripted Twilio error
 * (21610 unsubscribed, 21211 invalid number, 429, 500, or a hang for timeouts).
 */
export async function startTwilioEndpoint(options: TwilioEndpointOptions): Promise<TwilioEndpoint> {
  const messages: CapturedSms[] = [];
  const scripts: TwilioScript[] = [];
  const waiters = new Set<() => void>();
  let accepted = 0;
  let requests = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    requests += 1;
    const path = /^\/2010-04-01\/Accounts\/([A-Za-z0-9]+)\/Messages\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !path) return send(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const accountSid = path[1];
    const auth = decodeAuth(req.headers.authorization);
    if (!auth || auth.user !== accountSid || options.accounts[accountSid] !== auth.password) {
      return send(res, 401, { code: 20003, message: ERRORS[20003], status: 401 });
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    const script = options.respond?.(form) ?? scripts.shift();
    if (script && 'hangMs' in script) {
      setTimeout(() => send(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 }), script.hangMs);
      return;
    }
    if (script) {
      const code = script.code ?? (script.status === 429 ? 20429 : 20500);
      return send(res, script.status, { code, message: script.message ?? ERRORS[code] ?? 'Error', more_info: `https://www.twilio.com/docs/errors/${code}`, status: script.status });
    }
    if (!form.To || !form.Body || (!form.From && !form.MessagingServiceSid)) {
      return send(res, 400, { code: 21604, message: 'A required parameter is missing', status: 400 });
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    accepted += 1;
    if (options.keep !== false) messages.push({ accountSid, auth, form, sid });
    for (const wake of waiters) wake();
    send(res, 201, { sid, account_sid: accountSid, to: form.To, from: form.From ?? null, body: form.Body, status: 'queued', num_segments: '1', error_code: null });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
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
