import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { migrate } from '../../src/core/database/migrate.js';
import { ormOptions } from '../../src/core/database/orm-options.js';
import {
  assertRedisReachable,
  baseConfig,
  databaseUrl,
  IMAP,
  portIsOpen,
  RUN_PREFIX,
  startDovecot,
  withAdminClient,
} from './services.js';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Once per `npm test`: checks that PostgreSQL and Redis answer (failing fast, naming what is
 * missing), creates a template database migrated from migrations/ (so every run tests the
 * migrations), and starts a private Dovecot unless an IMAP server already listens.
 */
export default async function prepareServices(): Promise<void> {
  const config = baseConfig();
  const run = `${RUN_PREFIX}${process.pid}`;
  const template = `${run}_template`;
  await withAdminClient(config, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like $1`,
      [`${RUN_PREFIX}%`],
    );
    // Databases left by runs that died (their process is gone); a concurrent run's are kept.
    for (const { datname } of rows) {
      const pid = Number(/^relais_t(\d+)_/.exec(datname)?.[1]);
      if (pid && (pid === process.pid || !processIsAlive(pid))) {
        await client.query(`drop database if exists "${datname}" with (force)`);
      }
    }
    await client.query(`create database "${template}"`);
  });
  const orm = await MikroORM.init({ ...ormOptions({ ...config, database: { ...config.database, url: databaseUrl(config.database.url, template) } }) });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
  await assertRedisReachable(config);

  process.env.RELAIS_TEST_RUN = run;
  process.env.RELAIS_TEST_TEMPLATE_DB = template;
  if (!(await portIsOpen(IMAP.host, IMAP.port))) {
    process.env.RELAIS_TEST_DOVECOT_DIR = await startDovecot();
  }
}
