import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { boundSql, unnestRows } from '../../src/core/database/sql-rows.js';
import { UNPROCESSED_SQL } from '../../src/inbound/email/inbound-email.store.js';
import { TO_MOVE_SQL } from '../../src/inbound/email/mailbox-runner.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { useTestApi } from '../harness/test-context.js';

describe('database schema', () => {
  const env = useTestApi();

  it('lists every migration file, in order', () => {
    const files = readdirSync(new URL('../../src/migrations/', import.meta.url))
      .filter((file) => /^Migration\d+.*\.ts$/.test(file))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(MIGRATIONS.map((migration) => migration.name)).toEqual(files);
  });

  it('runs its sessions without PostgreSQL\'s JIT compiler, which cost the inbox counts more than it saved', async () => {
    const [row] = await env.api.app.get(MikroORM).em.getConnection().execute<{ jit: string }[]>('show jit');
    expect(row.jit).toBe('off');
  });

  it('matches the entities exactly once migrated (no drift between migrations and code)', async () => {
    const orm = env.api.app.get(MikroORM);
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  // Every query on tenant data filters by company: each table with a company_id keeps one full
  // index that starts with it (its own, or the plain one tenant tables get), and exactly one.
  it('indexes every tenant table by company once: a table whose own index starts with company_id has no plain one', async () => {
    const connection = env.api.app.get(MikroORM).em.getConnection();
    const rows = await connection.execute<{ table: string; plain: number; led: number }[]>(
      `select t.relname as table,
              count(*) filter (where x.indnatts = 1)::int as plain,
              count(*) filter (where x.indnatts > 1)::int as led
         from pg_class t
         join pg_namespace n on n.oid = t.relnamespace and n.nspname = 'public'
         join pg_attribute a on a.attrelid = t.oid and a.attname = 'company_id'
         left join pg_index x on x.indrelid = t.oid and x.indkey[0] = a.attnum and x.indpred is null
        where t.relkind = 'r' and t.relname <> 'thread_tag'
        group by t.relname order by t.relname`,
    );
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((row) => row.plain + row.led === 0).map((row) => row.table)).toEqual([]);
    expect(rows.filter((row) => row.plain > 0 && row.led > 0).map((row) => row.table)).toEqual([]);
  });

  // Partial indexes serve only queries whose conditions imply their predicate: a lookup edited to
  // lose that condition would silently scan the whole table. The inbound queries are the code's own.
  const numbered = (query: string) => {
    let n = 0;
    return query.replace(/\?/g, () => `$${++n}`);
  };
  it.each([
    ['a reply token', `select id from delivery where reply_token = any($1::text[])`, 'delivery_reply_token_unique'],
    ['an SMS status callback', `select id from delivery where provider_message_id = $1`, 'delivery_provider_message_id_unique'],
    ['an SMS sender', `select id from delivery where channel = 'sms' and address = $1 and company_id = $2`, 'delivery_sms_address_index'],
    ['mail to move', numbered(TO_MOVE_SQL), 'inbound_email_mailbox_pending_move_index'],
    ['mail to requeue', numbered(UNPROCESSED_SQL), 'inbound_email_mailbox_pending_move_index'],
  ])('finds %s through its partial index', async (_, query, index) => {
    const connection = env.api.app.get(MikroORM).em.getConnection();
    const plan = await connection.transactional(async (trx) => {
      // The plan for any value (a generic plan), on an empty table: no sequential scan offered.
      await connection.execute('set local enable_seqscan = off; set local plan_cache_mode = force_generic_plan', [], 'run', trx);
      await connection.execute(`prepare lookup as ${query}`, [], 'run', trx);
      const parameters = (query.match(/\$\d/g) ?? []).map(() => 'null');
      const rows = await connection.execute<{ 'QUERY PLAN': string }[]>(`explain execute lookup${parameters.length ? `(${parameters.join(', ')})` : ''}`, [], 'all', trx);
      await connection.execute('deallocate lookup', [], 'run', trx);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain(index);
  });

  // Unique where set: a second copy with the same reply token or provider id is still refused;
  // any number of rows without one are accepted.
  it.each([
    ['reply_token', 'delivery_reply_token_unique'],
    ['provider_message_id', 'delivery_provider_message_id_unique'],
  ])('refuses a second delivery with the same %s, and accepts many without one', async (column, index) => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, `Permanence ${column}`);
    const em = app.get(EntityManager).fork();
    const insert = (value: string | null) =>
      boundSql(
        em,
        `insert into delivery (id, created_at, updated_at, company_id, outbox_copy_id, conversation_id, channel, recipient_type, address, ${column})
         values (?, now(), now(), ?, ?, ?, 'email', 'client', 'client@example.test', ?)`,
        [randomUUID(), world.companyId, randomUUID(), world.messageId, value],
      );
    await insert(null);
    await insert(null);
    await insert('same-value');
    await expect(insert('same-value')).rejects.toThrow(index);
    const [{ n }] = await boundSql<{ n: number }>(em, `select count(*)::int as n from delivery where conversation_id = ? and ${column} is not distinct from ?`, [world.messageId, 'same-value']);
    expect(n).toBe(1);
  });

  // Rows travel as one array literal per column: text that looks like array syntax, SQL nulls and
  // JSON with quotes must come back exactly as sent, in order.
  it('reads back from unnestRows every value as it was sent, nulls and array-literal characters included', async () => {
    const em = env.api.app.get(EntityManager).fork();
    const texts = ['plain', '', 'NULL', 'a "quoted", {braced} \\ back\\slashed', "l'apostrophe\nsur deux lignes", 'émoji 🙂 et ß', ' espaces '];
    const rows = texts.map((text, i) => [randomUUID(), text, i % 2 === 0, i % 3 === 0 ? null : JSON.stringify({ text, n: i }), i === 2 ? null : i]);
    const source = unnestRows({ id: 'uuid', text: 'text', flag: 'bool', details: 'jsonb', n: 'int' }, rows);
    const back = await boundSql<{ id: string; text: string; flag: boolean; details: unknown; n: number | null }>(
      em,
      `select v.id::text as id, v.text, v.flag, v.details, v.n from ${source.from}`,
      source.params,
    );
    expect(back).toEqual(rows.map(([id, text, flag, details, n]) => ({ id, text, flag, details: details === null ? null : JSON.parse(details as string), n })));
    expect(back[2].text).toBe('NULL');
    expect(back[2].n).toBeNull();
  });

  it('refuses to make rows from unnestRows whose length does not match the columns', () => {
    expect(() => unnestRows({ id: 'uuid', text: 'text' }, [[randomUUID(), 'a'], [randomUUID()]])).toThrow('unnestRows: row 1 has 1 values for 2 columns');
  });
});
