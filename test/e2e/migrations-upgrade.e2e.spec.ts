import { randomBytes, randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate } from '../../src/core/database/migrate.js';
import { ormOptions } from '../../src/core/database/orm-options.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { baseConfig, databaseUrl, withAdminClient } from '../harness/services.js';

/** A database made before workers existed, then brought up to date by one `migrate`, as on a deploy. */
describe('migrations: upgrading a database that holds companies', () => {
  const base = baseConfig();
  const database = `${process.env.RELAIS_TEST_RUN}_upgrade_${randomBytes(4).toString('hex')}`;
  let orm: MikroORM;
  const sql = <T>(query: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(query, params);
  const templatesOf = (companyId: string) =>
    sql<{ name: string; kind: string; role: string | null; permissions: string[] }>(
      'select name, kind::text as kind, role::text as role, permissions from rights_template where company_id = ? order by name',
      [companyId],
    );

  beforeAll(async () => {
    await withAdminClient(base, (client) => client.query(`create database "${database}"`));
    orm = await MikroORM.init({ ...ormOptions({ ...base, database: { ...base.database, url: databaseUrl(base.database.url, database) } }), allowGlobalContext: true });
  });
  afterAll(async () => {
    await orm?.close();
    await withAdminClient(base, (client) => client.query(`drop database if exists "${database}" with (force)`));
  });

  it('gives each older company the "Intervenant" template in the same run that adds workers, once, and keeps a hand-made one', async () => {
    const beforeWorkers = MIGRATIONS.findIndex((migration) => migration.name === 'Migration20261206300000_workers');
    await orm.migrator.up({ to: MIGRATIONS[beforeWorkers - 1].name });
    const [plain, handMade] = [randomUUID(), randomUUID()];
    for (const [id, name] of [[plain, 'Permanence Ancienne'], [handMade, 'Permanence Prévoyante']]) {
      await sql('insert into company (id, created_at, updated_at, name) values (?, now(), now(), ?)', [id, name]);
      await sql(`insert into rights_template (id, created_at, updated_at, company_id, name, kind, role, permissions) values (?, now(), now(), ?, 'Operator', 'collaborator', 'operator', '{messages.read}')`, [randomUUID(), id]);
    }
    // This company's manager had made a template of that name before workers existed: it is theirs.
    await sql(`insert into rights_template (id, created_at, updated_at, company_id, name, kind, role, permissions) values (?, now(), now(), ?, 'Intervenant', 'collaborator', 'operator', '{notes.read}')`, [randomUUID(), handMade]);

    const applied = await migrate(orm);
    expect(applied).toEqual(MIGRATIONS.slice(beforeWorkers).map((migration) => migration.name));
    expect(await templatesOf(plain)).toEqual([
      { name: 'Intervenant', kind: 'worker', role: null, permissions: [] },
      { name: 'Operator', kind: 'collaborator', role: 'operator', permissions: ['messages.read'] },
    ]);
    expect((await templatesOf(handMade)).find((template) => template.name === 'Intervenant')).toEqual({
      name: 'Intervenant',
      kind: 'collaborator',
      role: 'operator',
      permissions: ['notes.read'],
    });

    // A manager who deletes it does not see it come back with the next deploy.
    await sql(`delete from rights_template where company_id = ? and name = 'Intervenant'`, [plain]);
    expect(await migrate(orm)).toEqual([]);
    expect((await templatesOf(plain)).map((template) => template.name)).toEqual(['Operator']);
  });
});
