import { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AccountsModule } from '../../src/accounts/accounts.module.js';
import { AppConfigModule } from '../../src/core/app-config.module.js';
import { DatabaseModule } from '../../src/core/database/database.module.js';
import { HandlesJob } from '../../src/core/queue/job-handler.decorator.js';
import { QueueWorkers } from '../../src/core/queue/queue-workers.js';
import { JobQueue } from '../../src/core/queue/job-queue.service.js';
import { QueueModule } from '../../src/core/queue/queue.module.js';
import { RedisModule } from '../../src/core/redis/redis.module.js';
import { aCompany } from '../factories/accounts.factory.js';
import { waitFor } from '../harness/services.js';
import { useTestApi } from '../harness/test-context.js';

describe('queues', () => {
  const env = useTestApi();

  it('carries a job from the API through Redis to the worker, which writes it to PostgreSQL', async () => {
    await env.ctx.startWorker();
    const company = await aCompany(env.api.app);
    const me = await env.api.http.get('/v1/me').set('Authorization', `Bearer ${company.token}`).expect(200);
    const em = env.api.app.get(EntityManager).fork();
    const lastUsed = async () => {
      const [row] = await em
        .getConnection()
        .execute<{ last_used_at: string | null }[]>('select last_used_at from api_token where id = ?', [me.body.token.id]);
      return row.last_used_at ? new Date(row.last_used_at) : null;
    };
    await waitFor(async () => (await lastUsed()) !== null, 10_000, 'the worker to record the token use');
    expect(Math.abs((await lastUsed())!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('enqueues a token use once per window, however many requests use it', async () => {
    const company = await aCompany(env.api.app);
    const queue = env.api.app.get(JobQueue).queue('accounts');
    await Promise.all(Array.from({ length: 5 }, () => env.api.http.get('/v1/me').set('Authorization', `Bearer ${company.token}`).expect(200)));
    const me = await env.api.http.get('/v1/me').set('Authorization', `Bearer ${company.token}`).expect(200);
    const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'delayed']);
    expect(jobs.filter((job) => job.data.tokenId === me.body.token.id)).toHaveLength(1);
  });

  it('refuses to enqueue a payload that does not match the job schema', async () => {
    await expect(
      env.api.app.get(JobQueue).enqueue('accounts.token-used', { tokenId: 'not-a-uuid', usedAt: 'yesterday' }),
    ).rejects.toMatchObject({ code: 'unprocessable' });
  });

  async function startWorkerWith(extra: { imports?: unknown[]; providers?: unknown[] }) {
    @Module({
      imports: [
        AppConfigModule.forRoot(env.ctx.config),
        DatabaseModule.forRoot(env.ctx.config),
        RedisModule,
        QueueModule.forRoot(env.ctx.config, 'worker'),
        ...((extra.imports ?? []) as []),
      ],
      providers: (extra.providers ?? []) as [],
    })
    class WorkerUnderTest {}
    const app = await NestFactory.createApplicationContext(WorkerUnderTest, { logger: false });
    try {
      app.get(QueueWorkers).start();
    } finally {
      await app.close();
    }
  }

  it('will not start a worker in which a job has no handler', async () => {
    await expect(startWorkerWith({})).rejects.toThrow('job "accounts.token-used" has no handler');
  });

  it('will not start a worker in which a job has two handlers', async () => {
    @Injectable()
    class SecondTokenUseHandler {
      @HandlesJob('accounts.token-used')
      async handle(): Promise<void> {}
    }
    await expect(startWorkerWith({ imports: [AccountsModule], providers: [SecondTokenUseHandler] })).rejects.toThrow(
      /job "accounts.token-used" has 2 handlers \(.*SecondTokenUseHandler.handle/,
    );
  });
});
