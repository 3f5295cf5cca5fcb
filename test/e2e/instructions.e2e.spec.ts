import { beforeAll, describe, expect, it } from '@jest/globals';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** Instructions (consignes) are the client's standing orders to the operators (seed 001, SPEC §4). */
describe('client instructions: filtered by where they show, and kept from client accounts', () => {
  const env = useTestApi();
  let w: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let forCalls: string;
  let forVad: string;

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Consignes');
    as = callerOf(env.api.http);
    forCalls = (await as(w.manager).post(`/v1/clients/${w.clientId}/instructions`, { text: 'Passer les appels urgents au portable', visibility: ['call'] })).body.id;
    forVad = (await as(w.manager).post(`/v1/clients/${w.clientId}/instructions`, { text: 'Code du portail : 1234', visibility: ['vad', 'message'] })).body.id;
  });

  const ids = (response: { body: { id: string }[] }) => response.body.map((i) => i.id).sort();

  it('lists the instructions shown while composing a message with ?for=message', async () => {
    const forMessage = await as(w.operator).get(`/v1/clients/${w.clientId}/instructions?for=message`);
    expect(forMessage.status).toBe(200);
    expect(ids(forMessage)).toEqual([w.instructionId, forVad].sort());
    expect(ids(await as(w.operator).get(`/v1/clients/${w.clientId}/instructions?for=call`))).toEqual([w.instructionId, forCalls].sort());
    expect(ids(await as(w.operator).get(`/v1/clients/${w.clientId}/instructions`))).toEqual([w.instructionId, forCalls, forVad].sort());
  });

  it('refuses an unknown visibility with a 400 naming the accepted ones', async () => {
    const refused = await as(w.operator).get(`/v1/clients/${w.clientId}/instructions?for=fax`);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(JSON.stringify(refused.body)).toContain('message, call, vad');
  });

  it('keeps instructions from client accounts: they are for the company’s users only (seed 001: "UNIQUEMENT Compte Utilisateur")', async () => {
    const refused = await as(w.clientAccount).get(`/v1/clients/${w.clientId}/instructions`);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('permission_denied');
    expect(refused.body.message).toContain('instructions');
    expect((await as(w.clientAccount).get(`/v1/clients/${w.clientId}/instructions?for=message`)).status).toBe(403);
    // Their own file and contacts stay readable.
    expect((await as(w.clientAccount).get(`/v1/clients/${w.clientId}`)).status).toBe(200);
    expect((await as(w.clientAccount).get(`/v1/clients/${w.clientId}/contacts`)).status).toBe(200);
  });
});
