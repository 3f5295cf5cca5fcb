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
    metadataProvider: ReflectMetadataProvider,
    // Entities are registered by each module with MikroOrmModule.forFeature.
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: {
      // Listed explicitly (not globbed) so the same list works from src under Jest and from dist.
      migrationsList: MIGRATIONS,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
    debug: false,
    logger: logger ? (message) => logger.debug({ component: 'orm' }, message) : undefined,
    ensureDatabase: false,
    allowGlobalContext: false,
  });
}
