import { beforeAll, describe, expect, it } from '@jest/globals';
import { aCompany } from '../factories/accounts.factory.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

describe('clients, structures and subcontracting, settings, audit', () => {
  const env = useTestApi();
  let w: CompanyWorld;
  const as = (token: string) => callerOf(env.api.http)(token);

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
  });

  describe('client files', () => {
    it('keeps contacts and instructions on the file', async () => {
      const contacts = await as(w.operator).get(`/v1/clients/${w.clientId}/contacts`).expect(200);
      expect(contacts.body).toEqual([expect.objectContaining({ name: 'Mme Petit', phone: '+33612345678', city: 'Lyon' })]);
      const instructions = await as(w.operator).get(`/v1/clients/${w.clientId}/instructions`).expect(200);
      expect(instructions.body).toEqual([expect.objectContaining({ text: 'Ne jamais appeler avant 9 h', visibility: ['message', 'call'] })]);
      await as(w.manager).patch(`/v1/clients/${w.clientId}/contacts/${w.contactId}`, { email: 'petit@example.test' }).expect(200);
      const updated = await as(w.operator).get(`/v1/clients/${w.clientId}/contacts`).expect(200);
      expect(updated.body[0]).toMatchObject({ name: 'Mme Petit', email: 'petit@example.test' });
    });

    it('shows a client account its own file only', async () => {
      const list = await as(w.clientAccount).get('/v1/clients').expect(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([w.clientId]);
      await as(w.clientAccount).get(`/v1/clients/${w.clientId}`).expect(200);
      await as(w.clientAccount).get(`/v1/clients/${w.otherClientId}`).expect(404);
      await as(w.clientAccount).get(`/v1/clients/${w.otherClientId}/contacts`).expect(404);
      await as(w.clientAccount).patch(`/v1/clients/${w.clientId}`, { name: 'Mine now' }).expect(403);
    });

    it('binds a secretary account to its file the same way', async () => {
      const secretary = await as(w.manager)
        .post('/v1/users', { rightsTemplateId: w.templates.Secretary, clientId: w.otherClientId, firstName: 'Sam', lastName: 'Sec', email: 'sam.sec@example.test' })
        .expect(201);
      const token = await as(w.manager).post(`/v1/users/${secretary.body.id}/tokens`, { name: 'accueil' }).expect(201);
      const list = await as(`Bearer ${token.body.token}`).get('/v1/clients').expect(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([w.otherClientId]);
      await as(`Bearer ${token.body.token}`).get(`/v1/clients/${w.clientId}/instructions`).expect(404);
    });

    it('searches files by name, taking % and _ literally', async () => {
      const found = await as(w.operator).get('/v1/clients?q=durand').expect(200);
      expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([w.clientId]);
      expect((await as(w.operator).get('/v1/clients?q=%25').expect(200)).body.items).toEqual([]);
    });

    it('lets operators read files but not change them', async () => {
      await as(w.operator).get('/v1/clients').expect(200);
      const refused = await as(w.operator).post('/v1/clients', { name: 'X' }).expect(403);
      expect(refused.body.details).toEqual({ permission: 'clients.manage' });
    });

    it('validates input: phone numbers, known visibilities, no unknown fields', async () => {
      await as(w.manager).post('/v1/clients', { name: 'X', mobile: '06 12 34' }).expect(400);
      await as(w.manager).post(`/v1/clients/${w.clientId}/instructions`, { text: 'x', visibility: ['fax'] }).expect(400);
      await as(w.manager).post('/v1/clients', { name: 'X', siret: '123' }).expect(400);
      await as(w.manager).post('/v1/clients', { name: '' }).expect(400);
    });
  });

  describe('structures and subcontracting', () => {
    it('gives each company its copy circle, designated in the settings, which cannot be deleted', async () => {
      const settings = await as(w.manager).get('/v1/settings').expect(200);
      expect(settings.body.company.copyCircleStructureId).toBe(w.copyCircleId);
      expect((await as(w.manager).del(`/v1/structures/${w.copyCircleId}`).expect(409)).body.code).toBe('conflict');
    });

    it('adds collaborators of another company only through an accepted link, and ending it removes them at once', async () => {
      const partner = await aCompany(env.api.app, 'Sous-traitant SA');
      const partnerManager = `Bearer ${partner.token}`;

      const refused = await as(w.manager).post(`/v1/structures/${w.copyCircleId}/members`, { userId: partner.userId }).expect(403);
      expect(refused.body.code).toBe('subcontracting_link_required');
      expect((await as(w.manager).get('/v1/subcontracting/collaborators').expect(200)).body).toEqual([]);

      const link = await as(w.manager).post('/v1/subcontracting/links', { partnerCompanyId: partner.companyId }).expect(201);
      expect(link.body.status).toBe('pending');
      await as(w.manager).post(`/v1/structures/${w.copyCircleId}/members`, { userId: partner.userId }).expect(403);
      await as(w.manager).post(`/v1/subcontracting/links/${link.body.id}/accept`).expect(403);
      const accepted = await as(partnerManager).post(`/v1/subcontracting/links/${link.body.id}/accept`).expect(200);
      expect(accepted.body.status).toBe('accepted');

      const found = await as(w.manager).get('/v1/subcontracting/collaborators?q=manager').expect(200);
      expect(found.body.map((u: { id: string }) => u.id)).toEqual([partner.userId]);
      // A candidate, not the partner's account: no permissions, mobile, state or rights template.
      expect(Object.keys(found.body[0]).sort()).toEqual(['companyId', 'companyName', 'email', 'firstName', 'id', 'lastName']);
      // Seed 002: the search shows the subcontractor's name and their company's, not an id.
      expect(found.body[0]).toMatchObject({ companyId: partner.companyId, companyName: 'Sous-traitant SA' });
      const byCompany = await as(w.manager).get('/v1/subcontracting/collaborators?q=traitant').expect(200);
      expect(byCompany.body.map((u: { id: string }) => u.id)).toEqual([partner.userId]);
      const before = Date.now();
      const member = await as(w.manager).post(`/v1/structures/${w.copyCircleId}/members`, { userId: partner.userId }).expect(201);
      expect(member.body).toMatchObject({ userId: partner.userId, companyId: partner.companyId, companyName: 'Sous-traitant SA', subcontractor: true });
      const listed = await as(w.manager).get(`/v1/structures/${w.copyCircleId}/members`).expect(200);
      expect(listed.body.find((m: { userId: string }) => m.userId === partner.userId)).toMatchObject({ companyName: 'Sous-traitant SA' });
      expect(new Date(member.body.joinedAt).getTime()).toBeGreaterThanOrEqual(before - 1_000);
      await as(w.manager).post(`/v1/structures/${w.copyCircleId}/members`, { userId: partner.userId }).expect(409);

      await as(partnerManager).post(`/v1/subcontracting/links/${link.body.id}/end`).expect(200);
      const links = await as(w.manager).get('/v1/subcontracting/links').expect(200);
      expect(links.body.find((l: { id: string }) => l.id === link.body.id)).toMatchObject({ status: 'ended', endedBy: partner.userId });
      const members = await as(w.manager).get(`/v1/structures/${w.copyCircleId}/members`).expect(200);
      expect(members.body.map((m: { userId: string }) => m.userId)).not.toContain(partner.userId);
      expect((await as(w.manager).get('/v1/subcontracting/collaborators').expect(200)).body).toEqual([]);
    });

    it('audits a link in both companies; its end lists the members it removed', async () => {
      const partner = await aCompany(env.api.app, 'Partenaire audité');
      const partnerManager = `Bearer ${partner.token}`;
      const link = await as(w.manager).post('/v1/subcontracting/links', { partnerCompanyId: partner.companyId }).expect(201);
      await as(partnerManager).post(`/v1/subcontracting/links/${link.body.id}/accept`).expect(200);
      await as(w.manager).post(`/v1/structures/${w.structureId}/members`, { userId: partner.userId }).expect(201);
      const structure = await as(partnerManager).post('/v1/structures', { name: 'Équipe partenaire' }).expect(201);
      await as(partnerManager).post(`/v1/structures/${structure.body.id}/members`, { userId: w.operatorId }).expect(201);
      await as(w.manager).post(`/v1/subcontracting/links/${link.body.id}/end`).expect(200);

      const trail = async (token: string) =>
        (await as(token).get(`/v1/audit?targetType=subcontracting-link&targetId=${link.body.id}`).expect(200)).body.items as {
          action: string;
          actorId: string;
          after: Record<string, unknown>;
        }[];
      for (const [token, ownStructure, partnerUser, ownUser] of [
        [w.manager, w.structureId, partner.userId, w.operatorId],
        [partnerManager, structure.body.id, w.operatorId, partner.userId],
      ]) {
        const entries = await trail(token);
        expect(entries.map((e) => e.action)).toEqual(['subcontracting-link.request', 'subcontracting-link.accept', 'subcontracting-link.end']);
        expect(entries.map((e) => e.actorId)).toEqual([w.managerId, partner.userId, w.managerId]);
        expect(entries[2].after).toMatchObject({
          status: 'ended',
          removedMembers: [{ structureId: ownStructure, userId: partnerUser }],
          ownCollaboratorsRemoved: [ownUser],
        });
      }
      await as(w.manager).post(`/v1/subcontracting/links/${link.body.id}/end`).expect(200);
      expect(await trail(w.manager)).toHaveLength(3);
      expect((await as(w.manager).post(`/v1/subcontracting/links/${link.body.id}/accept`).expect(403)).body.code).toBe('permission_denied');
      expect((await as(partnerManager).post(`/v1/subcontracting/links/${link.body.id}/accept`).expect(409)).body.code).toBe('conflict');
    });

    it('lets only one of two crossing requests open a link', async () => {
      for (const round of [1, 2, 3]) {
        const partner = await aCompany(env.api.app, `Croisement ${round}`);
        const [mine, theirs] = await Promise.all([
          as(w.manager).post('/v1/subcontracting/links', { partnerCompanyId: partner.companyId }),
          as(`Bearer ${partner.token}`).post('/v1/subcontracting/links', { partnerCompanyId: w.companyId }),
        ]);
        expect([mine.status, theirs.status].sort()).toEqual([201, 409]);
        const links = await as(`Bearer ${partner.token}`).get('/v1/subcontracting/links').expect(200);
        expect(links.body.filter((l: { status: string }) => l.status !== 'ended')).toHaveLength(1);
      }
    });

    it('never leaves a member behind when the link ends while the member is being added', async () => {
      for (const round of [1, 2, 3, 4, 5]) {
        const partner = await aCompany(env.api.app, `Course ${round}`);
        const link = await as(w.manager).post('/v1/subcontracting/links', { partnerCompanyId: partner.companyId }).expect(201);
        await as(`Bearer ${partner.token}`).post(`/v1/subcontracting/links/${link.body.id}/accept`).expect(200);
        const [added, ended] = await Promise.all([
          as(w.manager).post(`/v1/structures/${w.structureId}/members`, { userId: partner.userId }),
          as(`Bearer ${partner.token}`).post(`/v1/subcontracting/links/${link.body.id}/end`),
        ]);
        expect(ended.status).toBe(200);
        expect([201, 403]).toContain(added.status);
        const members = await as(w.manager).get(`/v1/structures/${w.structureId}/members`).expect(200);
        expect(members.body.map((m: { userId: string }) => m.userId)).not.toContain(partner.userId);
      }
    });

    it('refuses a link with oneself or a second open link', async () => {
      await as(w.manager).post('/v1/subcontracting/links', { partnerCompanyId: w.companyId }).expect(400);
      const other = await aCompany(env.api.app);
      await as(w.manager).post('/v1/subcontracting/links', { partnerCompanyId: other.companyId }).expect(201);
      await as(`Bearer ${other.token}`).post('/v1/subcontracting/links', { partnerCompanyId: w.companyId }).expect(409);
    });
  });

  describe('account defaults, snippets, banner', () => {
    it('lets an account override the company defaults, and reset an override with null', async () => {
      await as(w.manager).patch('/v1/settings/company', { defaultChannels: ['email', 'sms'], messageInfo: 'Permanence 24/7' }).expect(200);
      const own = await as(w.operator).patch('/v1/settings/me', { defaultChannels: ['fax'] }).expect(200);
      expect(own.body.effective).toEqual({ defaultChannels: ['fax'], defaultMessageTemplateId: null, messageInfo: 'Permanence 24/7', replyAlerts: true, discussionAlerts: true });
      const reset = await as(w.operator).patch('/v1/settings/me', { defaultChannels: null }).expect(200);
      expect(reset.body.effective.defaultChannels).toEqual(['email', 'sms']);
      await as(w.operator).patch('/v1/settings/company', { messageInfo: 'x' }).expect(403);
      await as(w.manager).patch('/v1/settings/company', { defaultChannels: ['pigeon'] }).expect(400);
    });

    it('accepts only the company’s own message templates as defaults (404 otherwise)', async () => {
      const stranger = await aCompany(env.api.app, 'Autre permanence');
      const foreign = await as(`Bearer ${stranger.token}`)
        .post('/v1/message-templates', { name: 'Étranger', subject: 'x', body: 'y' })
        .expect(201);
      const unknown = '01a209b7-0000-7000-8000-0000000000aa';
      for (const path of ['/v1/settings/company', '/v1/settings/me', `/v1/users/${w.operatorId}/settings`]) {
        for (const id of [unknown, foreign.body.id]) {
          const refused = await as(w.manager).patch(path, { defaultMessageTemplateId: id }).expect(404);
          expect(refused.body).toMatchObject({ code: 'not_found', message: expect.stringContaining('Message template') });
        }
      }
      await as(w.manager).patch('/v1/settings/me', { defaultMessageTemplateId: 'not-a-uuid' }).expect(400);
      const own = await as(w.manager).patch('/v1/settings/company', { defaultMessageTemplateId: w.messageTemplateId }).expect(200);
      expect(own.body.company.defaultMessageTemplateId).toBe(w.messageTemplateId);
      const mine = await as(w.operator).patch('/v1/settings/me', { defaultMessageTemplateId: null }).expect(200);
      expect(mine.body.effective.defaultMessageTemplateId).toBe(w.messageTemplateId);
      await as(w.manager).patch('/v1/settings/company', { defaultMessageTemplateId: null }).expect(200);
    });

    it('lets an administrator read and set another account’s defaults, audited', async () => {
      const set = await as(w.manager)
        .patch(`/v1/users/${w.operatorId}/settings`, { messageInfo: 'Poste de nuit', defaultMessageTemplateId: w.messageTemplateId })
        .expect(200);
      expect(set.body.user).toMatchObject({ messageInfo: 'Poste de nuit', defaultMessageTemplateId: w.messageTemplateId });
      const seenByOperator = await as(w.operator).get('/v1/settings').expect(200);
      expect(seenByOperator.body.effective).toMatchObject({ messageInfo: 'Poste de nuit', defaultMessageTemplateId: w.messageTemplateId });
      const seenByAdmin = await as(w.manager).get(`/v1/users/${w.operatorId}/settings`).expect(200);
      expect(seenByAdmin.body).toEqual(seenByOperator.body);
      const managerOwn = await as(w.manager).get('/v1/settings').expect(200);
      expect(managerOwn.body.user.messageInfo).not.toBe('Poste de nuit');

      const audit = await as(w.manager).get(`/v1/audit?action=user-settings.update&targetId=${w.operatorId}`).expect(200);
      expect(audit.body.items).toEqual([
        expect.objectContaining({
          actorId: w.managerId,
          targetType: 'user-settings',
          before: expect.objectContaining({ messageInfo: null }),
          after: expect.objectContaining({ messageInfo: 'Poste de nuit', defaultMessageTemplateId: w.messageTemplateId }),
        }),
      ]);

      const refused = await as(w.operator).get(`/v1/users/${w.managerId}/settings`).expect(403);
      expect(refused.body.details).toEqual({ permission: 'settings.manage' });
      await as(w.operator).patch(`/v1/users/${w.operatorId}/settings`, { messageInfo: 'x' }).expect(403);
      await as(w.manager).get('/v1/users/01a209b7-0000-7000-8000-0000000000bb/settings').expect(404);
      await as(w.manager).patch(`/v1/users/${w.operatorId}/settings`, { colour: 'blue' }).expect(400);
      await as(w.manager).patch(`/v1/users/${w.operatorId}/settings`, { messageInfo: null, defaultMessageTemplateId: null }).expect(200);
    });

    it('shows the banner to its audience only', async () => {
      await as(w.manager).put('/v1/banner', { text: 'Fermeture exceptionnelle le 25/12', audience: 'clients' }).expect(200);
      expect((await as(w.clientAccount).get('/v1/banner').expect(200)).body.text).toBe('Fermeture exceptionnelle le 25/12');
      expect((await as(w.operator).get('/v1/banner').expect(200)).body.text).toBeNull();
      await as(w.manager).put('/v1/banner', { text: 'Réunion lundi', audience: 'collaborators' }).expect(200);
      expect((await as(w.operator).get('/v1/banner').expect(200)).body.text).toBe('Réunion lundi');
      expect((await as(w.clientAccount).get('/v1/banner').expect(200)).body.text).toBeNull();
    });

    it('manages saved phrases', async () => {
      const created = await as(w.manager).post('/v1/snippets', { title: 'Absent', text: 'Le docteur est absent ce jour.' }).expect(201);
      await as(w.manager).patch(`/v1/snippets/${created.body.id}`, { text: 'Le docteur est absent.' }).expect(200);
      const list = await as(w.operator).get('/v1/snippets').expect(200);
      expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Absent', text: 'Le docteur est absent.' })]));
      await as(w.operator).del(`/v1/snippets/${created.body.id}`).expect(403);
      await as(w.manager).del(`/v1/snippets/${created.body.id}`).expect(204);
      await as(w.manager).del(`/v1/snippets/${created.body.id}`).expect(404);
    });
  });

  describe('audit', () => {
    it('records who changed what, with before and after, filterable, for managers only', async () => {
      await as(w.manager).patch(`/v1/clients/${w.otherClientId}`, { city: 'Villeurbanne' }).expect(200);
      const page = await as(w.manager).get(`/v1/audit?targetType=client&targetId=${w.otherClientId}`).expect(200);
      const update = page.body.items.find((entry: { action: string }) => entry.action === 'client.update');
      expect(update).toMatchObject({
        actorId: w.managerId,
        before: expect.objectContaining({ city: null }),
        after: expect.objectContaining({ city: 'Villeurbanne' }),
      });
      const all = await as(w.manager).get('/v1/audit?limit=200').expect(200);
      const actions = new Set(all.body.items.map((entry: { action: string }) => entry.action));
      for (const action of ['company.bootstrap', 'user.create', 'token.create', 'rights-template.create', 'structure.create', 'snippet.create', 'banner.update']) {
        expect(actions).toContain(action);
      }
      await as(w.operator).get('/v1/audit').expect(403);
      await as(w.manager).get('/v1/audit?from=yesterday').expect(400);
    });

    it('filters by actor, by action and by period [from, to)', async () => {
      const second = await as(w.manager)
        .post('/v1/users', { rightsTemplateId: w.templates.Manager, firstName: 'Anne', lastName: 'Audit', email: 'anne.audit@example.test' })
        .expect(201);
      const token = `Bearer ${(await as(w.manager).post(`/v1/users/${second.body.id}/tokens`, { name: 'audit' }).expect(201)).body.token}`;
      const from = new Date();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const snippet = await as(token).post('/v1/snippets', { title: 'Par Anne', text: 'Phrase d’Anne' }).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const to = new Date();

      const byActor = await as(w.manager).get(`/v1/audit?actorId=${second.body.id}`).expect(200);
      expect(byActor.body.items.map((e: { action: string; targetId: string }) => [e.action, e.targetId])).toEqual([['snippet.create', snippet.body.id]]);
      const byManager = await as(w.manager).get(`/v1/audit?actorId=${w.managerId}&limit=200`).expect(200);
      expect(byManager.body.items.length).toBeGreaterThan(3);
      expect(byManager.body.items.every((e: { actorId: string }) => e.actorId === w.managerId)).toBe(true);

      const byAction = await as(w.manager).get('/v1/audit?action=snippet.create&limit=200').expect(200);
      expect(byAction.body.items.length).toBeGreaterThanOrEqual(2);
      expect(new Set(byAction.body.items.map((e: { action: string }) => e.action))).toEqual(new Set(['snippet.create']));

      const period = await as(w.manager).get(`/v1/audit?from=${from.toISOString()}&to=${to.toISOString()}`).expect(200);
      expect(period.body.items.map((e: { targetId: string }) => e.targetId)).toEqual([snippet.body.id]);
      const before = await as(w.manager).get(`/v1/audit?to=${from.toISOString()}&limit=200`).expect(200);
      expect(before.body.items.map((e: { targetId: string }) => e.targetId)).not.toContain(snippet.body.id);
      expect(before.body.items.map((e: { action: string }) => e.action)).toContain('company.bootstrap');
      const after = await as(w.manager).get(`/v1/audit?from=${to.toISOString()}`).expect(200);
      expect(after.body.items).toEqual([]);
      const combined = await as(w.manager).get(`/v1/audit?actorId=${w.managerId}&from=${from.toISOString()}&to=${to.toISOString()}`).expect(200);
      expect(combined.body.items).toEqual([]);
      await as(w.manager).get('/v1/audit?actorId=not-a-uuid').expect(400);
    });

    it('pages with a cursor', async () => {
      const first = await as(w.manager).get('/v1/audit?limit=2').expect(200);
      expect(first.body.items).toHaveLength(2);
      const second = await as(w.manager).get(`/v1/audit?limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body.items[0].id > first.body.items[1].id).toBe(true);
    });
  });
});
