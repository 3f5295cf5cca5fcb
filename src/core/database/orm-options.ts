import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { AppConfig } from '../../config/config.schema.js';
import { MIGRATIONS } from '../../migrations/index.js';
import type { Logger } from '../logging/logger.js';

/** MikroORM options shared by the API, the worker, the CLI and the test harness. */
export function ormOptions(config: AppConfig, logger?: Logger) {
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl: config.database.url,
    pool: { min: 0, max: config.database.poolMax },
    // PostgreSQL's JIT compiler is for long analytical queries. Ours answer a page: the inbox counts
    // (a count per list over a company's messages) are costed high enough to trigger it, and with
    // 200,000 messages it spent 680 ms compiling a count that ran in 95 ms (`npm run bench:messages`
    // prints the plans). Every session of the pool starts with it off.
    driverOptions: { options: '-c jit=off' },
    metadataProvider: ReflectMetadataProvider,
    // Entities are registered by each module with MikroOrmModule.forFeature.
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: {
      // Listed explicitly (not globbed) so the same list works from src under Jest and from dist.
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      // Each migration is its own transaction, not all of them one: a value added to an enum cannot
      // be used in the transaction that adds it, and a later migration may need it (worker
      // templates). A failing migration rolls back alone; those before it stay applied and recorded,
      // and the next `migrate` starts again from it.
      transactional: true,
      allOrNothing: false,
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
    // SQL functions are the migrations' (an immutable reading of an enum for an index predicate):
    // the schema diff, which knows only entities, must not drop them.
    schemaGenerator: { ignoreRoutines: true },
    debug: false,
    logger: logger ? (message) => logger.debug({ component: 'orm' }, message) : undefined,
    ensureDatabase: false,
    allowGlobalContext: false,
  });
}
