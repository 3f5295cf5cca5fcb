import { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { SmsNumber } from '../../src/channels/sms-number.entity.js';
import { SmsNumbersService } from '../../src/channels/sms-numbers.service.js';
import type { CreateSmsNumberDto } from '../../src/channels/sms-number.dto.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'b1e55edc0ffee5ca1ab1e5ecre7t0ken';

describe('SMS numbers: /v1/channels/sms-numbers', () => {
  const env = useTestApi();
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

  it('keeps one company per number: a number already configured anywhere is a conflict', async () => {
    const response = await as(other.manager).post(path, { phoneNumber: '+33756780001', accountSid: ACCOUNT, authToken: TOKEN }).expect(409);
    expect(response.body.code).toBe('conflict');
  });

  it('rotates the token and edits the number; other companies and operators see nothing', async () => {
    const { body: created } = await as(w.manager).post(path, { phoneNumber: '+33756780003', accountSid: ACCOUNT, authToken: TOKEN }).expect(201);
    const rotated = 'fedcba9876543210fedcba9876543210';
    const updated = await as(w.manager).patch(`${path}/${created.id}`, { authToken: rotated, phoneNumber: '+33756780004' }).expect(200);
    expect(updated.body).toMatchObject({ phoneNumber: '+33756780004' });
    expect(JSON.stringify(updated.body)).not.toContain(rotated);
    expect(await env.api.app.get(SmsNumbersService).receiverFor('+33756780004', null)).toMatchObject({ authToken: rotated });
    await as(w.manager).patch(`${path}/${created.id}`, { phoneNumber: null }).expect(400);

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
