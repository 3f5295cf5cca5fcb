import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { type ParsedInbound, parseMail } from './parse-mail.js';

/** One mail parsed, or the parser's error message (the mail is unparsable). */
export type ParseOutcome = { mail: ParsedInbound; error?: undefined } | { error: string; mail?: undefined };

type ThreadReply = { ready: true } | { id: number; results: ParseOutcome[] } | { id: number; failed: string };

/**
 * The worker's parsing threads. One: on two cores the main thread (IMAP, PostgreSQL, Redis, the
 * jobs) and one parsing thread keep both busy; a second thread only competes with them.
 */
const THREADS = 1;
/** Mail larger than this is parsed on the main thread (its heap is the process's, not a thread's). */
const THREAD_MAX_MAIL_BYTES = 4 * 1024 * 1024;
/** A request to a thread carries at most this many mails and bytes, bounding the thread's heap. */
const REQUEST_MAILS = 50;
const REQUEST_BYTES = 8 * 1024 * 1024;
/** The thread's heap: mail up to THREAD_MAX_MAIL_BYTES in requests up to REQUEST_BYTES fits well. */
const THREAD_HEAP_MB = 512;
/** A thread that does not say it is ready by then is given up: parsing stays on the main thread. */
const START_TIMEOUT_MS = 10_000;
/** Threads that died are replaced this many times in all; then parsing stays on the main thread. */
const RESPAWNS = 3;

interface Thread {
  worker: Worker;
  pending: Map<number, { raws: Buffer[]; resolve: (outcomes: Promise<ParseOutcome[]>) => void }>;
}

/**
 * Parses mail on worker threads running parse-thread.mjs (plain JavaScript: no TypeScript loader,
 * started in about a hundred milliseconds), with the same code as the main thread (parse-core.mjs).
 * Whatever a thread cannot do — none started, very large mail, a thread that dies or a result
 * that cannot cross threads — is parsed on the calling thread: results never differ, only where
 * they are computed.
 */
export class ParsePool {
  private readonly logger = new Logger('parse-pool');
  private threads: Thread[] = [];
  private next = 0;
  private nextId = 1;
  private respawns = RESPAWNS;
  private closing = false;

  /** `thread`: the thread's module (the specs give others, e.g. one that dies). */
  constructor(private readonly thread = new URL('./parse-thread.mjs', import.meta.url)) {}

  /** Parsing threads running now. */
  get running(): number {
    return this.threads.length;
  }

  /** Starts the threads and waits until each has loaded its code (or failed to). */
  async start(): Promise<void> {
    const started = performance.now();
    await Promise.all(Array.from({ length: THREADS }, () => this.spawn()));
    if (this.threads.length === 0) this.logger.warn('no parsing thread could start: mail is parsed on the main thread');
    else this.logger.log(`${this.threads.length} parsing thread(s) ready in ${(performance.now() - started).toFixed(0)} ms`);
  }

  async close(): Promise<void> {
    this.closing = true;
    const threads = this.threads;
    this.threads = [];
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  /** Parses one mail; rejects with the parser's error as parseMail does. */
  async parse(raw: Buffer): Promise<ParsedInbound> {
    const [outcome] = await this.parseMany([raw]);
    if (outcome.error !== undefined) throw new Error(outcome.error);
    return outcome.mail;
  }

  /** One outcome per raw mail, in order; requests go to the threads at once, round robin. */
  async parseMany(raws: Buffer[]): Promise<ParseOutcome[]> {
    const outcomes: Promise<ParseOutcome[]>[] = [];
    let request: Buffer[] = [];
    let bytes = 0;
    const flush = () => {
      if (request.length > 0) outcomes.push(this.request(request));
      request = [];
      bytes = 0;
    };
    for (const raw of raws) {
      if (this.threads.length === 0 || raw.length > THREAD_MAX_MAIL_BYTES) {
        flush();
        outcomes.push(parseHere([raw]));
        continue;
      }
      if (request.length >= REQUEST_MAILS || bytes + raw.length > REQUEST_BYTES) flush();
      request.push(raw);
      bytes += raw.length;
    }
    flush();
    return (await Promise.all(outcomes)).flat();
  }

  private request(raws: Buffer[]): Promise<ParseOutcome[]> {
    const thread = this.threads[this.next++ % this.threads.length];
    if (!thread) return parseHere(raws);
    const id = this.nextId++;
    // Each mail in an exact-size buffer of its own, moved to the thread rather than copied: a
    // Buffer read from PostgreSQL may be a view on a larger one.
    const own = raws.map((raw) => new Uint8Array(raw));
    return new Promise<ParseOutcome[]>((resolve) => {
      thread.pending.set(id, { raws, resolve });
      try {
        thread.worker.postMessage({ id, raws: own }, own.map((r) => r.buffer));
      } catch {
        thread.pending.delete(id);
        resolve(parseHere(raws));
      }
    });
  }

  private spawn(): Promise<void> {
    return new Promise((started) => {
      let worker: Worker;
      try {
        worker = new Worker(this.thread, {
          // No loader of the parent's (e.g. @swc-node/register): the thread is plain JavaScript.
          execArgv: [],
          resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
        });
      } catch (error) {
        this.logger.warn(`a parsing thread could not start (${(error as Error).message}): parsing on the main thread`);
        return started();
      }
      const thread: Thread = { worker, pending: new Map() };
      const timer = setTimeout(() => {
        this.logger.warn(`a parsing thread was not ready after ${START_TIMEOUT_MS} ms: parsing on the main thread`);
        void worker.terminate();
      }, START_TIMEOUT_MS).unref();
      let ready = false;
      worker.on('message', (reply: ThreadReply) => {
        if ('ready' in reply) {
          ready = true;
          clearTimeout(timer);
          if (!this.closing) this.threads.push(thread);
          return started();
        }
        const waiting = thread.pending.get(reply.id);
        if (!waiting) return;
        thread.pending.delete(reply.id);
        waiting.resolve('results' in reply ? Promise.resolve(reply.results.map(revive)) : parseHere(waiting.raws));
      });
      worker.on('error', (error: Error) => this.logger.warn(`a parsing thread failed: ${error.message}`));
      worker.on('exit', (code) => {
        clearTimeout(timer);
        this.threads = this.threads.filter((t) => t !== thread);
        // What it was parsing is parsed here; a mail that kills threads never reaches another one.
        for (const waiting of thread.pending.values()) waiting.resolve(parseHere(waiting.raws));
        const lost = thread.pending.size;
        thread.pending.clear();
        started();
        if (this.closing) return;
        if (!ready) {
          this.logger.warn(`a parsing thread could not start (exit code ${code}): parsing on the main thread`);
        } else if (this.respawns > 0) {
          this.respawns--;
          this.logger.warn(`a parsing thread exited (code ${code}; ${lost} requests parsed on the main thread instead): starting another`);
          void this.spawn();
        } else {
          this.logger.warn(`a parsing thread exited (code ${code}; ${lost} requests parsed on the main thread instead): parsing stays on the main thread`);
        }
      });
      // The thread never keeps the process alive: closing the application ends it.
      worker.unref();
    });
  }
}

/** Buffers come back from a thread as plain byte arrays: attachments get their Buffer back. */
function revive(outcome: ParseOutcome): ParseOutcome {
  if (!outcome.mail) return outcome;
  for (const file of outcome.mail.attachments) file.content = Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength);
  return outcome;
}

/** On the calling thread, with the same code and the same error messages as the thread. */
async function parseHere(raws: Buffer[]): Promise<ParseOutcome[]> {
  const outcomes: ParseOutcome[] = [];
  for (const raw of raws) {
    try {
      outcomes.push({ mail: await parseMail(raw) });
    } catch (error) {
      outcomes.push({ error: String((error as { message?: unknown } | undefined)?.message) });
    }
  }
  return outcomes;
}
