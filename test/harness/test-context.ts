import 'reflect-metadata';
import { afterAll, beforeAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { AppConfig } from '../../src/config/config.schema.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { redisSettings } from '../../src/core/redis/redis-settings.js';
import { createHttpApp } from '../../src/http-app.js';
import { createWorkerApp } from '../../src/worker-app.js';
import { baseConfig, databaseUrl, withAdminClient } from './services.js';

export interface TestApi {
  app: NestExpressApplication;
  http: TestAgent;
}

/**
 * What one spec file works in: its own database (a copy of the migrated template) and its own
 * Redis key prefix, so spec files never see each other's rows or jobs, even running in parallel.
 */
export class TestContext {
  private readonly apps: INestApplicationContext[] = [];

  private constructor(
    readonly config: AppConfig,
    readonly databaseName: string,
  ) {}

  static async create(overrides: (config: AppConfig) => AppConfig = (c) => c): Promise<TestContext> {
    const run = process.env.RELAIS_TEST_RUN;
    const template = process.env.RELAIS_TEST_TEMPLATE_DB;
    if (!run || !template) throw new Error('Run the specs with `npm test` (the global setup prepares the services)');
    const suffix = randomBytes(6).toString('hex');
    const databaseName = `${run}_${suffix}`;
    const base = baseConfig();
    await withAdminClient(base, (client) => client.query(`create database "${databaseName}" template "${template}"`));
    const config: AppConfig = overrides({
      ...base,
      database: { ...base.database, url: databaseUrl(base.database.url, databaseName), poolMax: 4 },
      queue: { ...base.queue, prefix: `test-${suffix}` },
      shutdownTimeoutMs: 5_000,
    });
    return new TestContext(config, databaseName);
  }

  /** The API as `main.ts` builds it, listening on an ephemeral port. */
  async startApi(config: AppConfig = this.config): Promise<TestApi> {
    const app = await createHttpApp(config, createLogger({ level: config.logLevel, role: 'api' }));
    await app.listen(0, '127.0.0.1');
    this.apps.push(app);
    return { app, http: supertest(app.getHttpServer()) };
  }

  /** The worker as `worker.ts` builds it: queue consumers running. */
  async startWorker(config: AppConfig = this.config): Promise<INestApplicationContext> {
    const worker = await createWorkerApp(config, createLogger({ level: config.logLevel, role: 'worker' }));
    this.apps.push(worker);
    return worker;
  }

  async close(): Promise<void> {
    for (const app of this.apps.reverse()) await app.close();
    await withAdminClient(baseConfig(), (client) =>
      client.query(`drop database if exists "${this.databaseName}" with (force)`),
    );
    await deleteKeys(this.config, `${this.config.queue.prefix}:*`);
  }
}

async function deleteKeys(config: AppConfig, pattern: string): Promise<void> {
  const redis = new Redis({ ...redisSettings(config.redis.url), lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch {
    return; // a spec that stopped its own Redis has nothing left to clean there
  }
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * For a spec file that talks to the API: a TestContext and a running API created before its tests
 * and closed after them. Read `.ctx` and `.api` inside tests (they exist once beforeAll ran).
 */
export function useTestApi(overrides?: (config: AppConfig) => AppConfig): { ctx: TestContext; api: TestApi } {
  const holder = {} as { ctx: TestContext; api: TestApi };
  beforeAll(async () => {
    holder.ctx = await TestContext.create(overrides);
    holder.api = await holder.ctx.startApi();
  });
  afterAll(() => holder.ctx.close());
  return holder;
}

/** Requests as one caller: `as(token).get('/v1/me')`. */
export function callerOf(http: TestAgent) {
  return (authorization: string) => ({
    get: (path: string) => http.get(path).set('Authorization', authorization),
    post: (path: string, body?: object) => http.post(path).set('Authorization', authorization).send(body),
    patch: (path: string, body: object) => http.patch(path).set('Authorization', authorization).send(body),
    put: (path: string, body?: object) => http.put(path).set('Authorization', authorization).send(body),
    del: (path: string) => http.delete(path).set('Authorization', authorization),
  });
}
