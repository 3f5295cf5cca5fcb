import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { waitFor } from '../harness/services.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';
import { startTwilioEndpoint, type TwilioEndpoint } from '../harness/twilio-endpoint.js';

const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-tests-0002';

describe('provider error texts stored on a delivery are scrubbed of personal data', () => {
  let ctx: TestContext;
  let api: TestApi;
  let twilioApi: TwilioEndpoint;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;

  beforeAll(async () => {
    twilioApi = await startTwilioEndpoint({ accounts: { [ACCOUNT_SID]: AUTH_TOKEN } });
    ctx = await TestContext.create((c) => ({
      ...c,
      publicBaseUrl: 'https://relais.example',
      twilio: { ...c.twilio, baseUrl: twilioApi.baseUrl, timeoutMs: 1_000 },
      outbound: { ...c.outbound, ratePerSecond: { email: 0, sms: 0, fax: 0 }, relayIntervalMs: 100, reconcileIntervalMs: 2_000 },
    }));
    api = await ctx.startApi();
    await ctx.startWorker();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Scrub');
    as = callerOf(api.http);
    const connection = api.app.get(EntityManager).fork().getConnection();
    await connection.execute(
      `insert into sms_number (id, created_at, updated_at, company_id, phone_number, account_sid, auth_token_sealed) values (gen_random_uuid(), now(), now(), ?, '+33756781234', ?, ?)`,
      [world.companyId, ACCOUNT_SID, api.app.get(SecretBox).seal(AUTH_TOKEN)],
    );
    await connection.execute(`update client set mobile = '06 12 34 56 78' where id = ?`, [world.clientId]);
  });
  afterAll(async () => {
    await ctx.close();
    await twilioApi.close();
  });

  it("keeps Twilio's words but not the number or address they quote, plain or percent-encoded", async () => {
    twilioApi.failNext({ status: 400, code: 21211, message: "The 'To' number +33612345678 is not a valid phone number (see jean%40exemple.fr, %2B33612345678)." });
    const message = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'a', body: 'b', copies: ['sms'] });
    let history: { outcome: string; detail: string | null }[] = [];
    await waitFor(
      async () => {
        const [row] = (await as(world.manager).get(`/v1/deliveries?messageId=${message.body.id}`)).body.items as { id: string; status: string }[];
        if (!row || row.status !== 'failed') return false;
        history = (await as(world.manager).get(`/v1/deliveries/${row.id}`)).body.history as typeof history;
        return history.length > 0;
      },
      15_000,
      'a failed SMS delivery',
    );
    const detail = history.at(-1)!.detail ?? '';
    expect(detail).toContain('is not a valid phone number');
    expect(detail).not.toMatch(/33612345678|612345678|jean|exemple\.fr/);
    expect(detail).toContain('[redacted-phone]');
  });
});
