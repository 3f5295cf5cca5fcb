import { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { SmsNumber } from '../../src/channels/sms-number.entity.js';
import { OwnershipUnknown } from '../../src/channels/sms-numbers.ownership.js';
import { SmsNumbersService } from '../../src/channels/sms-numbers.service.js';
import { TwilioNumberOwnership } from '../../src/channels/sms-numbers.twilio-ownership.js';
import type { CreateSmsNumberDto } from '../../src/channels/sms-number.dto.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';
import { freePort } from '../harness/services.js';
import { useTwilioEndpoint } from '../harness/use-twilio-endpoint.js';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'b1e55edc0ffee5ca1ab1e5ecre7t0ken';
const ROTATED = 'fedcba9876543210fedcba9876543210';
const SERVICE = 'MG0123456789abcdef0123456789abcdef';
const CONFLICT = { code: 'conflict', message: 'This phone number or Messaging Service is already configured' };

describe('SMS numbers: /v1/channels/sms-numbers', () => {
  // The account owns these numbers and this service; its token may be the current or the rotated one.
  const twilio = useTwilioEndpoint({
    accounts: { [ACCOUNT]: [TOKEN, ROTATED] },
    owned: { [ACCOUNT]: ['+33756780001', '+33756780003', '+33756780004', '+33756780005', '+33756780006', SERVICE] },
  });
  const env = useTestApi(twilio.configure);
  let w: CompanyWorld;
  let other: CompanyWorld;
  const as = (token: string) => callerOf(env.api.http)(token);
  const path = '/v1/channels/sms-numbers';

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
    other = await aCompanyWorld(env.api.app, env.api.http, 'Autre permanence');
  });

  it('creates a number with its token sealed at rest and never shows the token', async () => {
    const input = { phoneNumber: '+33756780001', accountSid: ACCOUNT, authToken: TOKEN } satisfies CreateSmsNumberDto;
    const created = await as(w.manager).post(path, input).expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      companyId: w.companyId,
      phoneNumber: '+33756780001',
      messagingServiceSid: null,
      accountSid: ACCOUNT,
      verifiedAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const listed = await as(w.manager).get(path).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(TOKEN);
    expect(listed.body.items.map((n: { id: string }) => n.id)).toEqual([created.body.id]);
    const row = await env.api.app.get(EntityManager).fork().findOneOrFail(SmsNumber, { id: created.body.id });
    expect(row.authTokenSealed).not.toContain(TOKEN);
    expect(env.api.app.get(SecretBox).open(row.authTokenSealed)).toBe(TOKEN);
    const audit = await as(w.manager).get('/v1/audit').expect(200);
    expect(JSON.stringify(audit.body)).not.toContain(TOKEN);
  });

  it('accepts a Messaging Service alone and gives its credentials to the sender', async () => {
    const created = await as(w.manager)
      .post(path, { messagingServiceSid: 'MG0123456789abcdef0123456789abcdef', accountSid: ACCOUNT, authToken: TOKEN })
      .expect(201);
    expect(created.body).toMatchObject({ phoneNumber: null, messagingServiceSid: 'MG0123456789abcdef0123456789abcdef' });
    const numbers = env.api.app.get(SmsNumbersService);
    expect(await numbers.senderFor(w.companyId)).toMatchObject({ phoneNumber: '+33756780001', authToken: TOKEN, accountSid: ACCOUNT });
    expect(await numbers.receiverFor(null, 'MG0123456789abcdef0123456789abcdef')).toMatchObject({ smsNumberId: created.body.id, companyId: w.companyId });
    await as(w.manager).del(`${path}/${created.body.id}`).expect(204);
  });

  it('refuses incomplete or malformed numbers with the field named', async () => {
    const refused = [
      { accountSid: ACCOUNT, authToken: TOKEN },
      { phoneNumber: '0756780002', accountSid: ACCOUNT, authToken: TOKEN },
      { phoneNumber: '+33756780002', accountSid: 'nope', authToken: TOKEN },
      { phoneNumber: '+33756780002', accountSid: ACCOUNT, authToken: 'short' },
      { phoneNumber: '+33756780002', accountSid: ACCOUNT, authToken: TOKEN, authTokenSealed: 'x' },
    ];
    for (const body of refused) {
      const response = await as(w.manager).post(path, body).expect(400);
      expect(response.body.code).toBe('validation_failed');
    }
  });

  it('keeps one company per number: a verified number is a conflict that names nobody, whoever asks', async () => {
    const fromOther = await as(other.manager).post(path, { phoneNumber: '+33756780001', accountSid: ACCOUNT, authToken: TOKEN }).expect(409);
    const fromHolder = await as(w.manager).post(path, { phoneNumber: '+33756780001', accountSid: ACCOUNT, authToken: TOKEN }).expect(409);
    expect(fromOther.body).toEqual(CONFLICT);
    expect(fromHolder.body).toEqual(CONFLICT);
    expect(JSON.stringify(fromOther.body)).not.toContain(w.companyId);
  });

  it('registers nothing Twilio does not confirm: wrong token, a number or service of another account (422, field named)', async () => {
    const before = (await as(other.manager).get(path).expect(200)).body.items;
    const wrongToken = await as(other.manager).post(path, { phoneNumber: '+33756780006', accountSid: ACCOUNT, authToken: 'a-squatter-guessing-the-token' }).expect(422);
    expect(wrongToken.body).toMatchObject({ code: 'sms_number_not_verified', details: [{ field: 'authToken' }] });
    const otherAccount = `AC${'9'.repeat(32)}`;
    await as(other.manager).post(path, { phoneNumber: '+33756780006', accountSid: otherAccount, authToken: TOKEN }).expect(422);
    const notOurs = await as(other.manager).post(path, { phoneNumber: '+33756780099', accountSid: ACCOUNT, authToken: TOKEN }).expect(422);
    expect(notOurs.body).toMatchObject({ code: 'sms_number_not_verified', details: [{ field: 'phoneNumber' }] });
    expect(notOurs.body.message).toContain('+33756780099');
    const service = await as(other.manager).post(path, { messagingServiceSid: `MG${'e'.repeat(32)}`, accountSid: ACCOUNT, authToken: TOKEN }).expect(422);
    expect(service.body).toMatchObject({ code: 'sms_number_not_verified', details: [{ field: 'messagingServiceSid' }] });
    // Held by a verified number, checked first: a squatter cannot even learn that it is taken.
    expect((await as(other.manager).post(path, { phoneNumber: '+33756780001', accountSid: ACCOUNT, authToken: 'a-squatter-guessing-the-token' }).expect(422)).body.code).toBe(
      'sms_number_not_verified',
    );
    expect((await as(other.manager).get(path).expect(200)).body.items).toEqual(before);
    expect(await env.api.app.get(SmsNumbersService).receiverFor('+33756780006', null)).toBeNull();
  });

  it('Twilio failing or too slow: 502 twilio_unavailable and nothing saved', async () => {
    twilio.endpoint.failNextRead({ status: 503 });
    const failing = await as(w.manager).post(path, { phoneNumber: '+33756780006', accountSid: ACCOUNT, authToken: TOKEN }).expect(502);
    expect(failing.body).toEqual({ code: 'twilio_unavailable', message: expect.stringContaining('Twilio could not be reached') });
    twilio.endpoint.failNextRead({ hangMs: 2_500 });
    expect((await as(w.manager).post(path, { phoneNumber: '+33756780006', accountSid: ACCOUNT, authToken: TOKEN }).expect(502)).body.code).toBe('twilio_unavailable');
    expect(await env.api.app.get(SmsNumbersService).receiverFor('+33756780006', null)).toBeNull();
  });

  it('the Twilio adapter asks the REST API and the Messaging Services API with the claimed credentials', async () => {
    const adapter = new TwilioNumberOwnership(env.ctx.config);
    const claim = { accountSid: ACCOUNT, authToken: TOKEN, phoneNumber: '+33756780006', messagingServiceSid: SERVICE };
    const before = { ...twilio.endpoint.calls };
    expect(await adapter.check(claim)).toEqual({ kind: 'owned' });
    expect(twilio.endpoint.calls).toMatchObject({ number: before.number + 1, service: before.service + 1 });
    expect(await adapter.check({ ...claim, authToken: ROTATED })).toEqual({ kind: 'owned' });
    expect(await adapter.check({ ...claim, authToken: 'not-a-token-of-this-account' })).toEqual({ kind: 'bad_credentials' });
    expect(await adapter.check({ ...claim, phoneNumber: '+33756780097' })).toEqual({ kind: 'not_owned', missing: 'phoneNumber' });
    expect(await adapter.check({ ...claim, messagingServiceSid: `MG${'f'.repeat(32)}` })).toEqual({ kind: 'not_owned', missing: 'messagingServiceSid' });
    twilio.endpoint.failNextRead({ status: 429 });
    await expect(adapter.check(claim)).rejects.toBeInstanceOf(OwnershipUnknown);
    // Nothing listens there: unreachable is "unknown" too, never "not owned".
    const port = await freePort();
    const nowhere = new TwilioNumberOwnership({ ...env.ctx.config, twilio: { ...env.ctx.config.twilio, baseUrl: `http://127.0.0.1:${port}`, messagingBaseUrl: `http://127.0.0.1:${port}` } });
    await expect(nowhere.check(claim)).rejects.toThrow(OwnershipUnknown);
  });

  it('a number registered before ownership was checked is taken over by the company that proves it owns it', async () => {
    // As squatted before this check existed: another company, a token Twilio never accepted, never verified.
    const squatter = env.api.app.get(EntityManager).fork();
    const squatted = squatter.create(SmsNumber, {
      companyId: other.companyId,
      phoneNumber: '+33756780005',
      messagingServiceSid: SERVICE,
      accountSid: ACCOUNT,
      authTokenSealed: env.api.app.get(SecretBox).seal('a-squatter-guessing-the-token'),
    });
    await squatter.flush();
    const numbers = env.api.app.get(SmsNumbersService);
    expect(await numbers.receiverFor('+33756780005', null)).toMatchObject({ companyId: other.companyId });
    expect((await as(other.manager).get(`${path}/${squatted.id}`).expect(200)).body.verifiedAt).toBeNull();
    // Nor can the squatter get it verified now.
    await as(other.manager).patch(`${path}/${squatted.id}`, { authToken: 'a-squatter-guessing-the-token' }).expect(422);

    const taken = await as(w.manager).post(path, { phoneNumber: '+33756780005', accountSid: ACCOUNT, authToken: TOKEN }).expect(201);
    expect(await numbers.receiverFor('+33756780005', null)).toMatchObject({ companyId: w.companyId, smsNumberId: taken.body.id, authToken: TOKEN });
    // The squatter keeps what was not contested (the service), and its log says what it lost, not to whom.
    const left = (await as(other.manager).get(path).expect(200)).body.items;
    expect(left).toEqual([expect.objectContaining({ id: squatted.id, phoneNumber: null, messagingServiceSid: SERVICE })]);
    const log = (await as(other.manager).get(`/v1/audit?action=sms_number.taken_over`).expect(200)).body.items;
    expect(log).toEqual([expect.objectContaining({ actorId: null, targetId: squatted.id, before: expect.objectContaining({ phoneNumber: '+33756780005' }) })]);
    expect(JSON.stringify(log)).not.toContain(w.companyId);

    // The service too, by an update that adds it: the emptied squatter row is removed.
    await as(w.manager).patch(`${path}/${taken.body.id}`, { messagingServiceSid: SERVICE }).expect(200);
    expect((await as(other.manager).get(path).expect(200)).body.items).toEqual([]);
    expect(await numbers.receiverFor(null, SERVICE)).toMatchObject({ companyId: w.companyId });
    // Verified now: nobody takes it over any more, and the answer is the same conflict.
    expect((await as(other.manager).post(path, { phoneNumber: '+33756780005', accountSid: ACCOUNT, authToken: TOKEN }).expect(409)).body).toEqual(CONFLICT);
    await as(w.manager).del(`${path}/${taken.body.id}`).expect(204);
  });

  it('a number registered before the check gets verified when its token is sent again and Twilio confirms it', async () => {
    const e = env.api.app.get(EntityManager).fork();
    const legacy = e.create(SmsNumber, { companyId: w.companyId, phoneNumber: '+33756780006', accountSid: ACCOUNT, authTokenSealed: env.api.app.get(SecretBox).seal(TOKEN) });
    await e.flush();
    expect((await as(w.manager).get(`${path}/${legacy.id}`).expect(200)).body.verifiedAt).toBeNull();
    const verified = await as(w.manager).patch(`${path}/${legacy.id}`, { authToken: TOKEN }).expect(200);
    expect(verified.body.verifiedAt).toEqual(expect.any(String));
    await as(w.manager).del(`${path}/${legacy.id}`).expect(204);
  });

  it('rotates the token and edits the number; other companies and operators see nothing', async () => {
    const { body: created } = await as(w.manager).post(path, { phoneNumber: '+33756780003', accountSid: ACCOUNT, authToken: TOKEN }).expect(201);
    const rotated = ROTATED;
    const updated = await as(w.manager).patch(`${path}/${created.id}`, { authToken: rotated, phoneNumber: '+33756780004' }).expect(200);
    expect(updated.body).toMatchObject({ phoneNumber: '+33756780004' });
    expect(JSON.stringify(updated.body)).not.toContain(rotated);
    expect(await env.api.app.get(SmsNumbersService).receiverFor('+33756780004', null)).toMatchObject({ authToken: rotated });
    await as(w.manager).patch(`${path}/${created.id}`, { phoneNumber: null }).expect(400);
    // A change is verified like a registration: a token or a number Twilio does not confirm is refused, nothing changes.
    expect((await as(w.manager).patch(`${path}/${created.id}`, { authToken: 'not-the-token-of-this-account' }).expect(422)).body.code).toBe('sms_number_not_verified');
    await as(w.manager).patch(`${path}/${created.id}`, { phoneNumber: '+33756780098' }).expect(422);
    expect(await env.api.app.get(SmsNumbersService).receiverFor('+33756780004', null)).toMatchObject({ authToken: rotated });

    await as(other.manager).get(`${path}/${created.id}`).expect(404);
    await as(other.manager).patch(`${path}/${created.id}`, { authToken: rotated }).expect(404);
    await as(other.manager).del(`${path}/${created.id}`).expect(404);
    expect((await as(other.manager).get(path).expect(200)).body.items).toEqual([]);
    expect((await as(w.operator).get(path).expect(403)).body.code).toBe('permission_denied');

    await as(w.manager).del(`${path}/${created.id}`).expect(204);
    await as(w.manager).get(`${path}/${created.id}`).expect(404);
    await as(w.manager).get(`${path}/not-a-uuid`).expect(400);
  });
});
