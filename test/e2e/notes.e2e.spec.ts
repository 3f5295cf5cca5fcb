import { beforeAll, describe, expect, it } from '@jest/globals';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** Internal notes (SPEC §5): staff's text about a client file or an account, alerts shown on the file until dismissed. */
describe('internal notes', () => {
  const env = useTestApi();
  let world: CompanyWorld;
  let other: CompanyWorld;
  let as: ReturnType<typeof callerOf>;

  beforeAll(async () => {
    world = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Notes');
    other = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Voisine');
    as = callerOf(env.api.http);
  });

  it('keeps notes about a client file or an account, and shows alerts where the file is opened until dismissed', async () => {
    const plain = await as(world.operator).post('/v1/notes', { clientId: world.clientId, text: 'Préfère être appelé le matin.' }).expect(201);
    expect(plain.body).toMatchObject({ clientId: world.clientId, userId: null, authorId: world.operatorId, alert: false });
    const alert = await as(world.operator).post('/v1/notes', { clientId: world.clientId, text: '  Impayé : ne pas intervenir avant accord.  ', alert: true }).expect(201);
    expect(alert.body.text).toBe('Impayé : ne pas intervenir avant accord.');
    const onAccount = await as(world.manager).post('/v1/notes', { userId: world.operatorId, text: 'En formation jusqu’à vendredi.', alert: true }).expect(201);

    const file = await as(world.operator).get(`/v1/clients/${world.clientId}`).expect(200);
    expect(file.body.noteAlerts).toEqual([{ id: alert.body.id, text: 'Impayé : ne pas intervenir avant accord.', authorId: world.operatorId, createdAt: expect.any(String) }]);
    const account = await as(world.manager).get(`/v1/users/${world.operatorId}`).expect(200);
    expect(account.body.noteAlerts.map((a: { id: string }) => a.id)).toEqual([onAccount.body.id]);

    const listed = await as(world.operator).get(`/v1/notes?clientId=${world.clientId}`).expect(200);
    expect(listed.body.items.map((n: { id: string }) => n.id)).toEqual([plain.body.id, alert.body.id]);
    expect((await as(world.operator).get('/v1/notes?alert=true').expect(200)).body.items.map((n: { id: string }) => n.id)).toEqual([alert.body.id, onAccount.body.id]);

    const dismissed = await as(world.operator).post(`/v1/notes/${alert.body.id}/dismiss`, {}).expect(200);
    expect(dismissed.body).toMatchObject({ dismissedBy: world.operatorId, alert: true });
    expect((await as(world.operator).get(`/v1/clients/${world.clientId}`).expect(200)).body.noteAlerts).toEqual([]);
    await as(world.operator).post(`/v1/notes/${plain.body.id}/dismiss`, {}).expect(409);
    // Flagged again: shown again.
    await as(world.operator).patch(`/v1/notes/${alert.body.id}`, { alert: false }).expect(200);
    await as(world.operator).patch(`/v1/notes/${alert.body.id}`, { alert: true }).expect(200);
    expect((await as(world.operator).get(`/v1/clients/${world.clientId}`).expect(200)).body.noteAlerts).toHaveLength(1);
    await as(world.operator).del(`/v1/notes/${plain.body.id}`).expect(204);
    await as(world.operator).get(`/v1/notes/${plain.body.id}`).expect(404);
  });

  it('never shows a note to a client-side account, whatever its rights, nor on its own file', async () => {
    await as(world.manager).post('/v1/notes', { clientId: world.clientId, text: 'Client difficile.', alert: true }).expect(201);
    const file = await as(world.clientAccount).get(`/v1/clients/${world.clientId}`).expect(200);
    expect(file.body.noteAlerts).toEqual([]);
    const listed = await as(world.clientAccount).get('/v1/notes');
    expect([403, 404]).toContain(listed.status);
    // Even given notes.read by a template, a client account reads none.
    await as(world.manager).patch(`/v1/rights-templates/${world.templates.Client}`, { permissions: ['clients.read', 'messages.read', 'notes.read'] }).expect(200);
    await as(world.manager).post(`/v1/rights-templates/${world.templates.Client}/apply`, { userId: world.clientAccountId }).expect(200);
    expect((await as(world.clientAccount).get('/v1/notes')).status).toBe(404);
    expect((await as(world.clientAccount).get(`/v1/clients/${world.clientId}`).expect(200)).body.noteAlerts).toEqual([]);
  });

  it('refuses empty text, two subjects or none, and people of another company', async () => {
    expect((await as(world.operator).post('/v1/notes', { clientId: world.clientId, text: '   ' })).body.code).toBe('unprocessable');
    expect((await as(world.operator).post('/v1/notes', { text: 'Sans sujet' })).status).toBe(422);
    expect((await as(world.operator).post('/v1/notes', { clientId: world.clientId, userId: world.operatorId, text: 'Deux sujets' })).status).toBe(422);
    await as(world.operator).post('/v1/notes', { clientId: other.clientId, text: 'Chez le voisin' }).expect(404);
    await as(world.operator).post('/v1/notes', { userId: other.operatorId, text: 'Chez le voisin' }).expect(404);
    // A client account is no subject of an account note (notes on accounts are about staff).
    await as(world.operator).post('/v1/notes', { userId: world.clientAccountId, text: 'Client' }).expect(404);
    const theirs = await as(other.manager).post('/v1/notes', { clientId: other.clientId, text: 'Note voisine' }).expect(201);
    await as(world.manager).get(`/v1/notes/${theirs.body.id}`).expect(404);
    await as(world.manager).post(`/v1/notes/${theirs.body.id}/dismiss`, {}).expect(404);
  });
});
