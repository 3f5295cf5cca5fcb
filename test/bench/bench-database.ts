import { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../../src/config/config.schema.js';
import { migrate } from '../../src/core/database/migrate.js';
import { ormOptions } from '../../src/core/database/orm-options.js';
import { withAdminClient } from '../harness/services.js';

/**
 * Gives a benchmark a database of its own, dropped and made anew then migrated from migrations/
 * (as the test harness does), so figures never depend on what a previous run left.
 * `base` reaches the server; `config` points at the benchmark's database `name`.
 */
export async function freshBenchDatabase(base: AppConfig, config: AppConfig, name: string): Promise<void> {
  await withAdminClient(base, async (client) => {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  });
  const orm = await MikroORM.init({ ...ormOptions(config), allowGlobalContext: true });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
}
