import { MikroORM } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { Migration20261204100000_mailbox_account_and_authserv } from '../../src/migrations/Migration20261204100000_mailbox_account_and_authserv.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

describe('migration: mailboxes already watching the same IMAP folder', () => {
  const env = useTestApi();

  it('keeps the first active one, deactivates the later ones saying why, then the unique index holds', async () => {
    const { app, http } = env.api;
    const a = await aCompanyWorld(app, http, 'Permanence A');
    const b = await aCompanyWorld(app, http, 'Permanence B');
    const orm = app.get(MikroORM);
    const sql = <T>(query: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(query, params);
    const run = async (direction: 'up' | 'down') => {
      const migration = new Migration20261204100000_mailbox_account_and_authserv(orm.em.getDriver(), orm.config);
      migration[direction]();
      for (const query of migration.getQueries()) await orm.em.getConnection().execute(query);
    };
    await run('down');
    const insert = (id: string, companyId: string, host: string, username: string, folder: string, active: boolean) =>
      sql(
        `insert into mailbox (id, created_at, updated_at, company_id, name, host, port, secure, username, password_sealed, folder, active)
         values (?, now(), now(), ?, 'x', ?, 993, true, ?, 'v1:x', ?, ?)`,
        [id, companyId, host, username, folder, active],
      );
    await insert('01900000-0000-7000-8000-000000000001', a.companyId, 'imap.relais.test', 'reply', 'INBOX', true);
    await insert('01900000-0000-7000-8000-000000000002', b.companyId, 'IMAP.relais.test', 'Reply', 'inbox', true);
    await insert('01900000-0000-7000-8000-000000000003', b.companyId, 'imap.relais.test', 'reply', 'INBOX', false);
    await insert('01900000-0000-7000-8000-000000000004', b.companyId, 'imap.relais.test', 'reply', 'Archives', true);
    await run('up');
    const rows = await sql<{ id: string; active: boolean; last_error: string | null }>(`select id, active, last_error from mailbox order by id`);
    expect(rows.map((r) => [r.id.slice(-1), r.active, r.last_error !== null])).toEqual([
      ['1', true, false],
      ['2', false, true],
      ['3', false, false],
      ['4', true, false],
    ]);
    expect(rows[1].last_error).toContain('same IMAP account and folder');
    await expect(sql(`update mailbox set active = true where id = '01900000-0000-7000-8000-000000000002'`)).rejects.toThrow(/mailbox_account_unique/);
    // Through the API, re-activating the duplicate is the same 409.
    const res = await callerOf(http)(b.manager).patch('/v1/channels/mailboxes/01900000-0000-7000-8000-000000000002', { active: true });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('mailbox_already_watched');
  });
});
