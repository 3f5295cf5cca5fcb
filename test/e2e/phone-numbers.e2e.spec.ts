import { beforeAll, describe, expect, it } from '@jest/globals';
import { EntityManager } from '@mikro-orm/postgresql';
import { Company } from '../../src/core/tenancy/company.entity.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

describe('phone numbers typed the way people type them: national formats of the company’s country, stored in E.164', () => {
  const env = useTestApi();
  let w: CompanyWorld;
  let as: ReturnType<typeof callerOf>;

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Téléphone');
    as = callerOf(env.api.http);
  });

  it('accepts French numbers with spaces, dots or nothing, and international ones, on client files and contacts', async () => {
    const client = await as(w.manager).post('/v1/clients', { name: 'Cabinet Roux', mobile: '06 98 76 54 32', fax: '01.23.45.67.89' });
    expect(client.status).toBe(201);
    expect(client.body).toMatchObject({ mobile: '+33698765432', fax: '+33123456789' });
    const edited = await as(w.manager).patch(`/v1/clients/${client.body.id as string}`, { mobile: '0698765431' });
    expect(edited.body.mobile).toBe('+33698765431');

    const contact = await as(w.manager).post(`/v1/clients/${w.clientId}/contacts`, { name: 'M. Blanc', phone: '06.98.76.54.32' });
    expect(contact.body.phone).toBe('+33698765432');
    const abroad = await as(w.manager).patch(`/v1/clients/${w.clientId}/contacts/${contact.body.id as string}`, { phone: '+32 470 12 34 56' });
    expect(abroad.body.phone).toBe('+32470123456');
  });

  it('accepts them on accounts (created, edited, one’s own) and on opt-outs', async () => {
    const user = await as(w.manager).post('/v1/users', {
      rightsTemplateId: w.templates.Operator,
      firstName: 'Paul',
      lastName: 'Vert',
      email: 'paul.vert@example.test',
      mobile: '06 98 76 54 32',
    });
    expect(user.status).toBe(201);
    expect(user.body.mobile).toBe('+33698765432');
    expect((await as(w.manager).patch(`/v1/users/${user.body.id as string}`, { mobile: '07 56 78 12 34' })).body.mobile).toBe('+33756781234');
    expect((await as(w.operator).patch('/v1/me', { mobile: '06 11 22 33 44' })).body.mobile).toBe('+33611223344');

    const optOut = await as(w.manager).post('/v1/opt-outs', { channel: 'sms', address: '06 98 76 54 39' });
    expect(optOut.status).toBe(201);
    expect(optOut.body.address).toBe('+33698765439');
  });

  it.each([
    ['a client’s mobile', 'post', '/v1/clients', { name: 'X', mobile: '06 98 76' }, 'mobile'],
    ['a client’s fax', 'post', '/v1/clients', { name: 'X', fax: 'fax du cabinet' }, 'fax'],
    ['a contact’s phone', 'post', '/clients/:id/contacts', { name: 'X', phone: '12' }, 'phone'],
    ['an account’s mobile', 'post', '/v1/users', { firstName: 'A', lastName: 'B', email: 'a.b@example.test', mobile: '+33 6' }, 'mobile'],
    ['one’s own mobile', 'patch', '/v1/me', { mobile: '0000' }, 'mobile'],
    ['an SMS opt-out', 'post', '/v1/opt-outs', { channel: 'sms', address: 'pas un numéro' }, 'address'],
  ] as const)('refuses an invalid number on %s with a 400 naming the field', async (_, method, path, payload, field) => {
    const url = path.startsWith('/clients') ? `/v1/clients/${w.clientId}/contacts` : path;
    const body = path === '/v1/users' ? { ...payload, rightsTemplateId: w.templates.Operator } : payload;
    const caller = path === '/v1/me' ? as(w.operator) : as(w.manager);
    const response = method === 'patch' ? await caller.patch(url, body) : await caller.post(url, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation_failed', details: { field } });
    expect(response.body.message).toContain(field);
  });

  it('reads national numbers in the company’s own country when it is not France', async () => {
    const em = env.api.app.get(EntityManager).fork();
    await em.nativeUpdate(Company, { id: w.companyId }, { country: 'BE' });
    try {
      const client = await as(w.manager).post('/v1/clients', { name: 'Cabinet Bruxelles', mobile: '0470 12 34 56' });
      expect(client.body.mobile).toBe('+32470123456');
      expect((await as(w.manager).post('/v1/clients', { name: 'Cabinet Paris', mobile: '+33 6 98 76 54 32' })).body.mobile).toBe('+33698765432');
    } finally {
      await em.nativeUpdate(Company, { id: w.companyId }, { country: 'FR' });
    }
  });

  it('starts every company in France, and lets the manager change its country (ISO code only)', async () => {
    const settings = await as(w.manager).get('/v1/settings');
    expect(settings.body.company.country).toBe('FR');
    const refused = await as(w.manager).patch('/v1/settings/company', { country: 'France' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('country');
    const changed = await as(w.manager).patch('/v1/settings/company', { country: 'BE' });
    expect(changed.body.company.country).toBe('BE');
    expect((await as(w.manager).post('/v1/clients', { name: 'Cabinet Liège', mobile: '0470 12 34 57' })).body.mobile).toBe('+32470123457');
    await as(w.manager).patch('/v1/settings/company', { country: 'FR' }).expect(200);
  });
});
