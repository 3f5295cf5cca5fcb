/**
 * npm run bench:inbound-email [-- latencyReplies backlogReplies] — replies appended by IMAP to the
 * harness Dovecot, read by the real worker process (src/worker.ts under the swc loader, as the specs
 * start it; the compiled dist/worker.js that `npm run start:worker` runs measured the same) on a
 * database of its own. Default 200 and 5,000.
 *  (a) latency: replies appended one by one; time from APPEND to the reply visible through the API.
 *  (b) backlog: replies appended while no worker runs; mailparser parses the same mails in a fresh
 *      process while the machine is otherwise quiet, three times, the median kept (the raw parse
 *      rate, the ceiling of any pipeline that parses); then the worker starts: replies/s from its start to the last reply
 *      written, compared with that rate. CPU per mail is printed by process (worker, PostgreSQL,
 *      Dovecot) and by worker thread (main, parsing, V8's compiler and garbage collector), beside
 *      what mailparser alone used on its thread and on V8's helper threads.
 *  Routing: ROUTING_RULES=N seeds N rules (none taking these mails; a tenth ask who the sender is) and
 *  FRESH_MAILS=M makes M of the backlog's mails fresh ones from the client (no reference of ours):
 *  those go through the rules and end in the quarantine. Comparing ROUTING_RULES=50 with 0 at the
 *  same FRESH_MAILS gives what evaluating the rules costs; threaded replies never meet the rules.
 * Prints figures; asserts nothing (the exit code says whether every mail made exactly one reply, or
 * one quarantine item for a fresh one).
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import supertest from 'supertest';
import { Mailbox } from '../../src/channels/mailbox.entity.js';
import { Client } from '../../src/clients/client.entity.js';
import { CompanySetupService } from '../../src/companies/company-setup.service.js';
import { loadConfig } from '../../src/config/load-config.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createHttpApp } from '../../src/http-app.js';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import { Conversation } from '../../src/conversations/conversation.entity.js';
import { Message } from '../../src/messages/message.entity.js';
import { RoutingRule } from '../../src/inbound/routing/routing-rule.entity.js';
import type { RuleConditions } from '../../src/inbound/routing/routing-rule.js';
import { buildMail } from '../fixtures/mail/builder.js';
import { aSentEmailCopy, type SentCopy } from '../fixtures/mail/delivery.factory.js';
import { REPLY_SAMPLES } from '../fixtures/mail/replies.js';
import { finished, startEntry } from '../harness/processes.js';
import { databaseUrl, IMAP, portIsOpen, startDovecot, stopDovecot, waitFor } from '../harness/services.js';
import { freshBenchDatabase } from './bench-database.js';
import { cpuSince, cpuSnapshot, pidsNamed, threadCpu, threadCpuSince } from './process-cpu.js';

const LATENCY_REPLIES = Number(process.argv[2] ?? 200);
const BACKLOG_REPLIES = Number(process.argv[3] ?? 5_000);
const CONCURRENCY = '10';
const ROUTING_RULES = Number(process.env.ROUTING_RULES ?? 0);
const FRESH_MAILS = Number(process.env.FRESH_MAILS ?? 0);
const DATABASE = 'relais_bench_inbound_email';
const PREFIX = 'bench-inbound-email';
const FOLDER = `bench-inbound-${randomBytes(3).toString('hex')}`;

const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const config = { ...base, database: { ...base.database, url: databaseUrl(base.database.url, DATABASE) }, queue: { ...base.queue, prefix: PREFIX } };
const imapSettings = { host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function startWorker(): { child: ChildProcess; started: Promise<number> } {
  const child = startEntry('worker', [], {
    LOG_LEVEL: 'info',
    DATABASE_URL: config.database.url,
    REDIS_URL: config.redis.url,
    QUEUE_PREFIX: PREFIX,
    SECRETS_KEY: config.secretsKey,
    WORKER_CONCURRENCY: CONCURRENCY,
    // e.g. WORKER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the worker.
    ...(process.env.WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.WORKER_NODE_OPTIONS } : {}),
  });
  let output = '';
  const started = new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (!output.includes('"worker started"')) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve(Date.now());
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${output.slice(-2000)}`)));
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[worker] ${chunk.toString()}`));
  return { child, started };
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exit;
}

/** mailparser alone: mails/s, and the CPU (ms) of its parsing thread and of V8's helper threads meanwhile. */
interface MailparserRun {
  perSecond: number;
  threadMs: number;
  helpersMs: number;
}

/**
 * mailparser's raw rate on these mails: in a fresh process (cold, as the worker's parsing thread
 * is) while nothing else runs. Measured in this process, whose heap holds the API and thousands
 * of mails, it varied from 3,100 to 5,600 mails/s between runs and stayed below a fresh process's.
 */
async function mailparserRate(mails: Buffer[]): Promise<MailparserRun> {
  const dir = mkdtempSync(join(tmpdir(), 'relais-bench-'));
  try {
    const file = join(dir, 'mails');
    const framed = mails.flatMap((raw) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(raw.length);
      return [length, raw];
    });
    writeFileSync(file, Buffer.concat(framed));
    const run = await finished(spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'test/bench/mailparser-rate.ts', file], { stdio: ['ignore', 'pipe', 'pipe'] }), 120_000);
    if (run.code !== 0) throw new Error(`mailparser-rate failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout) as MailparserRun & { mails: number };
    if (result.mails !== mails.length) throw new Error(`mailparser-rate read ${result.mails} mails of ${mails.length}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Seeded {
  token: string;
  latencyThread: string;
  backlogThread: string;
  latencyCopy: SentCopy;
  backlogCopy: SentCopy;
}

async function freshDatabase(): Promise<void> {
  await freshBenchDatabase(base, config, DATABASE);
}

/** A company, its client, two threads each with a sent email copy, and the mailbox on Dovecot. */
async function seed(app: NestExpressApplication): Promise<Seeded> {
  {
    const company = await app.get(CompanySetupService).bootstrap({ companyName: 'Bench email', managerEmail: 'bench.email@example.test' });
    const em = app.get(MikroORM).em.fork();
    const client = em.create(Client, { companyId: company.companyId, name: 'Cabinet Durand', email: 'contact@durand.test' });
    const thread = (subject: string) => {
      const conversation = em.create(Conversation, { companyId: company.companyId, clientId: client.id, authorId: company.userId, kind: 'message' });
      return em.create(Message, { id: conversation.id, companyId: company.companyId, clientId: client.id, authorId: company.userId, subject, body: 'Mme Petit a appelé.' });
    };
    const latency = thread('Latence');
    const backlog = thread('Arriéré');
    em.create(Mailbox, {
      companyId: company.companyId,
      name: 'Bench',
      host: IMAP.host,
      port: IMAP.port,
      secure: false,
      username: IMAP.user,
      passwordSealed: new SecretBox(config.secretsKey).seal(IMAP.password),
      folder: FOLDER,
      processedFolder: `${FOLDER}-done`,
      failedFolder: `${FOLDER}-failed`,
    });
    await em.flush();
    // Rules that do not take the bench's mails, of every kind of condition (keywords, patterns,
    // windows; a tenth ask who the sender is, which costs a query), each with its own action.
    for (let n = 1; n <= ROUTING_RULES; n++) {
      const conditions: RuleConditions = (
        [
        { subjectKeywords: [`devis ${n}`, 'facture'] },
        { bodyKeywords: [`référence ${n}`, 'résiliation'] },
        { senders: [`*.fournisseur-${n}.test`] },
        { recipients: [`service-${n}@*`] },
        { channel: 'sms' },
        { hasAttachments: true, subjectKeywords: ['pièce jointe'] },
        { classifications: ['automatic'] },
        { timeWindow: { days: [6, 7], from: '00:00', to: '00:01' } },
        { senders: ['concurrent.test'], bodyKeywords: ['offre'] },
        { knownSender: false, subjectKeywords: ['inconnu'] },
        ] satisfies RuleConditions[]
      )[n % 10];
      em.create(RoutingRule, { companyId: company.companyId, name: `Règle ${n}`, position: n, conditions, action: { type: 'quarantine', label: `règle ${n}` } });
    }
    await em.flush();
    return {
      token: company.token,
      latencyThread: latency.id,
      backlogThread: backlog.id,
      latencyCopy: await aSentEmailCopy(em, config, company.companyId, latency.id, 'contact@durand.test'),
      backlogCopy: await aSentEmailCopy(em, config, company.companyId, backlog.id, 'contact@durand.test'),
    };
  }
}

/** A fresh mail from the client to the mailbox: nothing of ours in it, it goes to the routing rules. */
function freshMail(n: number): Buffer {
  return buildMail({ from: 'contact@durand.test', to: 'accueil@bench.test', subject: `Question ${n}`, text: `Bonjour, une question (${n}) sur la permanence.` });
}

/** A realistic reply: a sample's text with its quoted history, to the copy's reply address. */
function replyMail(copy: SentCopy, n: number): Buffer {
  const sample = REPLY_SAMPLES[n % REPLY_SAMPLES.length];
  return buildMail({ to: copy.replyAddress, inReplyTo: copy.emailMessageId, subject: 'Re: Appel de Mme Petit', text: `${n} ${sample.text}` });
}

async function main(): Promise<void> {
  await freshDatabase();
  const api = await createHttpApp(config, createLogger({ level: 'warn', role: 'bench' }));
  await api.listen(0, '127.0.0.1');
  const seeded = await seed(api);
  const imap = await new ImapFlowMailboxClient().connect(imapSettings);
  await imap.ensureFolder(FOLDER);
  const http = supertest(`http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`);
  const repliesOf = async (id: string): Promise<number> =>
    ((await http.get(`/v1/messages/${id}`).set('Authorization', `Bearer ${seeded.token}`)).body.replies as unknown[]).length;
  const db = api.get(MikroORM).em.fork().getConnection();
  let worker = startWorker();
  try {
    await worker.started;
    await waitFor(async () => (await db.execute<{ n: number }[]>(`select count(*)::int as n from mailbox where last_connected_at is not null`))[0].n === 1, 30_000, 'the mailbox watched');

    // (a) latency
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_REPLIES; i++) {
      const raw = replyMail(seeded.latencyCopy, i);
      const started = performance.now();
      await imap.append(FOLDER, raw);
      await waitFor(async () => (await repliesOf(seeded.latencyThread)) === i + 1, 30_000, `latency reply ${i + 1}`);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `latency (${LATENCY_REPLIES} replies, APPEND → visible through GET /v1/messages/:id): p50 ${percentile(latencies, 50).toFixed(0)} ms, ` +
        `p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${latencies[latencies.length - 1].toFixed(0)} ms`,
    );

    // (b) backlog
    await stopWorker(worker.child);
    // Fresh mails spread evenly through the backlog, when asked for.
    const fresh = (i: number) => FRESH_MAILS > 0 && i % Math.floor(BACKLOG_REPLIES / FRESH_MAILS) === 0 && Math.floor(i / Math.floor(BACKLOG_REPLIES / FRESH_MAILS)) < FRESH_MAILS;
    const mails = Array.from({ length: BACKLOG_REPLIES }, (_, i) => (fresh(i) ? freshMail(i) : replyMail(seeded.backlogCopy, i)));
    const freshCount = mails.filter((_, i) => fresh(i)).length;
    if (ROUTING_RULES > 0 || freshCount > 0) console.log(`routing: ${ROUTING_RULES} rules, ${freshCount} fresh mails among the backlog's ${BACKLOG_REPLIES}`);
    const appendStarted = performance.now();
    for (const raw of mails) await imap.append(FOLDER, raw);
    console.log(`backlog: ${BACKLOG_REPLIES} replies appended with no worker running in ${((performance.now() - appendStarted) / 1000).toFixed(1)} s`);
    // Three fresh processes, the median kept: one short run swung by a fifth from run to run.
    const runs = [await mailparserRate(mails), await mailparserRate(mails), await mailparserRate(mails)].sort((a, b) => a.perSecond - b.perSecond);
    const alone = runs[1];
    const parseRate = alone.perSecond;
    worker = startWorker();
    const workerStarted = await worker.started;
    const backends = async () =>
      (await db.execute<{ pid: number }[]>(`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`)).map((r) => r.pid);
    const parts = async () => ({ worker: [worker.child.pid!], postgres: await backends(), dovecot: pidsNamed('imap') });
    const cpuBefore = cpuSnapshot(await parts());
    const threadsBefore = threadCpu(worker.child.pid!);
    await waitFor(
      async () =>
        (await db.execute<{ n: number }[]>(`select count(*)::int as n from conversation_entry where conversation_id = ?`, [seeded.backlogThread]))[0].n >= BACKLOG_REPLIES - freshCount &&
        (await db.execute<{ n: number }[]>(`select count(*)::int as n from inbound_email where status = 'received'`))[0].n === 0,
      30 * 60_000,
      'the backlog threaded',
    );
    const cpu = cpuSince(cpuBefore, cpuSnapshot(await parts()));
    const threads = threadCpuSince(threadsBefore, threadCpu(worker.child.pid!));
    const [span] = await db.execute<{ last: Date; first: Date }[]>(`select max(created_at) as last, min(created_at) as first from conversation_entry where conversation_id = ?`, [seeded.backlogThread]);
    const fromStart = (new Date(span.last).getTime() - workerStarted) / 1000;
    const pipelineRate = BACKLOG_REPLIES / fromStart;
    console.log(
      `backlog: ${BACKLOG_REPLIES} replies threaded in ${fromStart.toFixed(1)} s from the worker's start (${pipelineRate.toFixed(0)} replies/s, ` +
        `WORKER_CONCURRENCY=${CONCURRENCY}); first to last reply ${((new Date(span.last).getTime() - new Date(span.first).getTime()) / 1000).toFixed(1)} s`,
    );
    console.log(
      `mailparser alone on the same mails: ${parseRate.toFixed(0)} mails/s (median of ${runs.map((r) => r.perSecond.toFixed(0)).join(', ')}); ` +
        `pipeline / raw parse = ${((pipelineRate / parseRate) * 100).toFixed(1)} %`,
    );
    const perMail = (ms: number) => ((ms * 1000) / BACKLOG_REPLIES).toFixed(0);
    console.log(
      `backlog CPU per mail: worker ${perMail(cpu.worker)} µs (all its threads), PostgreSQL ${perMail(cpu.postgres)} µs, Dovecot ${perMail(cpu.dovecot)} µs; ` +
        `mailparser alone ${((1_000_000 / parseRate)).toFixed(0)} µs`,
    );
    // Where the worker's CPU went, beside mailparser alone's: V8 compiles hot code and collects
    // garbage on helper threads, which the raw rate gets on the otherwise idle second core.
    const named = (name: string) => threads.get(name) ?? 0;
    const other = [...threads].filter(([name]) => !['MainThread', 'WorkerThread', 'V8Worker'].includes(name)).reduce((sum, [, ms]) => sum + ms, 0);
    console.log(
      `backlog worker threads, CPU per mail: main ${perMail(named('MainThread'))} µs, parsing ${perMail(named('WorkerThread'))} µs, ` +
        `V8 compiler and GC ${perMail(named('V8Worker'))} µs, other ${perMail(other)} µs; ` +
        `mailparser alone: parsing ${perMail(alone.threadMs)} µs, V8 compiler and GC ${perMail(alone.helpersMs)} µs`,
    );

    const [counts] = await db.execute<{ stored: number; replies: number; pending: number; quarantined: number }[]>(
      `select (select count(*)::int from inbound_email) as stored, (select count(*)::int from conversation_entry where origin = 'email') as replies,
              (select count(*)::int from inbound_email where status not in ('threaded', 'quarantined')) as pending,
              (select count(*)::int from quarantine_item) as quarantined`,
    );
    const expected = LATENCY_REPLIES + BACKLOG_REPLIES;
    console.log(
      `check: ${counts.stored} mails stored, ${counts.replies} replies, ${counts.quarantined} quarantined, ${counts.pending} neither ` +
        `(expected ${expected} / ${expected - freshCount} / ${freshCount} / 0)`,
    );
    process.exitCode = counts.stored === expected && counts.replies === expected - freshCount && counts.quarantined === freshCount && counts.pending === 0 ? 0 : 1;
  } finally {
    await stopWorker(worker.child).catch(() => undefined);
    await api.close();
    for (const name of [FOLDER, `${FOLDER}-done`, `${FOLDER}-failed`]) await imap.deleteFolder(name).catch(() => undefined);
    await imap.close();
  }
}

// The harness Dovecot, started here when no IMAP server listens (as `npm test` does), stopped after.
const dovecot = (await portIsOpen(IMAP.host, IMAP.port)) ? null : await startDovecot();
try {
  await main();
} finally {
  if (dovecot) await stopDovecot(dovecot);
}
