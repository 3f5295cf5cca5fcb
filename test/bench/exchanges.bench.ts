/**
 * npm run bench:exchanges [interventions] — seeds 50,000 interventions with 10 exchanges each (their
 * conversations, entries and the summary columns as the service keeps them) over 50 clients in a
 * database of its own, then measures over HTTP (sequential requests against the real API) the median
 * and p95 of the intervention list (plain and with each filter) and of one intervention's exchanges,
 * and prints the query plan of the slowest list. Prints figures; asserts nothing.
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { CompanySetupService } from '../../src/companies/company-setup.service.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createHttpApp } from '../../src/http-app.js';
import { databaseUrl } from '../harness/services.js';
import { freshBenchDatabase } from './bench-database.js';

const INTERVENTIONS = Number(process.argv[2] ?? 50_000);
const EXCHANGES_EACH = 10;
const CLIENTS = 50;
const SAMPLES = 200;
const WARM_UP = 20;
const DATABASE = 'relais_bench_exchanges';

const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const config = { ...base, database: { ...base.database, url: databaseUrl(base.database.url, DATABASE) }, queue: { ...base.queue, prefix: 'bench-exchanges' } };
const startApi = () => createHttpApp(config, createLogger({ level: 'warn', role: 'bench' }));

function uuidv7Sql(timestamp: string): string {
  return `(lpad(to_hex((extract(epoch from ${timestamp}) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
    || '8' || substr(md5(random()::text), 1, 15))::uuid`;
}

/** Interventions over the last year, each with its conversation, 10 exchanges and their entries, and its summary. */
async function seed(app: NestExpressApplication): Promise<{ token: string; clientIds: string[]; interventionIds: string[] }> {
  const company = await app.get(CompanySetupService).bootstrap({ companyName: 'Bench', managerEmail: 'bench@example.test' });
  const c = app.get(MikroORM).em.fork().getConnection();
  const started = Date.now();
  await c.execute(
    `insert into client (id, created_at, updated_at, company_id, name) select gen_random_uuid(), now(), now(), ?, 'Client ' || i from generate_series(1, ?) i`,
    [company.companyId, CLIENTS],
  );
  await c.execute(
    `insert into contact (id, created_at, updated_at, company_id, client_id, name, email)
     select gen_random_uuid(), now(), now(), company_id, id, 'Contact de ' || name, 'contact@' || replace(lower(name), ' ', '') || '.test' from client`,
  );
  // 40% done, 30% in progress, 20% requested, 10% reported.
  await c.execute(
    `with clients as (select array_agg(id order by id) ids from client)
     insert into intervention (id, created_at, updated_at, company_id, client_id, contact_id, author_id, title, description, status, requested_at, done_at, reported_at)
     select ${uuidv7Sql('ts')}, ts, ts, ?, clients.ids[1 + i % ${CLIENTS}], null, ?, 'Intervention ' || i, 'Demande numéro ' || i,
       (case when i % 10 < 4 then 'done' when i % 10 < 7 then 'in_progress' when i % 10 < 9 then 'requested' else 'reported' end)::intervention_status,
       ts, case when i % 10 < 4 or i % 10 = 9 then ts + interval '3 days' end, case when i % 10 = 9 then ts + interval '4 days' end
     from clients, (select i, now() - (i || ' minutes')::interval * 525600 / ? as ts from generate_series(1, ?) i) s`,
    [company.companyId, company.userId, INTERVENTIONS, INTERVENTIONS],
  );
  await c.execute(`update intervention i set contact_id = (select k.id from contact k where k.client_id = i.client_id limit 1)`);
  await c.execute(
    `insert into conversation (id, created_at, updated_at, company_id, client_id, author_id, kind, last_activity_at)
     select id, created_at, updated_at, company_id, client_id, author_id, 'exchange', created_at from intervention`,
  );
  // Exchanges one hour apart, alternately transmitted and received; one intervention in ten has a reminder.
  await c.execute(
    `insert into conversation_entry (id, created_at, updated_at, company_id, conversation_id, author_id, body)
     select ${uuidv7Sql("i.created_at + k * interval '1 hour'")}, i.created_at + k * interval '1 hour', now(), i.company_id, i.id, i.author_id,
       'Échange ' || k || ' : le client confirme sa disponibilité pour le passage du technicien'
     from intervention i cross join generate_series(1, ${EXCHANGES_EACH}) k`,
  );
  await c.execute(
    `insert into exchange (id, created_at, updated_at, company_id, intervention_id, entry_id, direction, type, reminder, staff_user_id, contact_id, author_id,
       subject, detail, happened_at, status, origin)
     select e.id, e.created_at, e.created_at, e.company_id, e.conversation_id, e.id,
       (case when row_number() over w % 2 = 0 then 'received' else 'transmitted' end)::exchange_direction,
       case when row_number() over w = 5 and abs(hashtext(e.conversation_id::text)) % 10 = 0 then 'reminder' else 'call' end,
       row_number() over w = 5 and abs(hashtext(e.conversation_id::text)) % 10 = 0,
       e.author_id, i.contact_id, e.author_id, null, e.body, e.created_at, 'recorded', 'app'
     from conversation_entry e join intervention i on i.id = e.conversation_id
     window w as (partition by e.conversation_id order by e.id)`,
  );
  // The summary as InterventionSummary keeps it (details here are under 140 characters: the preview is the detail).
  await c.execute(
    `update intervention i set exchange_count = s.n, reminder_count = s.r, latest_preview = s.detail, latest_exchange_at = s.at, updated_at = s.at
       from (select distinct on (intervention_id) intervention_id, count(*) over p as n, count(*) filter (where reminder) over p as r, detail, happened_at as at
               from exchange window p as (partition by intervention_id) order by intervention_id, happened_at desc, id desc) s
      where s.intervention_id = i.id`,
  );
  await c.execute('vacuum analyze');
  const counts = await c.execute<Record<string, string>[]>(
    `select (select count(*) from intervention) interventions, (select count(*) from exchange) exchanges,
       (select count(*) from intervention where reminder_count > 0) "with a reminder"`,
  );
  console.log(`seeded ${Object.entries(counts[0]).map(([k, v]) => `${v} ${k}`).join(', ')}; ${CLIENTS} clients in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const clientIds = (await c.execute<{ id: string }[]>('select id from client order by id')).map((r) => r.id);
  const interventionIds = (await c.execute<{ id: string }[]>('select id from intervention order by id desc limit 200')).map((r) => r.id);
  return { token: company.token, clientIds, interventionIds };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

await freshBenchDatabase(base, config, DATABASE);
const app = await startApi();
try {
  const { token, clientIds, interventionIds } = await seed(app);
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const views: { name: string; path: (i: number) => string; list: boolean }[] = [
    { name: 'list (newest 50)', path: () => '/v1/interventions', list: true },
    { name: 'list ?clientId', path: (i) => `/v1/interventions?clientId=${clientIds[i % CLIENTS]}`, list: true },
    { name: 'list ?status=in_progress', path: () => '/v1/interventions?status=in_progress', list: true },
    { name: 'list ?hasReminder=true', path: () => '/v1/interventions?hasReminder=true', list: true },
    { name: 'list ?updatedSince (30 d)', path: () => `/v1/interventions?updatedSince=${encodeURIComponent(monthAgo)}`, list: true },
    { name: 'exchanges of one', path: (i) => `/v1/interventions/${interventionIds[i % interventionIds.length]}/exchanges`, list: false },
  ];
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const results: { name: string; median: number; p95: number; path: string; list: boolean }[] = [];
  for (const view of views) {
    const timings: number[] = [];
    for (let i = 0; i < SAMPLES + WARM_UP; i++) {
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}${view.path(i)}`, { headers: { Authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { items?: { summary: unknown }[] };
      if (response.status !== 200) throw new Error(`${view.name}: HTTP ${response.status}`);
      if (view.list && i === 0 && !body.items?.[0]?.summary) throw new Error(`${view.name}: no summary in the answer`);
      if (i >= WARM_UP) timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    results.push({ name: view.name, median: percentile(timings, 50), p95: percentile(timings, 95), path: view.path(0), list: view.list });
  }
  console.log(`\nHTTP latency, ${SAMPLES} sequential requests each (after ${WARM_UP} warm-up), manager's view of ${INTERVENTIONS} interventions × ${EXCHANGES_EACH} exchanges:`);
  console.log('view                          median ms    p95 ms');
  for (const r of results) console.log(`${r.name.padEnd(30)}${r.median.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(10)}`);
  const lists = results.filter((r) => r.list);
  console.log(`\nintervention list p95 (worst of the list views): ${Math.max(...lists.map((r) => r.p95)).toFixed(1)} ms (target < 50 ms)`);
} finally {
  await app.close();
}
