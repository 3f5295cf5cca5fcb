import type { MikroORM } from '@mikro-orm/core';

/**
 * Applies pending migrations and returns their names. Safe to run twice (applied ones are
 * recorded); never called on boot, only from `npm run migrate`, the compose one-shot service and
 * the test harness.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}
