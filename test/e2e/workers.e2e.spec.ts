import { beforeAll, describe, expect, it } from '@jest/globals';
import { EntityManager } from '@mikro-orm/postgresql';
import { AccountDirectory } from '../../src/accounts/account-directory.js';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** Workers (intervenants, SPEC §5): the company's field workers, an account kind that sees only what concerns it. */
describe('workers', () => {
  const env = useTestApi();
  let world: CompanyWorld;
  let other: CompanyWorld;
  let as: ReturnType<typeof callerOf>;

  beforeAll(async () => {
    world = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Intervenants');
    other = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Voisine');
    as = callerOf(env.api.http);
  });

  it('comes with each company: the "Intervenant" template makes worker accounts, bound to no client file', async () => {
    const templates = (await as(world.manager).get('/v1/rights-templates').expect(200)).body as { name: string; kind: string; role: string | null; permissions: string[] }[];
    expect(templates.find((t) => t.name === 'Intervenant')).toMatchObject({ kind: 'worker', role: null, permissions: [] });

    const created = await as(world.manager).post('/v1/users', { rightsTemplateId: world.templates.Intervenant, firstName: 'Inès', lastName: 'Terrain', email: 'ines.terrain@example.test' }).expect(201);
    expect(created.body).toMatchObject({ kind: 'worker', role: null, clientId: null, permissions: [] });
    // Two workers (and the company's system account) live side by side: none is taken for the other.
    const again = await as(world.manager).post('/v1/users', { rightsTemplateId: world.templates.Intervenant, firstName: 'Jules', lastName: 'Terrain', email: 'jules.terrain@example.test' }).expect(201);
    expect(again.body.kind).toBe('worker');
    expect((await as(world.manager).get('/v1/users?kind=worker').expect(200)).body.items.map((u: { id: string }) => u.id).sort()).toEqual([world.workerId, created.body.id, again.body.id].sort());

    const refused = await as(world.manager).post('/v1/users', { rightsTemplateId: world.templates.Intervenant, clientId: world.clientId, firstName: 'X', lastName: 'Y', email: 'x.y@example.test' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed', message: 'A worker account has no client file' });
    expect((await as(world.manager).get('/v1/users?kind=worker').expect(200)).body.items).toHaveLength(3);
    // The company's system account is its own, never taken for a worker (neither has a role nor a client file).
    const em = env.api.app.get(EntityManager).fork();
    const system = await env.api.app.get(AccountDirectory).systemAccount(em, world.companyId);
    expect(await env.api.app.get(AccountDirectory).systemAccount(em, world.companyId)).toBe(system);
    expect(await boundSql(em, 'select kind::text as kind, active from app_user where id = ?', [system])).toEqual([{ kind: 'system', active: false }]);
  });

  it('signs in and sees its own account, but no client file, message, account or note of the company', async () => {
    const me = await as(world.worker).get('/v1/me').expect(200);
    expect(me.body).toMatchObject({ id: world.workerId, kind: 'worker', clientId: null });
    await as(world.worker).patch('/v1/me', { mobile: '06 11 22 33 44' }).expect(200);
    expect((await as(world.worker).get(`/v1/clients/${world.clientId}`)).status).toBe(403);
    expect((await as(world.worker).get(`/v1/clients/${world.clientId}/messages`)).status).toBe(403);
    expect((await as(world.worker).get(`/v1/messages/${world.messageId}`)).status).toBe(403);
    expect((await as(world.worker).get('/v1/users')).status).toBe(403);
    expect((await as(world.worker).get('/v1/notes')).status).toBe(403);
  });

  it('takes notes about the worker, whose alerts show on the worker’s account until dismissed; the worker reads no note, even given notes.read', async () => {
    const alert = await as(world.operator).post('/v1/notes', { userId: world.workerId, text: 'Pas de clé du local ce mois-ci.', alert: true }).expect(201);
    expect(alert.body).toMatchObject({ userId: world.workerId, clientId: null, alert: true });
    const clientNote = await as(world.operator).post('/v1/notes', { clientId: world.clientId, text: 'Code porte 1234.' }).expect(201);
    const file = await as(world.manager).get(`/v1/users/${world.workerId}`).expect(200);
    expect(file.body.noteAlerts).toEqual([{ id: alert.body.id, text: 'Pas de clé du local ce mois-ci.', authorId: world.operatorId, createdAt: expect.any(String) }]);

    // Even given notes.read by its template, a worker reads no note: not a client's, not its own.
    await as(world.manager).patch(`/v1/rights-templates/${world.templates.Intervenant}`, { permissions: ['notes.read'] }).expect(200);
    await as(world.manager).post(`/v1/rights-templates/${world.templates.Intervenant}/apply`, { userId: world.workerId }).expect(200);
    const read = await as(world.worker).get(`/v1/notes/${clientNote.body.id}`);
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('not_found');
    expect((await as(world.worker).get(`/v1/notes/${alert.body.id}`)).status).toBe(404);
    expect((await as(world.worker).get('/v1/notes')).status).toBe(404);

    await as(world.operator).post(`/v1/notes/${alert.body.id}/dismiss`, {}).expect(200);
    expect((await as(world.manager).get(`/v1/users/${world.workerId}`).expect(200)).body.noteAlerts).toEqual([]);
  });

  it('refuses a note about another company’s worker or about a client account as a person', async () => {
    await as(world.operator).post('/v1/notes', { userId: other.workerId, text: 'Chez le voisin' }).expect(404);
    await as(world.operator).post('/v1/notes', { userId: world.clientAccountId, text: 'Client' }).expect(404);
    expect((await as(world.manager).get('/v1/notes?userId=' + other.workerId).expect(200)).body.items).toEqual([]);
  });
});
