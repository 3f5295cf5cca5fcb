import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { PROCESS_TEST_TIMEOUT_MS, runEntry } from '../harness/processes.js';
import { baseConfig, databaseUrl, withAdminClient } from '../harness/services.js';
import { TestContext, type TestApi } from '../harness/test-context.js';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

describe('CLI: migrate and bootstrap on a fresh database', () => {
  const base = baseConfig();
  const database = `${process.env.RELAIS_TEST_RUN}_cli_${randomBytes(4).toString('hex')}`;
  const env = { DATABASE_URL: databaseUrl(base.database.url, database), REDIS_URL: base.redis.url };
  let ctx: TestContext;

  beforeAll(() => withAdminClient(base, (client) => client.query(`create database "${database}"`)));
  afterAll(async () => {
    await ctx?.close();
    await withAdminClient(base, (client) => client.query(`drop database if exists "${database}" with (force)`));
  });

  it('migrates an empty database, and a second run applies nothing', async () => {
    const first = await runEntry('cli', ['migrate'], env);
    expect(first).toMatchObject({ code: 0 });
    expect(JSON.parse(first.stdout)).toEqual({ applied: MIGRATIONS.map((migration) => migration.name) });
    const second = await runEntry('cli', ['migrate'], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ applied: [] });
  });

  it('bootstraps a company whose token works on /v1/me', async () => {
    const result = await runEntry('cli', ['bootstrap', '--company', 'Permanence Azur', '--manager-email', 'Claire.Martin@Azur.test'], env);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { companyId: string; userId: string; token: string; invitationUrl: string };
    expect(Object.keys(printed).sort()).toEqual(['companyId', 'invitationUrl', 'token', 'userId']);
    expect(printed.invitationUrl).toMatch(/^http:\/\/localhost:3000\/console\/password\?token=[A-Za-z0-9_-]{43}$/);

    ctx = await TestContext.create();
    const api: TestApi = await ctx.startApi({ ...ctx.config, database: { ...ctx.config.database, url: env.DATABASE_URL } });
    const me = await api.http.get('/v1/me').set('Authorization', `Bearer ${printed.token}`).expect(200);
    expect(me.body).toMatchObject({
      id: printed.userId,
      company: { id: printed.companyId, name: 'Permanence Azur' },
      role: 'manager',
      email: 'claire.martin@azur.test',
      firstName: 'Claire',
      lastName: 'Martin',
    });
    // The printed link sets the manager's console password.
    const token = new URL(printed.invitationUrl).searchParams.get('token');
    await api.http.post('/v1/password').send({ token, password: 'le mot de passe de Claire' }).expect(204);
    const session = await api.http.post('/v1/session').send({ email: 'claire.martin@azur.test', password: 'le mot de passe de Claire' }).expect(200);
    expect(session.body.account.id).toBe(printed.userId);
  });

  it('refuses a second bootstrap for an existing manager email unless --force, creating nothing', async () => {
    const countCompanies = async () => {
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      try {
        return Number((await client.query<{ n: string }>('select count(*) as n from company')).rows[0].n);
      } finally {
        await client.end();
      }
    };
    const before = await countCompanies();
    const again = await runEntry('cli', ['bootstrap', '--company', 'Permanence Azur', '--manager-email', 'claire.martin@AZUR.test'], env);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('claire.martin@azur.test is already the manager of "Permanence Azur"');
    expect(again.stderr).toContain('--force');
    expect(await countCompanies()).toBe(before);

    const forced = await runEntry(
      'cli',
      ['bootstrap', '--company', 'Permanence Azur Sud', '--manager-email', 'claire.martin@azur.test', '--force'],
      env,
    );
    expect(forced.code).toBe(0);
    const printed = JSON.parse(forced.stdout) as { companyId: string };
    expect(printed.companyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await countCompanies()).toBe(before + 1);
  });

  it('sets the company’s country (national phone numbers are read in it), FR unless given, and refuses an unknown one', async () => {
    const refused = await runEntry('cli', ['bootstrap', '--company', 'Permanence Liège', '--manager-email', 'luc@liege.test', '--country', 'Belgique'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe('relais: --country must be an ISO 3166 code such as FR or BE, not "Belgique"');
    const created = await runEntry('cli', ['bootstrap', '--company', 'Permanence Liège', '--manager-email', 'luc@liege.test', '--country', 'be'], env);
    expect(created.code).toBe(0);
    const { companyId } = JSON.parse(created.stdout) as { companyId: string };
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const rows = (await client.query<{ name: string; country: string }>('select name, country from company order by name')).rows;
      expect(rows.find((row) => row.name === 'Permanence Liège')?.country).toBe('BE');
      expect(rows.find((row) => row.name === 'Permanence Azur')?.country).toBe('FR');
      expect(companyId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await client.end();
    }
  });

  it.each([['--help'], ['-h'], ['help']])('prints the usage on %s and exits 0', async (flag) => {
    const result = await runEntry('cli', [flag], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('npm run cli -- bootstrap --company NAME --manager-email EMAIL');
    expect(result.stdout).toContain('--force');
    expect(result.stdout).toContain('--country');
    expect(result.stderr).toBe('');
  });

  it('says in one line what is wrong with bad arguments', async () => {
    const badEmail = await runEntry('cli', ['bootstrap', '--company', 'X', '--manager-email', 'not-an-email'], env);
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr.trim()).toBe('relais: "not-an-email" is not an email address');
    expect(badEmail.stdout).toBe('');

    const missing = await runEntry('cli', ['bootstrap', '--company', 'X'], env);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('bootstrap needs --company and --manager-email');
  });
});
