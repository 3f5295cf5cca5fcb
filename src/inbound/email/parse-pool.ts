import { Worker } from 'node:worker_threads';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { isWorkerProcess } from '../../core/queue/queue-workers.js';
import { type ParsedInbound, parseMail } from './parse-mail.js';
import { type ReplyText, replyText } from './reply-text.js';

/** What a parsing thread makes of one raw mail: the parsed mail and its reply text, or why not. */
export type ParseResult = { mail: ParsedInbound; text: ReplyText | null; error?: undefined } | { error: string; mail?: undefined; text?: undefined };

export interface ParseRequest {
  id: number;
  raws: Uint8Array[];
}

export type ParseReply = { ready: true } | { id: number; results: ParseResult[] } | { id: number; failed: string };

/** Parsing threads of the worker: two cores are shared by IMAP reading, PostgreSQL and parsing. */
const THREADS = 1;

interface Thread {
  worker: Worker;
  ready: boolean;
  pending: Map<number, { resolve: (results: ParseResult[] | null) => void }>;
}

/**
 * Parses batches of mail on worker threads (the worker process only; started at bootstrap, so the
 * thread has loaded its code before the first batch). Each batch is split across the threads.
 * Whatever a thread cannot do (not started yet, gone, a result that cannot cross threads) is
 * parsed on the calling thread instead, with the same code: the results never differ.
 */
@Injectable()
export class ParsePool implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('parse-pool');
  private threads: Thread[] = [];
  private nextId = 1;
  private closing = false;

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    if (!isWorkerProcess(this.moduleRef)) return;
    for (let i = 0; i < THREADS; i++) this.spawn();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => t.worker.terminate()));
    for (const t of threads) for (const p of t.pending.values()) p.resolve(null);
  }

  /** One result per raw mail, in order. */
  async parseMany(raws: Buffer[]): Promise<ParseResult[]> {
    const ready = this.threads.filter((t) => t.ready);
    if (ready.length === 0 || raws.length === 0) return parseHere(raws);
    const size = Math.ceil(raws.length / ready.length);
    const parts = await Promise.all(
      ready.map(async (thread, i) => {
        const slice = raws.slice(i * size, (i + 1) * size);
        if (slice.length === 0) return [];
        return (await this.send(thread, slice)) ?? parseHere(slice);
      }),
    );
    return parts.flat();
  }

  private send(thread: Thread, raws: Buffer[]): Promise<ParseResult[] | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      thread.pending.set(id, { resolve });
      try {
        thread.worker.postMessage({ id, raws } satisfies ParseRequest);
      } catch {
        thread.pending.delete(id);
        resolve(null);
      }
    });
  }

  private spawn(): void {
    // From the TypeScript sources (npm run start:worker, the specs), the thread needs the same loader.
    const source = import.meta.url.endsWith('.ts');
    const execArgv = source && !process.execArgv.includes('@swc-node/register/esm-register') ? [...process.execArgv, '--import', '@swc-node/register/esm-register'] : undefined;
    const worker = new Worker(new URL(`./parse-worker.${source ? 'ts' : 'js'}`, import.meta.url), { execArgv });
    const thread: Thread = { worker, ready: false, pending: new Map() };
    worker.on('message', (reply: ParseReply) => {
      if ('ready' in reply) {
        thread.ready = true;
        return;
      }
      const waiting = thread.pending.get(reply.id);
      if (!waiting) return;
      thread.pending.delete(reply.id);
      waiting.resolve('results' in reply ? reply.results.map(revive) : null);
    });
    worker.on('error', (error: Error) => this.logger.warn(`parsing thread failed: ${error.message}`));
    worker.on('exit', () => {
      this.threads = this.threads.filter((t) => t !== thread);
      for (const p of thread.pending.values()) p.resolve(null);
      thread.pending.clear();
      if (!this.closing) this.logger.warn('parsing thread exited; parsing on the main thread');
    });
    worker.unref();
    this.threads.push(thread);
  }
}

/** Buffers arrive from a thread as plain byte arrays: attachments get their Buffer back. */
function revive(result: ParseResult): ParseResult {
  if (!result.mail) return result;
  for (const file of result.mail.attachments) file.content = Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength);
  return result;
}

async function parseHere(raws: Buffer[]): Promise<ParseResult[]> {
  const results: ParseResult[] = [];
  for (const raw of raws) {
    try {
      const mail = await parseMail(raw);
      let text: ReplyText | null = null;
      try {
        text = replyText(mail);
      } catch {
        // Trimmed again by the caller, which handles the failure.
      }
      results.push({ mail, text });
    } catch (error) {
      results.push({ error: (error as Error).message });
    }
  }
  return results;
}
