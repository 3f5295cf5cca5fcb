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
});
