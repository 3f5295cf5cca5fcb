import { readdirSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { MIGRATIONS } from '../../src/migrations/index.js';
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

  it('matches the entities exactly once migrated (no drift between migrations and code)', async () => {
    const orm = env.api.app.get(MikroORM);
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  // Partial indexes serve only queries whose conditions imply their predicate: a lookup edited to
  // lose that condition would silently scan the whole table.
  it.each([
    ['a reply token', `select id from delivery where reply_token = any($1::text[])`, 'delivery_reply_token_unique'],
    ['an SMS status callback', `select id from delivery where provider_message_id = $1`, 'delivery_provider_message_id_unique'],
    ['an SMS sender', `select id from delivery where channel = 'sms' and address = $1 and company_id = $2`, 'delivery_sms_address_index'],
    ['mail to move', `select id, uid, status from inbound_email where mailbox_id = $1 and uid_validity = $2 and moved_at is null order by uid limit 1000`, 'inbound_email_mailbox_pending_move_index'],
    ['mail to requeue', `select id from inbound_email where mailbox_id = $1 and moved_at is null and status = 'received' order by id limit 10000`, 'inbound_email_mailbox_pending_move_index'],
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
});
