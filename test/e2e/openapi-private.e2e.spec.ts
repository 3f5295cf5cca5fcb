import { beforeAll, describe, expect, it } from '@jest/globals';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

interface Schema {
  properties: Record<string, { description?: string }>;
}

/** Seeds 000/001: "Le message privé sera envoyé uniquement au destinataire": the file's client is that recipient. */
describe('OpenAPI: what `private` means', () => {
  const env = useTestApi();
  let w: CompanyWorld;

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Privée');
  });

  it('says the file’s client sees a private message, besides its author and CC, as the API does', async () => {
    const doc = (await env.api.http.get('/docs-json').expect(200)).body as { components: { schemas: Record<string, Schema> } };
    const compose = doc.components.schemas.ComposeMessageDto.properties.private.description ?? '';
    expect(compose).toMatch(/client/i);
    expect(compose).toMatch(/author/i);
    expect(compose).toMatch(/CC/);
    expect(compose).not.toMatch(/^Only its author and CC see it/);
    expect(doc.components.schemas.MessageView.properties.private.description).toMatch(/client/i);

    const as = callerOf(env.api.http);
    const secret = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { subject: 'Privé', body: 'Pour le docteur seulement', private: true });
    expect(secret.status).toBe(201);
    expect((await as(w.clientAccount).get(`/v1/messages/${secret.body.id as string}`)).status).toBe(200);
    expect((await as(w.manager).get(`/v1/messages/${secret.body.id as string}`)).status).toBe(404);
  });
});
