import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface CapturedMail {
  envelope: { from: string | null; to: string[] };
  /** The message exactly as the client sent it (DATA). */
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SmtpListenerOptions {
  /** Answer `451 4.3.0` to the first N DATA commands (a temporary failure the sender must retry). */
  failFirst?: number;
  /** Keep only the envelope and raw bytes; skip mailparser (benchmarks). */
  parse?: boolean;
  /** Wait this long before answering each DATA (a slow relay), so a spec can act mid-batch. */
  delayMs?: number;
  /** Called as the content of the n-th DATA command (1-based) begins, before any of it arrived. */
  onDataStart?: (n: number) => void;
  /** Never answer the first N messages once their data ended (a relay that took them and went silent). */
  silentFirst?: number;
}

export interface SmtpListener {
  port: number;
  messages: CapturedMail[];
  /** How many DATA commands were refused with 4xx so far. */
  refused: () => number;
  /** How many DATA commands began, whether their data ended (the final dot) or not. */
  dataStarted: () => number;
  /** How many messages ended with the final dot and were then left unanswered (`silentFirst`). */
  silenced: () => number;
  /** Resolves once `count` messages were accepted; rejects after `ms`. */
  waitFor: (count: number, ms?: number) => Promise<CapturedMail[]>;
  close: () => Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (ephemeral port, no TLS, no auth) that keeps every accepted
 * message, for specs and benchmarks of the email adapters. It speaks the protocol nodemailer
 * speaks to a real relay, so pooling, pipelining and 4xx handling are exercised for real.
 */
export async function startSmtpListener(options: SmtpListenerOptions = {}): Promise<SmtpListener> {
  const messages: CapturedMail[] = [];
  let refused = 0;
  let started = 0;
  let silenced = 0;
  const waiters = new Set<() => void>();
  const address = (a: SMTPServerAddress | false): string | null => (a ? a.address : null);

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    maxClients: 200,
    onData(stream, session, callback) {
      started += 1;
      options.onDataStart?.(started);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      const settle = async () => {
        if (silenced < (options.silentFirst ?? 0)) {
          silenced += 1;
          return;
        }
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        if (refused < (options.failFirst ?? 0)) {
          refused += 1;
          const error = Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks);
        const envelope = { from: address(session.envelope.mailFrom), to: session.envelope.rcptTo.map((r) => r.address) };
        const accept = (parsed: ParsedMail) => {
          messages.push({ envelope, raw, parsed });
          for (const wake of waiters) wake();
          callback();
        };
        if (options.parse === false) accept({} as ParsedMail);
        else simpleParser(raw).then(accept, (error: Error) => callback(error));
      };
      stream.on('end', () => void settle());
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    messages,
    refused: () => refused,
    dataStarted: () => started,
    silenced: () => silenced,
    waitFor(count, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP listener: ${messages.length} of ${count} messages after ${ms} ms`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
