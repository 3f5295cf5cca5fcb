import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import twilio from 'twilio';
import { aCompanyWorld } from '../factories/world.factory.js';
import { baseConfig, databaseUrl, freePort, waitFor } from '../harness/services.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';
import { startTwilioEndpoint, twilioConfigFor, type TwilioEndpoint } from '../harness/twilio-endpoint.js';

const PUBLIC = 'https://relais.example.test';
const ACCOUNT = 'AC' + 'c3'.repeat(16);
const TOKEN = 'twilio-auth-token-for-the-outage';

/** A TCP relay to PostgreSQL this spec can cut and restore, as a network outage would (the shared server keeps running). */
class PostgresRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  up(): Promise<void> {
    if (this.server?.listening) return Promise.resolve();
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

describe('inbound SMS while PostgreSQL or Redis is unreachable', () => {
  let ctx: TestContext;
  let api: TestApi;
  let relay: PostgresRelay;
  let twilioApi: TwilioEndpoint;

  beforeAll(async () => {
    const target = new URL(baseConfig().database.url);
    relay = new PostgresRelay(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await relay.up();
    twilioApi = await startTwilioEndpoint({ accounts: { [ACCOUNT]: TOKEN }, owned: { [ACCOUNT]: ['+33756780042'] } });
    ctx = await TestContext.create((config) => {
      const url = new URL(config.database.url);
      url.hostname = '127.0.0.1';
      url.port = String(relay.port);
      return twilioConfigFor(twilioApi, { ...config, publicBaseUrl: PUBLIC, logLevel: 'silent', database: { ...config.database, url: url.toString() } });
    });
    api = await ctx.startApi();
    const w = await aCompanyWorld(api.app, api.http);
    await callerOf(api.http)(w.manager).post('/v1/channels/sms-numbers', { phoneNumber: '+33756780042', accountSid: ACCOUNT, authToken: TOKEN }).expect(201);
  });
  afterAll(async () => {
    await relay.up();
    await ctx.close();
    await twilioApi.close();
    await relay.down();
  });

  const sms = () => ({ AccountSid: ACCOUNT, MessageSid: `SM${randomBytes(16).toString('hex')}`, To: '+33756780042', From: '+33612345678', Body: 'Pendant la panne', NumMedia: '0' });
  const signed = (params: Record<string, string>, http = api.http) =>
    http
      .post('/webhooks/twilio/sms')
      .type('form')
      .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/sms`, params))
      .send(params);
  /** Read straight on the server, not through the relay. */
  const rows = async (messageSid: string): Promise<{ status: string }[]> => {
    const client = new pg.Client({ connectionString: databaseUrl(baseConfig().database.url, ctx.databaseName) });
    await client.connect();
    try {
      return (await client.query<{ status: string }>('select status from inbound_sms where message_sid = $1', [messageSid])).rows;
    } finally {
      await client.end();
    }
  };

  it('answers 503 so Twilio retries, stores nothing half-way, and takes the retry once PostgreSQL is back', async () => {
    const params = sms();
    const post = () =>
      signed(params)
    const count = async () => (await rows(params.MessageSid)).length;

    await relay.down();
    const refused = await post().expect(503);
    expect(refused.body.code).toBe('not_ready');
    await relay.up();
    expect(await count()).toBe(0);
    await post().expect(200);
    await post().expect(200);
    expect(await count()).toBe(1);
  });

  it('acknowledges a stored SMS while Redis is down; the worker enqueues it once Redis answers', async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}/0`;
    const apiWithoutRedis = await ctx.startApi({ ...ctx.config, redis: { url: deadRedis } });
    const params = sms();
    await signed(params, apiWithoutRedis.http).expect(200);
    expect(await rows(params.MessageSid)).toEqual([{ status: 'received' }]);
    // A worker on the real Redis (same queue prefix) finds it unprocessed and enqueues it.
    await ctx.startWorker({ ...ctx.config, inboundSms: { ...ctx.config.inboundSms, requeueAfterMs: 1_000 } });
    await waitFor(async () => (await rows(params.MessageSid))[0]?.status !== 'received', 15_000, 'the stored SMS processed');
    expect(await rows(params.MessageSid)).toEqual([{ status: 'composed' }]);
  });
});
