import { createServer } from 'node:net';
import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REACH_TIMEOUT_MS } from '../../src/channels/imap/imapflow-mailbox.client.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { IMAP, waitFor } from '../harness/services.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const portOf = (url: string) => Number(new URL(url).port);

/**
 * The mailbox connection test must not be a port scanner of our own network. The API here runs
 * with NODE_ENV=production (the specs otherwise run as test, where loopback is allowed).
 */
describe('mailbox hosts in production: nothing inside is reached, and every refusal looks the same', () => {
  let ctx: TestContext;
  let api: TestApi;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let sql: <T>(query: string, params?: unknown[]) => Promise<T[]>;
  let closed: number;
  let redisPort: number;
  let postgresPort: number;
  const account = { secure: false, username: IMAP.user, password: IMAP.password, active: false };
  let folderCount = 0;
  const mailbox = (host: string, port: number) => ({ ...account, name: `Boîte ${host}:${port}`, host, port, folder: `spec-policy-${++folderCount}` });

  /** A mailbox saved before the rule existed, pointing at `host:port` (written past the API, which now refuses it). */
  const savedBefore = async (port: number, active = false): Promise<string> => {
    const created = await as(world.manager).post('/v1/channels/mailboxes', { ...mailbox('192.0.2.10', port), active: false });
    expect(created.status).toBe(201);
    await sql('update mailbox set host = ?, active = ? where id = ?', ['127.0.0.1', active, created.body.id]);
    return created.body.id as string;
  };

  beforeAll(async () => {
    ctx = await TestContext.create((c) => ({ ...c, env: 'production', inbound: { ...c.inbound, lockTtlMs: 3_000 } }));
    api = await ctx.startApi();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Réseau');
    as = callerOf(api.http);
    const em = api.app.get(EntityManager).fork();
    sql = (query, params = []) => em.getConnection().execute(query, params);
    closed = await closedPort();
    redisPort = portOf(ctx.config.redis.url) || 6379;
    postgresPort = portOf(ctx.config.database.url) || 5432;
  });
  afterAll(() => ctx.close());

  it('refuses to save a mailbox on loopback, private or mapped addresses, or a name resolving there, with one answer', async () => {
    const attempts = [
      mailbox('127.0.0.1', redisPort),
      mailbox('127.0.0.1', postgresPort),
      mailbox('127.0.0.1', closed),
      mailbox('127.0.0.1', IMAP.port),
      mailbox('localhost', IMAP.port),
      mailbox('::ffff:127.0.0.1', redisPort),
      mailbox('10.0.0.1', 143),
      mailbox('169.254.169.254', 143),
      mailbox('100.64.1.1', 143),
    ];
    const answers = await Promise.all(attempts.map((body) => as(world.manager).post('/v1/channels/mailboxes', body)));
    for (const answer of answers) {
      expect(answer.status).toBe(422);
      expect(answer.body).toEqual(answers[0].body);
    }
    expect(answers[0].body).toEqual({ code: 'mailbox_unreachable', message: expect.stringContaining('No IMAP server could be reached'), details: { field: 'host' } });
    expect((await as(world.manager).get('/v1/channels/mailboxes')).body).toEqual([]);
  });

  it('refuses to move a saved mailbox onto an internal host', async () => {
    const created = await as(world.manager).post('/v1/channels/mailboxes', mailbox('192.0.2.20', 993));
    expect(created.status).toBe(201);
    const moved = await as(world.manager).patch(`/v1/channels/mailboxes/${created.body.id}`, { host: '127.0.0.1', port: redisPort });
    expect(moved.status).toBe(422);
    expect(moved.body.code).toBe('mailbox_unreachable');
    expect((await as(world.manager).get(`/v1/channels/mailboxes/${created.body.id}`)).body.host).toBe('192.0.2.20');
  });

  it('tests a mailbox saved before on Redis, PostgreSQL and a closed port: identical answers, after the same delay', async () => {
    const ids = [await savedBefore(redisPort), await savedBefore(postgresPort), await savedBefore(closed)];
    const answers = await Promise.all(
      ids.map(async (id) => {
        const started = Date.now();
        const answer = await as(world.manager).post(`/v1/channels/mailboxes/${id}/test`);
        return { status: answer.status, body: answer.body as unknown, ms: Date.now() - started };
      }),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(answers[0].body);
      // Answered when a timed-out connection would be, refused or not.
      expect(answer.ms).toBeGreaterThanOrEqual(REACH_TIMEOUT_MS);
    }
    expect(answers[0].body).toEqual({ ok: false, code: 'mailbox_unreachable', error: expect.stringContaining('No IMAP server could be reached') });
    const times = answers.map((a) => a.ms);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(400);
  });

  it('the watcher does not connect to a mailbox saved before on an internal host, even a real IMAP server', async () => {
    const id = await savedBefore(IMAP.port, true);
    await ctx.startWorker();
    await waitFor(async () => (await as(world.manager).get(`/v1/channels/mailboxes/${id}`)).body.lastError !== null, 10_000, 'the watcher to give up');
    const watched = (await as(world.manager).get(`/v1/channels/mailboxes/${id}`)).body as { lastError: string; lastConnectedAt: string | null };
    expect(watched.lastError).toMatch(/^No IMAP server could be reached/);
    expect(watched.lastConnectedAt).toBeNull();
  });
});
