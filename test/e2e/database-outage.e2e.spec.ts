import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startImapProxy, type ImapProxy } from '../fixtures/mail/imap-proxy.js';
import { aCompany } from '../factories/accounts.factory.js';
import { waitFor } from '../harness/services.js';
import { TestContext, type TestApi } from '../harness/test-context.js';

/** The API's PostgreSQL behind a TCP proxy of this spec's own, so the database can be taken away. */
describe('PostgreSQL unreachable', () => {
  let ctx: TestContext;
  let api: TestApi;
  let proxy: ImapProxy;
  let manager: string;

  beforeAll(async () => {
    proxy = await startImapProxy({ host: '127.0.0.1', port: 5432 });
    ctx = await TestContext.create((config) => {
      const url = new URL(config.database.url);
      url.host = `127.0.0.1:${proxy.port}`;
      return { ...config, database: { ...config.database, url: url.toString() } };
    });
    api = await ctx.startApi();
    manager = `Bearer ${(await aCompany(api.app, 'Permanence Panne')).token}`;
  });
  afterAll(async () => {
    proxy.resume();
    await ctx.close();
    await proxy.close();
  });

  it('answers 503 database_unavailable with Retry-After while it is down, then serves again', async () => {
    await api.http.get('/v1/me').set('Authorization', manager).expect(200);
    proxy.cut();
    for (const request of [
      api.http.get('/v1/me').set('Authorization', manager),
      api.http.get('/v1/clients').set('Authorization', manager),
      api.http.post('/v1/clients').set('Authorization', manager).send({ name: 'Cabinet Martin' }),
    ]) {
      const response = await request;
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ code: 'database_unavailable', message: expect.stringMatching(/database/i) });
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    proxy.resume();
    await waitFor(async () => (await api.http.get('/v1/me').set('Authorization', manager)).status === 200, 10_000, 'the API to serve again');
    const clients = await api.http.get('/v1/clients').set('Authorization', manager).expect(200);
    expect(clients.body.items.map((c: { name: string }) => c.name)).not.toContain('Cabinet Martin');
  });
});
