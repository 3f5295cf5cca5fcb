/**
 * npm run bench:inbound-sms [-- rate duration connections] — signed Twilio webhooks against the real
 * API process, with the real worker process threading them, both started from src as the npm
 * scripts do, on a database of their own. Default: 500 requests/s for 60 s over 50 connections,
 * 5 % of them replays of an SMS already sent. Prints the acknowledgement latency, the
 * processed-to-thread throughput and the count check (every acknowledged MessageSid stored once and
 * replied to once). Prints figures; asserts nothing (the exit code says whether the counts matched).
 * The worker runs at the API's priority; BENCH_WORKER_NICENESS (printed) can lower it.
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import twilio from 'twilio';
import { v7 as uuidv7 } from 'uuid';
import { SmsNumber } from '../../src/channels/sms-number.entity.js';
import { Client } from '../../src/clients/client.entity.js';
import { CompanySetupService } from '../../src/companies/company-setup.service.js';
import { loadConfig } from '../../src/config/load-config.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { ormOptions } from '../../src/core/database/orm-options.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createHttpApp } from '../../src/http-app.js';
import { Conversation } from '../../src/conversations/conversation.entity.js';
import { Message } from '../../src/messages/message.entity.js';
import { Delivery } from '../../src/outbound/delivery.entity.js';
import { startEntry } from '../harness/processes.js';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { databaseUrl, freePort, waitFor, withAdminClient } from '../harness/services.js';
import { freshBenchDatabase } from './bench-database.js';

const RATE = Number(process.argv[2] ?? 500);
const DURATION_S = Number(process.argv[3] ?? 60);
const CONNECTIONS = Number(process.argv[4] ?? 50);
const SENDERS = 200;
const REPLAY_SHARE = 0.05;
/** The latency of the load's first seconds is also shown apart: the processes have just started (cold code, connections being opened). */
const FIRST_SECONDS = 5;
const DATABASE = 'relais_bench_inbound_sms';
const PREFIX = 'bench-inbound-sms';
const PUBLIC = 'https://bench.relais.test';
const ACCOUNT = `AC${'be'.repeat(16)}`;
const TOKEN = 'bench-twilio-auth-token-0123456789';
const OUR_NUMBER = '+33756700000';

const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const config = { ...base, publicBaseUrl: PUBLIC, database: { ...base.database, url: databaseUrl(base.database.url, DATABASE) }, queue: { ...base.queue, prefix: PREFIX } };
const senders = Array.from({ length: SENDERS }, (_, i) => `+33612${String(i).padStart(6, '0')}`);

/** A company with one Twilio number and one thread per sender, each sent an SMS copy yesterday. */
async function seed(): Promise<void> {
  await freshBenchDatabase(base, config, DATABASE);
  const app = await createHttpApp(config, createLogger({ level: 'warn', role: 'bench' }));
  try {
    const company = await app.get(CompanySetupService).bootstrap({ companyName: 'Bench SMS', managerEmail: 'bench.sms@example.test' });
    const em = app.get(MikroORM).em.fork();
    const client = em.create(Client, { companyId: company.companyId, name: 'Client du banc' });
    em.create(SmsNumber, { companyId: company.companyId, phoneNumber: OUR_NUMBER, accountSid: ACCOUNT, authTokenSealed: new SecretBox(config.secretsKey).seal(TOKEN) });
    for (const address of senders) {
      const conversation = em.create(Conversation, { companyId: company.companyId, clientId: client.id, authorId: company.userId, kind: 'message' });
      const message = em.create(Message, { id: conversation.id, companyId: company.companyId, clientId: client.id, authorId: company.userId, subject: 'Banc', body: `Message pour ${address}` });
      em.create(Delivery, {
        companyId: company.companyId,
        outboxCopyId: uuidv7(),
        conversationId: message.id,
        channel: 'sms',
        recipientType: 'client',
        address,
        status: 'delivered',
        createdAt: new Date(Date.now() - 86_400_000),
      });
    }
    await em.flush();
  } finally {
    await app.close();
  }
}

function start(entry: 'main' | 'worker', port?: number): ChildProcess {
  const child = startEntry(entry, [], {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    ...(port ? { HTTP_PORT: String(port) } : {}),
    DATABASE_URL: config.database.url,
    REDIS_URL: config.redis.url,
    QUEUE_PREFIX: PREFIX,
    PUBLIC_BASE_URL: PUBLIC,
    SECRETS_KEY: config.secretsKey,
    // BENCH_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") reaches both processes, to profile them under this load.
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${entry}] ${chunk.toString()}`));
  return child;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The API's event-loop delay and GC time from its Prometheus metrics (the delay histogram restarts at each scrape). */
async function apiRuntime(port: number): Promise<{ lagP50: number; lagP99: number; lagMax: number; gcSeconds: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  const gcSeconds = [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  return { lagP50: value('nodejs_eventloop_lag_p50_seconds'), lagP99: value('nodejs_eventloop_lag_p99_seconds'), lagMax: value('nodejs_eventloop_lag_max_seconds'), gcSeconds };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface LoadResult {
  result: autocannon.Result;
  /** Distinct MessageSids sent, and those answered 200. */
  sent: Set<string>;
  acked: Set<string>;
  replays: number;
  /** Every 2xx answer's latency as measured on its connection (ms), sorted; and the same split at the load's fifth second. */
  latencies: number[];
  firstSeconds: number[];
  afterwards: number[];
}

async function load(port: number): Promise<LoadResult> {
  const sent: string[] = [];
  const acked = new Set<string>();
  let replays = 0;
  const latencies: number[] = [];
  const firstSeconds: number[] = [];
  const afterwards: number[] = [];
  const started = Date.now();
  const signedUrl = `${PUBLIC}/webhooks/twilio/sms`;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: DURATION_S,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/webhooks/twilio/sms',
        setupRequest: (request, context) => {
          const replay = sent.length > 0 && Math.random() < REPLAY_SHARE;
          const sid = replay ? sent[Math.floor(Math.random() * sent.length)] : `SM${randomBytes(16).toString('hex')}`;
          if (replay) replays += 1;
          else sent.push(sid);
          const params: Record<string, string> = {
            AccountSid: ACCOUNT,
            MessageSid: sid,
            To: OUR_NUMBER,
            From: senders[Number.parseInt(sid.slice(2, 10), 16) % SENDERS],
            Body: `Réponse ${sid.slice(-6)}`,
            NumMedia: '0',
          };
          // Answers come back in request order on a connection (no pipelining): a queue per connection
          // tells onResponse which SID each answer is for, even when autocannon prepares the next one early.
          ((context as { sids?: string[] }).sids ??= []).push(sid);
          return {
            ...request,
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, signedUrl, params) },
            body: new URLSearchParams(params).toString(),
          };
        },
        onResponse: (status, _body, context) => {
          const sid = (context as { sids: string[] }).sids.shift();
          if (status === 200 && sid) acked.add(sid);
        },
      },
    ],
  }, (error: Error | null, done) => (error ? reject(error) : resolve(done)));
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status < 200 || status >= 300) return;
    latencies.push(ms);
    (Date.now() - started < FIRST_SECONDS * 1000 ? firstSeconds : afterwards).push(ms);
  });
  });
  const sorted = (list: number[]) => list.sort((a, b) => a - b);
  return { result, sent: new Set(sent), acked, replays, latencies: sorted(latencies), firstSeconds: sorted(firstSeconds), afterwards: sorted(afterwards) };
}

/** BENCH_WORKER_NICENESS=19 runs the worker at the lowest CPU priority (as a deployment could); by default it shares the CPU evenly. */
const WORKER_NICENESS = Number(process.env.BENCH_WORKER_NICENESS ?? 0);

/** Seeds, starts the API and the worker, loads, checks; true when the counts matched. */
async function run(): Promise<boolean> {
  await seed();
  const port = await freePort();
  const api = start('main', port);
  const worker = start('worker');
  // The acknowledgement is the latency Twilio sees; threading can lag. The worker shares the two
  // cores at the API's priority unless told otherwise (a deployment could nice it, or give it its own cores).
  if (worker.pid && WORKER_NICENESS !== 0) setPriority(worker.pid, WORKER_NICENESS);
  const orm = await MikroORM.init({ ...ormOptions(config), allowGlobalContext: true });
  const db = orm.em.getConnection();
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.ok === true, 60_000, 'the API');
    // The load starts once the worker consumes the queue too: started from src, a process spends its
    // first seconds compiling modules, which would otherwise compete with the API's first answers.
    const queue = new Queue('inbound-sms', { prefix: PREFIX, connection: { url: config.redis.url } });
    try {
      await waitFor(async () => (await queue.getWorkersCount()) > 0, 60_000, 'the worker');
    } finally {
      await queue.close();
    }
    console.log(`load: ${RATE} requests/s for ${DURATION_S} s over ${CONNECTIONS} connections (${REPLAY_SHARE * 100} % replays); API and worker in their own processes (worker niceness ${WORKER_NICENESS})`);
    const runtimeBefore = await apiRuntime(port);
    const cpuBefore = { api: cpuSeconds(api.pid), worker: cpuSeconds(worker.pid) };
    const loadStarted = Date.now();
    const { result, sent, acked, replays, latencies, firstSeconds, afterwards } = await load(port);
    const loadEnded = Date.now();
    const cpuAfter = { api: cpuSeconds(api.pid), worker: cpuSeconds(worker.pid) };
    const runtime = await apiRuntime(port);
    const l = result.latency;
    console.log(
      `requests: ${result.requests.total} sent (${replays} replays), ${result['2xx']} answered 2xx, ${result.non2xx} other, ` +
        `${result.errors} errors, ${result.timeouts} timeouts; ${result.requests.average.toFixed(0)} requests/s on average`,
    );
    const ms = (p: number, list = latencies) => percentile(list, p).toFixed(1);
    console.log(`ack latency per request (ms): p50 ${ms(50)}  p90 ${ms(90)}  p97.5 ${ms(97.5)}  p99 ${ms(99)}  max ${ms(100)}  (target p99 < 50)`);
    console.log(
      `  of which the first ${FIRST_SECONDS} s (processes just started): p50 ${ms(50, firstSeconds)}  p99 ${ms(99, firstSeconds)}  max ${ms(100, firstSeconds)}; ` +
        `the rest: p50 ${ms(50, afterwards)}  p99 ${ms(99, afterwards)}  max ${ms(100, afterwards)}`,
    );
    // autocannon corrects for coordinated omission with an expected interval of ceil(1 / per-connection rate) = 1 ms, so an
    // answer of N ms is counted about N times: its percentiles weigh slow answers far more than Twilio would.
    console.log(`ack latency as autocannon reports it (ms): p50 ${l.p50}  p90 ${l.p90}  p97.5 ${l.p97_5}  p99 ${l.p99}  max ${l.max}  (a response of N ms counted ~N times)`);
    const loadS = (loadEnded - loadStarted) / 1000;
    const perRequestMs = (seconds: number) => ((seconds * 1000) / result.requests.total).toFixed(2);
    console.log(
      `during the load: API event-loop delay p50 ${(runtime.lagP50 * 1000).toFixed(1)} ms, p99 ${(runtime.lagP99 * 1000).toFixed(1)} ms, max ${(runtime.lagMax * 1000).toFixed(1)} ms; ` +
        `API GC ${(runtime.gcSeconds - runtimeBefore.gcSeconds).toFixed(2)} s; CPU: API ${((cpuAfter.api - cpuBefore.api) / loadS * 100).toFixed(0)} % ` +
        `(${perRequestMs(cpuAfter.api - cpuBefore.api)} ms/request), worker ${((cpuAfter.worker - cpuBefore.worker) / loadS * 100).toFixed(0)} % of a core`,
    );

    const drainStarted = Date.now();
    const unprocessed = async () => Number((await db.execute<{ n: string }[]>(`select count(*) as n from inbound_sms where status = 'received'`))[0].n);
    await waitFor(async () => (await unprocessed()) === 0, 300_000, 'every stored SMS processed').catch((error: Error) => console.log(error.message));
    const drained = Date.now();
    const [stats] = await db.execute<{ rows: string; threaded: string; replies: string; distinct_keys: string; first: Date; last: Date }[]>(
      `select (select count(*) from inbound_sms) as rows,
              (select count(*) from inbound_sms where status = 'threaded') as threaded,
              (select count(*) from conversation_entry where inbound_key like 'sms:%') as replies,
              (select count(distinct inbound_key) from conversation_entry where inbound_key like 'sms:%') as distinct_keys,
              (select min(created_at) from inbound_sms) as first,
              (select max(processed_at) from inbound_sms) as last`,
    );
    const lags = (await db.execute<{ ms: string }[]>(`select extract(epoch from processed_at - created_at) * 1000 as ms from inbound_sms where processed_at is not null`))
      .map((r) => Number(r.ms))
      .sort((a, b) => a - b);
    const spanS = (new Date(stats.last).getTime() - new Date(stats.first).getTime()) / 1000;
    console.log(
      `processing: ${stats.threaded} of ${stats.rows} stored SMS threaded, ${spanS.toFixed(1)} s from the first store to the last thread: ` +
        `${(Number(stats.threaded) / spanS).toFixed(0)} SMS/s; backlog drained ${((drained - drainStarted) / 1000).toFixed(1)} s after the load ` +
        `(which ran ${((loadEnded - loadStarted) / 1000).toFixed(1)} s)`,
    );
    console.log(`store-to-thread lag (ms): p50 ${percentile(lags, 50).toFixed(0)}  p99 ${percentile(lags, 99).toFixed(0)}  max ${percentile(lags, 100).toFixed(0)}`);

    // Every acknowledged SID is stored once and replied to once; a stored row beyond them can only be
    // a request still in flight when the load stopped (stored, its answer never read).
    const stored = new Set((await db.execute<{ sid: string }[]>('select message_sid as sid from inbound_sms')).map((r) => r.sid));
    const replied = new Set((await db.execute<{ key: string }[]>(`select inbound_key as key from conversation_entry where inbound_key like 'sms:%'`)).map((r) => r.key.slice(4)));
    const lost = [...acked].filter((sid) => !stored.has(sid)).length;
    const foreign = [...stored].filter((sid) => !sent.has(sid)).length;
    const inFlight = [...stored].filter((sid) => !acked.has(sid)).length;
    const unreplied = [...stored].filter((sid) => !replied.has(sid)).length;
    const countsMatch = lost === 0 && foreign === 0 && unreplied === 0 && Number(stats.replies) === stored.size && Number(stats.distinct_keys) === Number(stats.replies);
    console.log(
      `count check: ${sent.size} distinct MessageSids sent, ${acked.size} acknowledged; ${stats.rows} rows stored ` +
        `(${lost} acknowledged but missing, ${inFlight} whose answer was in flight when the load stopped); ` +
        `${stats.replies} replies (${stats.distinct_keys} distinct) for ${stored.size} rows, ${unreplied} rows without a reply: ${countsMatch ? 'OK' : 'MISMATCH'}`,
    );
    return countsMatch;
  } finally {
    await orm.close();
    for (const child of [api, worker]) child.kill('SIGTERM');
    await Promise.all([api, worker].map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    const redis = new Redis(config.redis.url);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
    await withAdminClient(base, (client) => client.query(`drop database if exists ${DATABASE} with (force)`));
  }
}

process.exit((await run()) ? 0 : 1);
