import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ormOptions } from '../../src/core/database/orm-options.js';
import { finished, PROCESS_START_MS, PROCESS_TEST_TIMEOUT_MS, runEntry, startEntry } from '../harness/processes.js';
import { freePort, waitFor } from '../harness/services.js';
import { TestContext } from '../harness/test-context.js';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

describe('processes: start, refuse bad configuration, stop on SIGTERM', () => {
  let ctx: TestContext;
  let env: Record<string, string>;

  beforeAll(async () => {
    ctx = await TestContext.create();
    env = {
      DATABASE_URL: ctx.config.database.url,
      REDIS_URL: ctx.config.redis.url,
      QUEUE_PREFIX: ctx.config.queue.prefix,
      // Generous against a loaded CI machine; a clean close takes about 2 s (idle worker) here.
      SHUTDOWN_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(() => ctx.close());

  it('stops at start with one line naming a malformed variable, without a stack trace', async () => {
    const result = await runEntry('main', [], { ...env, HTTP_PORT: 'eighty' });
    expect(result.code).toBe(78);
    expect(result.stderr).toBe('relais: Invalid configuration: HTTP_PORT must be a number (got "eighty")\n');
    expect(result.stdout).toBe('');
  });

  it('the API serves, then on SIGTERM closes cleanly and exits 0, even with a live-event stream open', async () => {
    const port = await freePort();
    const api = startEntry('main', [], { ...env, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) });
    const exit = finished(api, 3 * PROCESS_START_MS); // its start, the bootstrap beside it, its stop
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => null))?.status === 200,
      PROCESS_START_MS,
      'the API to listen',
    );
    const company = JSON.parse((await runEntry('cli', ['bootstrap', '--company', 'SSE', '--manager-email', 'sse@example.test'], env)).stdout) as {
      token: string;
    };
    const stream = await fetch(`http://127.0.0.1:${port}/v1/events`, { headers: { Authorization: `Bearer ${company.token}` } });
    expect(stream.status).toBe(200);
    const signalled = Date.now();
    api.kill('SIGTERM');
    const result = await exit;
    if (result.code !== 0) console.log(result.stdout.slice(-3000), result.stderr.slice(-2000));
    expect(result.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    const logs = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { msg: string; role: string });
    expect(logs.map((line) => line.msg)).toEqual(expect.arrayContaining(['shutting down', 'shut down cleanly']));
    expect(logs.every((line) => line.role === 'api')).toBe(true);
  });

  // Runs after the API test above, whose requests left a token-use job in this spec's queue: the
  // worker takes it at start, so SIGTERM arrives with a job in flight.
  it('the worker starts its consumers, then on SIGTERM finishes the job in flight, closes and exits 0', async () => {
    const worker = startEntry('worker', [], env);
    const exit = finished(worker, 2 * PROCESS_START_MS);
    let output = '';
    worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => Promise.resolve(output.includes('"worker started"')), PROCESS_START_MS, 'the worker to start');
    const signalled = Date.now();
    worker.kill('SIGTERM');
    const result = await exit;
    if (result.code !== 0) console.log(result.stdout.slice(-3000), result.stderr.slice(-2000));
    expect(result.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(result.stdout).toContain('"shut down cleanly"');
    // The token use the API enqueued above was processed, not cut off by the shutdown.
    expect(result.stdout).not.toContain('failed (attempt');
    const orm = await MikroORM.init({ ...ormOptions(ctx.config), allowGlobalContext: true });
    try {
      const [row] = await orm.em.getConnection().execute<{ used: string }[]>('select count(*) as used from api_token where last_used_at is not null');
      expect(Number(row.used)).toBeGreaterThan(0);
    } finally {
      await orm.close();
    }
  });
});
