import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort, portIsOpen, waitFor } from '../harness/services.js';
import { TestContext, type TestApi } from '../harness/test-context.js';

describe('health', () => {
  let ctx: TestContext;
  let api: TestApi;
  let redis: ChildProcess;

  beforeAll(async () => {
    // A Redis of this spec's own, so it can be taken away without disturbing other specs.
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitFor(() => portIsOpen('127.0.0.1', port), 5_000, 'the private redis-server');
    ctx = await TestContext.create((config) => ({ ...config, redis: { url: `redis://127.0.0.1:${port}/0` } }));
    api = await ctx.startApi();
  });
  afterAll(async () => {
    redis.kill('SIGKILL');
    await ctx.close();
  });

  it('is live without checking dependencies', async () => {
    const response = await api.http.get('/health/live').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is ready while PostgreSQL and Redis answer', async () => {
    const response = await api.http.get('/health/ready').expect(200);
    expect(response.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('answers 503 naming Redis once Redis is unreachable, promptly', async () => {
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    const started = Date.now();
    const response = await api.http.get('/health/ready').expect(503);
    expect(response.body).toEqual({
      code: 'not_ready',
      message: 'Not ready: redis down',
      details: { postgres: 'up', redis: 'down' },
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
