/**
 * npm run bench:messages — seeds 200,000 messages over 50 clients and 30 users in a database of its
 * own, then measures over HTTP (sequential requests against the real API) the median and p95 of the
 * lists operators live in, and prints the query plan of the slowest one. Prints figures; asserts nothing.
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import type { AddressInfo } from 'node:net';
import { ApiToken } from '../../src/accounts/api-token.entity.js';
import { User } from '../../src/accounts/user.entity.js';
import { CompanySetupService } from '../../src/companies/company-setup.service.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { AuthContext } from '../../src/core/auth/auth-context.js';
import { migrate } from '../../src/core/database/migrate.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { pageStatement } from '../../src/messages/message-queries.service.js';
import { deletedBy, unreadBy } from '../../src/messages/visibility.js';
import { createHttpApp } from '../../src/http-app.js';
import { databaseUrl, withAdminClient } from '../harness/services.js';

const MESSAGES = Number(process.argv[2] ?? 200_000);
const CLIENTS = 50;
const USERS = 30;
const SAMPLES = 200;
const DATABASE = 'relais_bench';

const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const config = { ...base, database: { ...base.database, url: databaseUrl(base.database.url, DATABASE) }, queue: { ...base.queue, prefix: 'bench' } };

function uuidv7Sql(timestamp: string): string {
  return `(lpad(to_hex((extract(epoch from ${timestamp}) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
    || '8' || substr(md5(random()::text), 1, 15))::uuid`;
}

async function seed(): Promise<{ tokens: string[]; viewer: AuthContext; clientIds: string[] }> {
  await withAdminClient(base, async (client) => {
    await client.query(`drop database if exists ${DATABASE} with (force)`);
    await client.query(`create database ${DATABASE}`);
  });
  const orm = await MikroORM.init({ ...(await import('../../src/core/database/orm-options.js')).ormOptions(config), allowGlobalContext: true });
  await migrate(orm);
  await orm.close();

  const app = await createHttpApp(config, createLogger({ level: 'warn', role: 'bench' }));
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
  const users = [manager];
  for (let i = 1; i < USERS; i++) {
    users.push(em.create(User, { companyId: company.companyId, kind: 'collaborator', role: 'operator', firstName: `Op${i}`, lastName: 'Bench', email: `op${i}@example.test`, permissions: manager.permissions }));
  }
  const tokens = [company.token, ...users.slice(1).map((user) => em.getRepository(ApiToken).issue(user, 'bench').secret)];
  await em.flush();
  // Messages spread over the last 365 days; 10% tasks (a third of them day tasks), 2% urgent, 1% VAD, 5% private, 1% remarks.
  await c.execute(
    `with clients as (select array_agg(id) ids from client), authors as (select array_agg(id) ids from app_user)
     insert into message (id, created_at, updated_at, last_activity_at, company_id, client_id, author_id, kind, subject, body,
       urgent, private, copy_circle, task_state, due_date, vad, vad_planned_at)
     select ${uuidv7Sql('ts')}, ts, ts, ts, ?, clients.ids[1 + i % ${CLIENTS}], authors.ids[1 + i % ${USERS}],
       (case when i % 100 = 7 then 'remark' else 'message' end)::message_kind, 'Sujet ' || i, 'Message numéro ' || i,
       i % 50 = 3, i % 20 = 5, false,
       (case when i % 10 = 1 then 'todo' when i % 10 = 2 then 'done' else 'none' end)::task_state,
       case when i % 30 = 1 then (current_date + (i % 60))::date end,
       i % 100 = 11, case when i % 100 = 11 then ts + interval '2 days' end
     from clients, authors, (select i, now() - (i || ' minutes')::interval * 525600 / ? as ts from generate_series(1, ?) i) s`,
    [company.companyId, MESSAGES, MESSAGES],
  );
  // The manager has read 70% of the threads.
  await c.execute(
    `insert into message_user_state (id, created_at, updated_at, company_id, message_id, user_id, read_at)
     select gen_random_uuid(), now(), now(), company_id, id, ?, now() from message where abs(hashtext(id::text)) % 10 < 7`,
    [company.userId],
  );
  await c.execute('analyze');
  console.log(`seeded ${MESSAGES} messages, ${CLIENTS} clients, ${USERS} users in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await app.close();
  const clientIds = (await c.execute<{ id: string }[]>('select id from client order by id')).map((r) => r.id);
  const viewer: AuthContext = {
    userId: company.userId,
    companyId: company.companyId,
    tokenId: '',
    kind: 'collaborator',
    role: 'manager',
    clientId: null,
    permissions: new Set(manager.permissions),
  };
  return { tokens, viewer, clientIds };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const { tokens, viewer, clientIds } = await seed();
const app = await createHttpApp(config, createLogger({ level: 'warn', role: 'bench' }));
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as AddressInfo;
const paths: Record<string, (i: number) => string> = {
  'unread list (client file)': (i) => `/v1/clients/${clientIds[i % CLIENTS]}/messages?filter=unread`,
  'urgent view': () => '/v1/messages/urgent',
  'task follow-up': () => '/v1/tasks',
  'day counts (2 months)': () => {
    const from = new Date().toISOString().slice(0, 10);
    return `/v1/tasks/day-counts?from=${from}&to=${new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10)}`;
  },
};
const threadIds = (await (await fetch(`http://127.0.0.1:${port}/v1/tasks?limit=200`, { headers: { Authorization: `Bearer ${tokens[0]}` } })).json()) as {
  items: { id: string }[];
};
paths['thread read'] = (i) => `/v1/messages/${threadIds.items[i % threadIds.items.length].id}`;

const results: { name: string; median: number; p95: number }[] = [];
for (const [name, path] of Object.entries(paths)) {
  const timings: number[] = [];
  for (let i = 0; i < SAMPLES + 20; i++) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}${path(i)}`, { headers: { Authorization: `Bearer ${tokens[0]}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}`);
    if (i >= 20) timings.push(performance.now() - started);
  }
  timings.sort((a, b) => a - b);
  results.push({ name, median: percentile(timings, 50), p95: percentile(timings, 95) });
}
console.log(`\nHTTP latency, ${SAMPLES} sequential requests each (after 20 warm-up), manager's view of ${MESSAGES} messages:`);
console.log('view                          median ms    p95 ms');
for (const r of results) console.log(`${r.name.padEnd(30)}${r.median.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(10)}`);

const slowest = [...results].sort((a, b) => b.p95 - a.p95)[0];
const hidden = deletedBy(viewer);
const notDeleted = { sql: `not ${hidden.sql}`, params: hidden.params };
const statements: Record<string, ReturnType<typeof pageStatement>> = {
  'unread list (client file)': pageStatement(viewer, [{ sql: 'm.client_id = ?', params: [clientIds[0]] }, notDeleted, unreadBy(viewer)], {}),
  'urgent view': pageStatement(viewer, [{ sql: 'm.urgent', params: [] }, unreadBy(viewer), notDeleted], {}),
  'task follow-up': pageStatement(viewer, [{ sql: `m.task_state = 'todo'`, params: [] }, notDeleted], {}),
};
const statement = statements[slowest.name] ?? statements['urgent view'];
const em = app.get(MikroORM).em.fork();
const plan = await em.getConnection().execute<Record<string, string>[]>(`explain (analyze, buffers) ${statement.sql}`, statement.params);
console.log(`\nquery plan of the slowest list (${statements[slowest.name] ? slowest.name : 'urgent view'}):`);
for (const row of plan) console.log(Object.values(row)[0]);
await app.close();
