/**
 * npm run bench:messages [messages] — seeds 200,000 messages (with replies, history and CC rows) over
 * 50 clients and 30 users in a database of its own, then measures over HTTP (sequential requests
 * against the real API) the median and p95 of the five views operators live in, and prints the
 * query plans of the slowest one. Prints figures; asserts nothing.
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { User } from '../../src/accounts/user.entity.js';
import { CompanySetupService } from '../../src/companies/company-setup.service.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { AuthContext } from '../../src/core/auth/auth-context.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { canSeeStatement, countStatement, pageStatement } from '../../src/messages/message-queries.service.js';
import { dayCountsStatement, viewConditions } from '../../src/messages/message-views.service.js';
import type { SqlCondition } from '../../src/messages/visibility.js';
import { createHttpApp } from '../../src/http-app.js';
import { databaseUrl } from '../harness/services.js';
import { freshBenchDatabase } from './bench-database.js';

const MESSAGES = Number(process.argv[2] ?? 200_000);
const CLIENTS = 50;
const USERS = 30;
const SAMPLES = 200;
const WARM_UP = 20;
const DATABASE = 'relais_bench';
const DAY = 86_400_000;

const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const config = { ...base, database: { ...base.database, url: databaseUrl(base.database.url, DATABASE) }, queue: { ...base.queue, prefix: 'bench' } };
const startApi = () => createHttpApp(config, createLogger({ level: 'warn', role: 'bench' }));

function uuidv7Sql(timestamp: string): string {
  return `(lpad(to_hex((extract(epoch from ${timestamp}) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
    || '8' || substr(md5(random()::text), 1, 15))::uuid`;
}

interface Seeded {
  token: string;
  viewer: AuthContext;
  clientIds: string[];
  threadIds: string[];
}

/** Messages spread over the last 365 days, with the rows a real thread read touches. */
async function seedRows(app: NestExpressApplication, companyId: string): Promise<void> {
  const c = app.get(MikroORM).em.fork().getConnection();
  // 10% tasks (a third of them day tasks over the next 60 days), 2% urgent, 1% VAD, 5% private, 1% remarks.
  await c.execute(
    `with clients as (select array_agg(id) ids from client), authors as (select array_agg(id) ids from app_user)
     insert into message (id, created_at, updated_at, company_id, client_id, author_id, kind, subject, body,
       urgent, private, copy_circle, task_state, due_date, vad, vad_planned_at)
     select ${uuidv7Sql('ts')}, ts, ts, ?, clients.ids[1 + i % ${CLIENTS}], authors.ids[1 + i % ${USERS}],
       (case when i % 100 = 7 then 'remark' else 'message' end)::message_kind, 'Sujet ' || i, 'Message numéro ' || i,
       i % 50 = 3, i % 20 = 5, false,
       (case when i % 10 = 1 then 'todo' when i % 10 = 2 then 'done' else 'none' end)::task_state,
       case when i % 30 = 1 then (current_date + (i % 60))::date end,
       i % 100 = 11, case when i % 100 = 11 then ts + interval '2 days' end
     from clients, authors, (select i, now() - (i || ' minutes')::interval * 525600 / ? as ts from generate_series(1, ?) i) s`,
    [companyId, MESSAGES, MESSAGES],
  );
  // Each message is a conversation of kind "message", with the same id.
  await c.execute(
    `insert into conversation (id, created_at, updated_at, company_id, client_id, author_id, kind, last_activity_at)
     select id, created_at, updated_at, company_id, client_id, author_id, 'message', created_at from message`,
  );
  // A third of the threads have 1 to 4 replies (their last activity moves to the last reply).
  await c.execute(
    `insert into conversation_entry (id, created_at, updated_at, company_id, conversation_id, author_id, body)
     select ${uuidv7Sql('m.created_at + k * interval \'7 minutes\'')}, m.created_at + k * interval '7 minutes', now(), m.company_id, m.id, m.author_id, 'Réponse ' || k
     from message m cross join generate_series(1, 4) k where abs(hashtext(m.id::text)) % 3 = 0 and k <= 1 + abs(hashtext(m.id::text)) % 4`,
  );
  await c.execute(
    `update conversation c set last_activity_at = r.last from (select conversation_id, max(created_at) as last from conversation_entry group by conversation_id) r
     where r.conversation_id = c.id`,
  );
  // History: "created" for every thread, "replied" per reply, a task change per task.
  await c.execute(
    `insert into conversation_event (id, created_at, updated_at, company_id, conversation_id, actor_id, type, details)
     select gen_random_uuid(), created_at, created_at, company_id, id, author_id, 'created', '{}'::jsonb from message
     union all select gen_random_uuid(), created_at, created_at, company_id, conversation_id, author_id, 'replied', jsonb_build_object('replyId', id) from conversation_entry
     union all select gen_random_uuid(), created_at, created_at, company_id, id, author_id, 'task.set', '{}'::jsonb from message where task_state <> 'none'`,
  );
  // CC: one or two other users on 1 message in 10.
  await c.execute(
    `with users as (select array_agg(id order by id) ids from app_user)
     insert into message_recipient (id, created_at, updated_at, company_id, message_id, user_id)
     select gen_random_uuid(), m.created_at, m.created_at, m.company_id, m.id, users.ids[1 + (abs(hashtext(m.id::text)) + k) % ${USERS}]
     from message m, users, generate_series(0, 1) k where abs(hashtext(m.id::text)) % 10 = 1 and k <= abs(hashtext(m.id::text)) % 2
     on conflict do nothing`,
  );
  const manager = (await c.execute<{ id: string }[]>(`select id from app_user where role = 'manager' limit 1`))[0].id;
  // The manager has read 70% of the threads, and deleted a few from their lists.
  await c.execute(
    `insert into conversation_state (id, created_at, updated_at, company_id, conversation_id, user_id, read_at, deleted_at)
     select gen_random_uuid(), now(), now(), company_id, id, ?, case when abs(hashtext(id::text)) % 10 < 7 then now() end,
       case when abs(hashtext(id::text)) % 200 = 0 then now() end
     from message where abs(hashtext(id::text)) % 10 < 7 or abs(hashtext(id::text)) % 200 = 0`,
    [manager],
  );
  await c.execute('vacuum analyze');
}

async function migrated(): Promise<void> {
  await freshBenchDatabase(base, config, DATABASE);
}

/** Seeds through the running API's ORM (one application for seeding and measuring). */
async function seed(app: NestExpressApplication): Promise<Seeded> {
  const company = await app.get(CompanySetupService).bootstrap({ companyName: 'Bench', managerEmail: 'bench@example.test' });
  const em = app.get(MikroORM).em.fork();
  const c = em.getConnection();
  const started = Date.now();
  await c.execute(
    `insert into client (id, created_at, updated_at, company_id, name)
     select gen_random_uuid(), now(), now(), ?, 'Client ' || i from generate_series(1, ?) i`,
    [company.companyId, CLIENTS],
  );
  const manager = await em.findOneOrFail(User, { id: company.userId });
  for (let i = 1; i < USERS; i++) {
    em.create(User, { companyId: company.companyId, kind: 'collaborator', role: 'operator', firstName: `Op${i}`, lastName: 'Bench', email: `op${i}@example.test`, permissions: manager.permissions });
  }
  await em.flush();
  await seedRows(app, company.companyId);
  const counts = await c.execute<Record<string, string>[]>(
    `select (select count(*) from message) messages, (select count(*) from conversation_entry) replies,
       (select count(*) from conversation_event) events, (select count(*) from message_recipient) cc, (select count(*) from conversation_state) states`,
  );
  console.log(`seeded ${Object.entries(counts[0]).map(([k, v]) => `${v} ${k}`).join(', ')}; ${CLIENTS} clients, ${USERS} users in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const clientIds = (await c.execute<{ id: string }[]>('select id from client order by id')).map((r) => r.id);
  // Threads the manager may read that have replies: what "thread read" opens.
  const threadIds = (
    await c.execute<{ id: string }[]>(
      `select m.id from message m where m.kind = 'message' and not m.private and exists (select 1 from conversation_entry r where r.conversation_id = m.id)
       order by m.id desc limit 200`,
    )
  ).map((r) => r.id);
  const viewer: AuthContext = {
    userId: company.userId,
    companyId: company.companyId,
    credential: { type: 'token', id: '' },
    kind: 'collaborator',
    role: 'manager',
    clientId: null,
    permissions: new Set(manager.permissions),
  };
  return { token: company.token, viewer, clientIds, threadIds };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

await migrated();
const app = await startApi();
const today = new Date().toISOString().slice(0, 10);
const inTwoMonths = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10);

interface View {
  name: string;
  path: (i: number) => string;
  statements: () => SqlCondition[];
}

/** Each view: its HTTP path, and the SQL statements it runs for the plan. */
const viewsOf = (viewer: AuthContext, clientIds: string[], threadIds: string[]): View[] => [
  {
    name: 'unread list (client file)',
    path: (i) => `/v1/clients/${clientIds[i % CLIENTS]}/messages?filter=unread`,
    statements: () => [pageStatement(viewer, viewConditions.clientFile(viewer, clientIds[0], 'unread'), {})],
  },
  { name: 'urgent view', path: () => '/v1/messages/urgent', statements: () => [pageStatement(viewer, viewConditions.urgent(viewer), {})] },
  { name: 'task follow-up', path: () => '/v1/tasks', statements: () => [pageStatement(viewer, viewConditions.tasks(viewer, {}), {})] },
  {
    name: 'day counts (2 months)',
    path: () => `/v1/tasks/day-counts?from=${today}&to=${inTwoMonths}`,
    statements: () => [dayCountsStatement(viewer, { from: today, to: inTwoMonths })],
  },
  {
    name: 'inbox counts',
    path: () => '/v1/inbox/counts',
    statements: () =>
      [viewConditions.unread(viewer), viewConditions.urgent(viewer), viewConditions.tasks(viewer, {}), viewConditions.remarks(), viewConditions.vadUntransmitted(viewer), viewConditions.subcontracting(viewer, {})].map((conditions) =>
        countStatement(viewer, conditions),
      ),
  },
  {
    name: 'thread read',
    path: (i) => `/v1/messages/${threadIds[i % threadIds.length]}`,
    statements: () => [
      canSeeStatement(viewer, threadIds[0]),
      { sql: 'select * from conversation_entry where conversation_id = ? order by id asc', params: [threadIds[0]] },
      { sql: 'select * from conversation_event where conversation_id = ? order by id asc', params: [threadIds[0]] },
    ],
  },
];

try {
  const { token, viewer, clientIds, threadIds } = await seed(app);
  const views = viewsOf(viewer, clientIds, threadIds);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const results: { name: string; median: number; p95: number; statements: () => SqlCondition[] }[] = [];
  for (const view of views) {
    const timings: number[] = [];
    for (let i = 0; i < SAMPLES + WARM_UP; i++) {
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}${view.path(i)}`, { headers: { Authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${view.name}: HTTP ${response.status}`);
      if (i >= WARM_UP) timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    results.push({ name: view.name, median: percentile(timings, 50), p95: percentile(timings, 95), statements: view.statements });
  }
  console.log(`\nHTTP latency, ${SAMPLES} sequential requests each (after ${WARM_UP} warm-up), manager's view of ${MESSAGES} messages:`);
  console.log('view                          median ms    p95 ms');
  for (const r of results) console.log(`${r.name.padEnd(30)}${r.median.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(10)}`);

  const slowest = [...results].sort((a, b) => b.p95 - a.p95)[0];
  console.log(`\nquery plans of the slowest view by p95: ${slowest.name}`);
  const connection = app.get(MikroORM).em.fork().getConnection();
  for (const statement of slowest.statements()) {
    const plan = await connection.execute<Record<string, string>[]>(`explain (analyze, buffers) ${statement.sql}`, statement.params);
    console.log(`\n${statement.sql.replace(/\s+/g, ' ').slice(0, 160)}…`);
    for (const row of plan) console.log(Object.values(row)[0]);
  }
} finally {
  await app.close();
}
