import type { AddressInfo } from 'node:net';
import { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { listenToEvents } from '../harness/sse-listener.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

interface Listed {
  id: string;
  isNew: boolean;
  visible: boolean;
  title: string;
}

/** Portal discussions (SPEC §5): staff and a client or worker, the visible flag, the NEW badge, live events. */
describe('discussions', () => {
  const env = useTestApi();
  let world: CompanyWorld;
  let other: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let baseUrl: string;
  const list = async (token: string, query = '') => (await as(token).get(`/v1/discussions${query}`).expect(200)).body.items as Listed[];
  const count = async () => (await boundSql<{ n: number }>(env.api.app.get(EntityManager).fork(), 'select count(*)::int as n from discussion')).at(0)!.n;

  beforeAll(async () => {
    world = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Discussions');
    other = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Voisine');
    as = callerOf(env.api.http);
    baseUrl = `http://127.0.0.1:${(env.api.app.getHttpServer().address() as AddressInfo).port}`;
  });

  it('keeps a discussion staff open off the portal until it is made visible; then the client sees it, NEW until read, and answers it', async () => {
    const opened = await as(world.manager).post('/v1/discussions', { clientId: world.clientId, title: '  Accès au cabinet  ', body: 'Le digicode change lundi.' }).expect(201);
    expect(opened.body).toMatchObject({ clientId: world.clientId, workerId: null, subjectName: 'Cabinet Médical Durand', linkedName: null, title: 'Accès au cabinet', body: 'Le digicode change lundi.', authorId: world.managerId, managerId: world.managerId, visible: false, isNew: false, replyCount: 0 });
    const id = opened.body.id as string;
    // Off the portal by default: to the client account it does not exist.
    expect(await list(world.clientAccount)).toEqual([]);
    expect((await as(world.clientAccount).get(`/v1/discussions/${id}`)).status).toBe(404);
    const refused = await as(world.clientAccount).post(`/v1/discussions/${id}/replies`, { body: 'Bien noté' });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('not_found');

    // Staff: NEW for the operator until read, not for its author.
    expect((await list(world.operator)).find((d) => d.id === id)?.isNew).toBe(true);
    expect((await as(world.operator).get('/v1/discussions/counts').expect(200)).body).toEqual({ total: 1, new: 1 });
    expect((await list(world.operator, '?new=true')).map((d) => d.id)).toEqual([id]);
    await as(world.operator).get(`/v1/discussions/${id}`).expect(200);
    expect((await list(world.operator, '?new=true'))).toEqual([]);
    expect((await list(world.operator, '?new=false')).map((d) => d.id)).toEqual([id]);

    await as(world.manager).patch(`/v1/discussions/${id}`, { visible: true }).expect(200);
    expect(await list(world.clientAccount)).toEqual([expect.objectContaining({ id, isNew: true, visible: true, subjectName: 'Cabinet Médical Durand', authorName: null })]);
    expect((await as(world.clientAccount).get('/v1/discussions/counts').expect(200)).body).toEqual({ total: 1, new: 1 });
    expect((await as(world.clientAccount).get(`/v1/discussions/${id}`).expect(200)).body.isNew).toBe(false);
    expect((await as(world.clientAccount).get('/v1/discussions/counts').expect(200)).body).toEqual({ total: 1, new: 0 });
    // Not the worker's: a worker sees no client's discussion.
    expect((await as(world.worker).get(`/v1/discussions/${id}`)).status).toBe(404);

    const answer = await as(world.clientAccount).post(`/v1/discussions/${id}/replies`, { body: '  Merci, bien noté.  ' }).expect(201);
    expect(answer.body).toMatchObject({ discussionId: id, authorId: world.clientAccountId, body: 'Merci, bien noté.', origin: 'app' });
    // A new reply makes it NEW again for everyone else, not for its author.
    expect((await list(world.operator)).find((d) => d.id === id)).toMatchObject({ isNew: true });
    expect((await list(world.manager)).find((d) => d.id === id)).toMatchObject({ isNew: true });
    expect((await list(world.clientAccount)).find((d) => d.id === id)).toMatchObject({ isNew: false });
    const staffReply = await as(world.manager).post(`/v1/discussions/${id}/replies`, { body: 'Parfait.' }).expect(201);
    expect((await list(world.clientAccount)).find((d) => d.id === id)).toMatchObject({ isNew: true });
    const replies = (await as(world.clientAccount).get(`/v1/discussions/${id}/replies`).expect(200)).body as { id: string; authorName: string | null }[];
    expect(replies.map((r) => r.id)).toEqual([answer.body.id, staffReply.body.id]);
    // Staff read who wrote what; the portal is not told the staff's names (it shows the team's).
    expect(replies.map((r) => r.authorName)).toEqual([null, null]);
    const staffRead = (await as(world.operator).get(`/v1/discussions/${id}/replies`).expect(200)).body as { authorName: string | null }[];
    expect(staffRead.map((r) => r.authorName)).toEqual(['Dr Durand', staffReply.body.authorName]);
    expect(staffReply.body.authorName).toMatch(/\S/);
    expect((await as(world.manager).get(`/v1/discussions/${id}`).expect(200)).body.replyCount).toBe(2);
  });

  it('lets a worker see only the visible discussions about itself, answer them and open one, addressed to its file manager', async () => {
    const hidden = await as(world.operator).post('/v1/discussions', { workerId: world.workerId, title: 'Planning interne', body: 'À valider.' }).expect(201);
    const shown = await as(world.operator).post('/v1/discussions', { workerId: world.workerId, title: 'Tournée de mardi', body: 'Trois visites.', visible: true, linkedClientId: world.clientId }).expect(201);
    expect(shown.body).toMatchObject({ workerId: world.workerId, clientId: null, linkedClientId: world.clientId, managerId: world.operatorId, visible: true });
    expect(shown.body).toMatchObject({ subjectName: 'Ivan Intervenant', authorName: 'Olivier Opé', linkedName: 'Cabinet Médical Durand' });
    // The worker is not told which client file it is linked to, nor who wrote it.
    expect((await list(world.worker))[0]).toMatchObject({ subjectName: 'Ivan Intervenant', authorName: null, linkedName: null });
    expect((await list(world.worker)).map((d) => d.id)).toEqual([shown.body.id]);
    expect((await as(world.worker).get(`/v1/discussions/${hidden.body.id}`)).status).toBe(404);
    expect((await list(world.clientAccount)).map((d) => d.id)).not.toContain(shown.body.id);
    await as(world.worker).post(`/v1/discussions/${shown.body.id}/replies`, { body: 'OK pour mardi.' }).expect(201);
    expect((await as(world.worker).post(`/v1/discussions/${hidden.body.id}/replies`, { body: 'Je vois ?' })).status).toBe(404);

    const mine = await as(world.worker).post('/v1/discussions', { title: 'Clés du local', body: 'Qui a les clés ?' }).expect(201);
    // Opened from the portal: about the worker, visible, addressed to the manager of its latest discussion.
    expect(mine.body).toMatchObject({ workerId: world.workerId, clientId: null, authorId: world.workerId, managerId: world.operatorId, visible: true, isNew: false });
    expect((await list(world.operator, `?workerId=${world.workerId}&new=true`)).map((d) => d.id)).toEqual([shown.body.id, mine.body.id]);
    // The worker's reply alerts its file manager (an operator: neither the author nor a manager) as well as the company's managers.
    await as(world.worker).post(`/v1/discussions/${mine.body.id}/replies`, { body: 'Toujours pas de réponse ?' }).expect(201);
    const alerted = await boundSql<{ recipient_user_id: string }>(
      env.api.app.get(EntityManager).fork(),
      `select recipient_user_id from delivery where conversation_id = ? and kind = 'reply_alert' order by recipient_user_id`,
      [mine.body.id],
    );
    expect(alerted.map((a) => a.recipient_user_id).sort()).toEqual([world.operatorId, world.managerId].sort());
    // A client account opens one about its own client file, addressed to the company's manager when none handled it before.
    const fromClient = await as(world.clientAccount).post('/v1/discussions', { title: 'Facture', body: 'Pouvez-vous me la renvoyer ?' }).expect(201);
    expect(fromClient.body).toMatchObject({ clientId: world.clientId, visible: true, managerId: world.managerId });
  });

  it('hides a discussion from the portal at once: lists, reads, replies and live events', async () => {
    const id = (await as(world.manager).post('/v1/discussions', { clientId: world.clientId, title: 'Travaux', body: 'Ascenseur en panne.', visible: true }).expect(201)).body.id as string;
    const portal = await listenToEvents(baseUrl, world.clientAccount);
    const staff = await listenToEvents(baseUrl, world.operator);
    try {
      await as(world.manager).post(`/v1/discussions/${id}/replies`, { body: 'Réparation jeudi.' }).expect(201);
      await portal.waitFor(id, 'discussion.replied');
      await as(world.manager).patch(`/v1/discussions/${id}`, { visible: false }).expect(200);
      await staff.waitFor(id, 'discussion.hidden');
      await as(world.manager).post(`/v1/discussions/${id}/replies`, { body: 'Note pour l’équipe seulement.' }).expect(201);
      await staff.waitFor(id, 'discussion.replied');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Once hidden, the portal hears nothing more of it, not even that it was hidden.
      expect(portal.received.filter((e) => e.messageId === id).map((e) => e.type)).toEqual(['discussion.replied']);
    } finally {
      await portal.stop();
      await staff.stop();
    }
    expect((await list(world.clientAccount)).map((d) => d.id)).not.toContain(id);
    expect((await as(world.clientAccount).get(`/v1/discussions/${id}`)).status).toBe(404);
    expect((await as(world.clientAccount).get(`/v1/discussions/${id}/replies`)).status).toBe(404);
    expect((await as(world.clientAccount).post(`/v1/discussions/${id}/replies`, { body: 'Encore là ?' })).status).toBe(404);
    expect((await list(world.manager, '?visible=false')).map((d) => d.id)).toContain(id);
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const before = await count();
    const post = (token: string, body: object) => as(token).post('/v1/discussions', body);
    expect((await post(world.manager, { clientId: world.clientId, title: '   ', body: 'x' })).body).toMatchObject({ code: 'unprocessable', details: { field: 'title' } });
    expect((await post(world.manager, { clientId: world.clientId, title: 'x', body: '  ' })).body).toMatchObject({ code: 'unprocessable', details: { field: 'body' } });
    expect((await post(world.manager, { clientId: world.clientId, title: '', body: 'x' })).status).toBe(400);
    expect((await post(world.manager, { title: 'Sans personne', body: 'x' })).body.code).toBe('discussion_subject_required');
    expect((await post(world.manager, { clientId: world.clientId, workerId: world.workerId, title: 'Deux', body: 'x' })).body.code).toBe('discussion_subject_required');
    expect((await post(world.manager, { clientId: other.clientId, title: 'Voisin', body: 'x' })).status).toBe(404);
    expect((await post(world.manager, { workerId: other.workerId, title: 'Voisin', body: 'x' })).status).toBe(404);
    expect((await post(world.manager, { workerId: world.operatorId, title: 'Pas un intervenant', body: 'x' })).status).toBe(404);
    expect((await post(world.manager, { clientId: world.clientId, linkedUserId: other.operatorId, title: 'Lien', body: 'x' })).status).toBe(404);
    expect((await post(world.manager, { clientId: world.clientId, linkedClientId: other.clientId, title: 'Lien', body: 'x' })).status).toBe(404);
    expect((await post(world.manager, { clientId: world.clientId, linkedClientId: world.clientId, title: 'Lien', body: 'x' })).body.code).toBe('discussion_link_invalid');
    expect((await post(world.manager, { clientId: world.clientId, managerId: other.managerId, title: 'Gérant', body: 'x' })).status).toBe(404);
    const ownWorker = await post(world.manager, { workerId: world.workerId, linkedUserId: world.workerId, title: 'Lien', body: 'x' });
    expect([ownWorker.status, ownWorker.body]).toMatchObject([422, { code: 'discussion_link_invalid', details: { field: 'linkedUserId' } }]);
    const twoLinks = await post(world.manager, { clientId: world.clientId, linkedUserId: world.operatorId, linkedClientId: world.otherClientId, title: 'Deux liens', body: 'x' });
    expect([twoLinks.status, twoLinks.body]).toMatchObject([422, { code: 'discussion_link_invalid', details: { field: 'linkedClientId' } }]);
    // (discussion_no_manager is not reachable through the API: a company always keeps an active manager, see last_manager.)
    // From a portal, the person and visibility are not the caller's to choose.
    expect((await post(world.clientAccount, { clientId: world.otherClientId, title: 'Autre', body: 'x' })).body).toMatchObject({ code: 'unprocessable', details: { field: 'clientId' } });
    expect((await post(world.worker, { title: 'Caché', body: 'x', visible: false })).body).toMatchObject({ code: 'unprocessable', details: { field: 'visible' } });
    expect(await count()).toBe(before);

    // Another company's discussion does not exist here, for staff or portal; a reply to it writes nothing.
    const theirs = (await as(other.manager).post('/v1/discussions', { clientId: other.clientId, title: 'Chez eux', body: 'x', visible: true }).expect(201)).body.id as string;
    expect((await as(world.manager).get(`/v1/discussions/${theirs}`)).status).toBe(404);
    expect((await as(world.clientAccount).post(`/v1/discussions/${theirs}/replies`, { body: 'Intrus' })).status).toBe(404);
    expect((await as(world.manager).patch(`/v1/discussions/${theirs}`, { visible: false })).status).toBe(404);
    expect((await as(other.manager).get(`/v1/discussions/${theirs}/replies`).expect(200)).body).toEqual([]);
    // A portal account cannot change a discussion; staff without notes.write cannot write one.
    const mine = (await list(world.clientAccount))[0].id;
    expect((await as(world.clientAccount).patch(`/v1/discussions/${mine}`, { visible: false })).status).toBe(403);
    const replyCount = async () => ((await as(world.manager).get(`/v1/discussions/${mine}/replies`).expect(200)).body as unknown[]).length;
    const repliesBefore = await replyCount();
    // A change naming another company's people, or two linked people, is refused and changes nothing.
    const unchanged = (await as(world.manager).get(`/v1/discussions/${mine}`).expect(200)).body;
    const patch = (token: string, body: object) => as(token).patch(`/v1/discussions/${mine}`, body);
    expect((await patch(world.manager, { managerId: other.managerId })).status).toBe(404);
    expect((await patch(world.manager, { linkedUserId: other.operatorId })).status).toBe(404);
    expect((await patch(world.manager, { linkedClientId: other.clientId })).status).toBe(404);
    expect((await patch(world.manager, { linkedUserId: world.operatorId, linkedClientId: world.otherClientId })).body).toMatchObject({ code: 'discussion_link_invalid', details: { field: 'linkedClientId' } });
    expect((await as(world.manager).get(`/v1/discussions/${mine}`).expect(200)).body).toEqual(unchanged);
    const blank = await as(world.manager).post(`/v1/discussions/${mine}/replies`, { body: '   ' });
    expect([blank.status, blank.body]).toMatchObject([422, { code: 'unprocessable', details: { field: 'body' } }]);

    const staffWith = async (templateId: string, firstName: string) => {
      const user = (await as(world.manager).post('/v1/users', { rightsTemplateId: templateId, firstName, lastName: 'Test', email: `${firstName.toLowerCase()}.test@example.test` }).expect(201)).body.id as string;
      return `Bearer ${(await as(world.manager).post(`/v1/users/${user}/tokens`, { name: 't' }).expect(201)).body.token}`;
    };
    await as(world.manager).patch(`/v1/rights-templates/${world.customTemplateId}`, { permissions: ['messages.read', 'notes.read'] }).expect(200);
    const readerToken = await staffWith(world.customTemplateId, 'Lou');
    expect((await list(readerToken)).length).toBeGreaterThan(0);
    const writeDenied = { code: 'permission_denied', details: { permission: 'notes.write' } };
    for (const denied of [
      await post(readerToken, { clientId: world.clientId, title: 'x', body: 'x' }),
      await as(readerToken).post(`/v1/discussions/${mine}/replies`, { body: 'Je lis seulement' }),
      await patch(readerToken, { title: 'Renommé' }),
    ]) {
      expect([denied.status, denied.body]).toMatchObject([403, writeDenied]);
    }
    // Staff without notes.read see no discussion at all: a 403 naming it, not an empty list.
    const blindTemplate = (await as(world.manager).post('/v1/rights-templates', { name: 'Sans notes', kind: 'collaborator', role: 'operator', permissions: ['messages.read'] }).expect(201)).body.id as string;
    const blindToken = await staffWith(blindTemplate, 'Max');
    for (const denied of [await as(blindToken).get('/v1/discussions'), await as(blindToken).get('/v1/discussions/counts'), await as(blindToken).get(`/v1/discussions/${mine}`)]) {
      expect([denied.status, denied.body]).toMatchObject([403, { code: 'permission_denied', details: { permission: 'notes.read' } }]);
    }
    expect(await replyCount()).toBe(repliesBefore);
    expect((await as(world.manager).get(`/v1/discussions/${mine}`).expect(200)).body).toEqual(unchanged);
  });
});
