/**
 * npm run bench:outbound [copies] — the whole outbound pipeline on loopback, in a database of its own:
 * the API (this process) takes compose requests whose copies go API → outbox → relay → BullMQ →
 * worker (a child process, as in production) → SMTP listener, then the same for SMS to the
 * Twilio-shaped endpoint (rate limits off). Prints copies per second, the rate of bare no-op BullMQ
 * jobs on the same Redis (the ceiling the queue itself sets), their ratio, and duplicates.
 * Prints figures; asserts nothing.
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { Queue, Worker } from 'bullmq';
import type { AddressInfo } from 'node:net';
import { CompanySetupService } from '../../src/companies/company-setup.service.js';
import { loadConfig } from '../../src/config/load-config.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { redisSettings } from '../../src/core/redis/redis-settings.js';
import { createHttpApp } from '../../src/http-app.js';
import { startEntry } from '../harness/processes.js';
import { databaseUrl } from '../harness/services.js';
import { startSmtpListener } from '../harness/smtp-listener.js';
import { startTwilioEndpoint } from '../harness/twilio-endpoint.js';
import { freshBenchDatabase } from './bench-database.js';

const COPIES = Number(process.argv[2] ?? 10_000);
const RECIPIENTS = 20; // the client + 19 CC accounts per message
const COMPOSERS = Number(process.env.BENCH_COMPOSERS ?? 20); // compose requests in flight (operators writing at once)
const MESSAGES = Math.ceil(COPIES / RECIPIENTS);
const DATABASE = 'relais_bench_outbound';
const PREFIX = 'bench-outbound';
const ACCOUNT_SID = `AC${'b'.repeat(32)}`;
const AUTH_TOKEN = 'bench-twilio-auth-token-000001';

const smtp = await startSmtpListener({ parse: false });
const twilioApi = await startTwilioEndpoint({ accounts: { [ACCOUNT_SID]: AUTH_TOKEN } });
const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const dbUrl = databaseUrl(base.database.url, DATABASE);
const env: Record<string, string> = {
  DATABASE_URL: dbUrl,
  DATABASE_POOL_MAX: '20',
  REDIS_URL: base.redis.url,
  QUEUE_PREFIX: PREFIX,
  WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '40',
  SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
  SMTP_POOL_MAX: process.env.BENCH_SMTP_POOL ?? '10',
  TWILIO_API_BASE_URL: twilioApi.baseUrl,
  OUTBOUND_RATE_SMS_PER_SECOND: '0',
  OUTBOUND_RATE_EMAIL_PER_SECOND: '0',
  OUTBOUND_RELAY_INTERVAL_MS: '100',
  LOG_LEVEL: 'info',
};
const config = loadConfig({ ...process.env, ...env, LOG_LEVEL: 'warn' });

await freshBenchDatabase(base, config, DATABASE);

const app = await createHttpApp(config, createLogger({ level: 'warn', role: 'bench' }));
await app.listen(0, '127.0.0.1');
const apiUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
const company = await app.get(CompanySetupService).bootstrap({ companyName: 'Bench', managerEmail: 'bench@example.test' });
const auth = { Authorization: `Bearer ${company.token}`, 'Content-Type': 'application/json' };
const call = async (method: string, path: string, body?: object) => {
  const res = await fetch(`${apiUrl}${path}`, { method, headers: auth, body: body ? JSON.stringify(body) : undefined });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};
const client = await call('POST', '/v1/clients', { name: 'Cabinet Bench', email: 'client@bench.test', mobile: '+33600000000' });
const templates = (await call('GET', '/v1/rights-templates')) as unknown as { id: string; name: string }[];
const operatorTemplate = templates.find((t) => t.name === 'Operator')!.id;
const cc: string[] = [];
for (let i = 1; i < RECIPIENTS; i += 1) {
  const user = await call('POST', '/v1/users', { rightsTemplateId: operatorTemplate, firstName: 'Op', lastName: `N${i}`, email: `op${i}@bench.test` });
  cc.push(user.id as string);
}
await call('PUT', '/v1/channels/email-sender', { address: 'accueil@bench.test', name: 'Bench' });
const sql = app.get(MikroORM).em.fork().getConnection();
await sql.execute(`update app_user set mobile = '+336' || lpad((row_number)::text, 8, '0') from (select id as uid, row_number() over (order by id) from app_user) n where n.uid = app_user.id`);
await sql.execute(`insert into sms_number (id, created_at, updated_at, company_id, phone_number, account_sid, auth_token_sealed) values (gen_random_uuid(), now(), now(), ?, '+33756781234', ?, ?)`, [
  company.companyId,
  ACCOUNT_SID,
  new SecretBox(config.secretsKey).seal(AUTH_TOKEN),
]);

// BENCH_WORKER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker.
const worker = startEntry('worker', [], { ...env, NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS ?? '' });
let workerOutput = '';
worker.stdout?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
worker.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
while (!workerOutput.includes('"worker started"')) await new Promise((resolve) => setTimeout(resolve, 100));

/** Composes MESSAGES messages (COMPOSERS requests in flight) and waits until `received()` reaches COPIES. */
async function pipeline(channel: 'email' | 'sms', received: () => number): Promise<number> {
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: COMPOSERS }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        await call('POST', `/v1/clients/${client.id as string}/messages`, { subject: `Bench ${channel} ${i}`, body: `Message ${i}`, cc, copies: [channel] });
      }
    }),
  );
  const composed = Date.now();
  while (received() < MESSAGES * RECIPIENTS && Date.now() - started < 600_000) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (Date.now() - started) / 1000;
  console.log(`${channel}: ${received()} copies in ${seconds.toFixed(2)} s (compose ${((composed - started) / 1000).toFixed(2)} s) → ${(received() / seconds).toFixed(0)} copies/s`);
  return received() / seconds;
}

// BENCH_CHANNELS=sms runs one channel alone (profiling); the figures to report come from both.
const channels = (process.env.BENCH_CHANNELS ?? 'email,sms').split(',');
const emailRate = channels.includes('email') ? await pipeline('email', () => smtp.messages.length) : 0;
const smsRate = channels.includes('sms') ? await pipeline('sms', () => twilioApi.accepted()) : 0;
await new Promise((resolve) => setTimeout(resolve, 2_000)); // let any late duplicate arrive

const messageIds = smtp.messages.map((m) => /^Message-ID:\s*<([^>]+)>/im.exec(m.raw.toString('utf8', 0, 4096))?.[1] ?? '');
const emailDups = messageIds.length - new Set(messageIds).size;
const smsKeys = twilioApi.messages.map((m) => `${m.form.To}|${m.form.Body}`);
const smsDups = smsKeys.length - new Set(smsKeys).size;
const [{ count: unsettled }] = await sql.execute<{ count: string }[]>(`select count(*) from delivery where status not in ('sent', 'delivered')`);

// The queue's own ceiling: no-op jobs through BullMQ on the same Redis, same concurrency.
const connection = { ...redisSettings(config.redis.url), maxRetriesPerRequest: null };
const noopQueue = new Queue('noop', { connection, prefix: `${PREFIX}-noop` });
let done = 0;
const noopStarted = Date.now();
const noopWorker = new Worker('noop', () => Promise.resolve(done++), { connection, prefix: `${PREFIX}-noop`, concurrency: 40 });
for (let i = 0; i < COPIES; i += 1000) {
  await noopQueue.addBulk(Array.from({ length: Math.min(1000, COPIES - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true } })));
}
while (done < COPIES) await new Promise((resolve) => setTimeout(resolve, 10));
const noopRate = COPIES / ((Date.now() - noopStarted) / 1000);
await noopWorker.close();
await noopQueue.obliterate({ force: true });
await noopQueue.close();

console.log(`bare BullMQ no-op jobs: ${noopRate.toFixed(0)} jobs/s (concurrency 40)`);
console.log(`ratio email/no-op: ${(emailRate / noopRate).toFixed(2)}, sms/no-op: ${(smsRate / noopRate).toFixed(2)}`);
console.log(`duplicates: email ${emailDups}, sms ${smsDups}; deliveries not sent: ${unsettled}`);
console.log(`targets: email ≥ 500/s ${emailRate >= 500 ? 'met' : 'NOT met'}, sms ≥ 1000/s ${smsRate >= 1000 ? 'met' : 'NOT met'}, 0 duplicates ${emailDups + smsDups === 0 ? 'met' : 'NOT met'}`);

worker.kill('SIGTERM');
await new Promise((resolve) => worker.once('exit', resolve));
await app.close();
await smtp.close();
await twilioApi.close();
for (const name of ['outbound-email', 'outbound-sms', 'outbound-fax', 'accounts']) {
  const queue = new Queue(name, { connection, prefix: PREFIX });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
}
process.exit(0);
