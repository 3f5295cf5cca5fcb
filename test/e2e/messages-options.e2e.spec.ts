import { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { OutboxCopy } from '../../src/conversations/conversation.entity.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';
import { useTwilioEndpoint } from '../harness/use-twilio-endpoint.js';

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('messages: copies, templates, tasks, VAD edits, CC and client-side rules', () => {
  // Twilio confirms the SMS number registered below.
  const twilio = useTwilioEndpoint({ accounts: { [`AC${'0'.repeat(32)}`]: 'a-test-auth-token-0000' }, owned: { [`AC${'0'.repeat(32)}`]: ['+33756781234'] } });
  const env = useTestApi(twilio.configure);
  let w: CompanyWorld;
  let secretary: string;
  let secretaryId: string;
  const as = (token: string) => callerOf(env.api.http)(token);
  const compose = (token: string, body: object, clientId = w.clientId) => as(token).post(`/v1/clients/${clientId}/messages`, body);
  const em = () => env.api.app.get(EntityManager).fork();
  const copies = async ({ messageId, replyId }: { messageId?: string; replyId?: string | null }) =>
    (await em().find(OutboxCopy, { ...(messageId ? { conversationId: messageId } : {}), ...(replyId !== undefined ? { entryId: replyId } : {}) }, { orderBy: { id: 'asc' } })).map((c) => `${c.recipientType}:${c.recipientUserId ?? ''}:${c.channel}`).sort();

  async function account(rightsTemplateId: string, extra: object = {}): Promise<{ id: string; token: string }> {
    const email = `${Math.random().toString(36).slice(2, 10)}@example.test`;
    const user = await as(w.manager).post('/v1/users', { rightsTemplateId, firstName: 'Sarah', lastName: 'Sec', email, ...extra }).expect(201);
    const token = await as(w.manager).post(`/v1/users/${user.body.id}/tokens`, { name: 't' }).expect(201);
    return { id: user.body.id, token: `Bearer ${token.body.token}` };
  }

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
    // Copies asked for explicitly need the company's senders (else 422 at compose).
    await as(w.manager).put('/v1/channels/email-sender', { address: 'accueil@permanence.test', name: 'Permanence' }).expect(200);
    await as(w.manager).post('/v1/channels/sms-numbers', { phoneNumber: '+33756781234', accountSid: `AC${'0'.repeat(32)}`, authToken: 'a-test-auth-token-0000' }).expect(201);
    await as(w.manager).put('/v1/channels/fax', { addressPattern: '{number}@fax.test' }).expect(200);
    const created = await account(w.templates.Secretary, { clientId: w.clientId });
    secretary = created.token;
    secretaryId = created.id;
  });

  describe('copies in the outbox', () => {
    it('records a reply’s copies for the client and each CC on each channel; a client’s reply records none', async () => {
      const created = await compose(w.operator, { body: 'Premier', cc: [w.managerId], copies: [] }).expect(201);
      expect(await copies({ messageId: created.body.id })).toEqual([]);
      const reply = await as(w.operator).post(`/v1/messages/${created.body.id}/replies`, { body: 'Suite', copies: ['email', 'sms'] }).expect(201);
      const replyId = reply.body.replies[0].id as string;
      expect(await copies({ replyId })).toEqual(['client::email', 'client::sms', `user:${w.managerId}:email`, `user:${w.managerId}:sms`]);
      await as(w.clientAccount).post(`/v1/messages/${created.body.id}/replies`, { body: 'Merci', copies: ['email'] }).expect(201);
      expect(await copies({ messageId: created.body.id })).toHaveLength(4);
    });

    it('takes the account’s own default copies over the company’s', async () => {
      await as(w.manager).patch('/v1/settings/company', { defaultChannels: ['email'] }).expect(200);
      await as(w.operator).patch('/v1/settings/me', { defaultChannels: ['sms', 'fax'] }).expect(200);
      const byOperator = await compose(w.operator, { body: 'Copies de l’opérateur' }).expect(201);
      const byManager = await compose(w.manager, { body: 'Copies du gérant' }).expect(201);
      expect(await copies({ messageId: byOperator.body.id })).toEqual(['client::fax', 'client::sms']);
      expect(await copies({ messageId: byManager.body.id })).toEqual(['client::email']);
      await as(w.operator).patch('/v1/settings/me', { defaultChannels: null }).expect(200);
    });

    it('copies a “copy company circle” message to the circle’s members, never a private one', async () => {
      await as(w.manager).post(`/v1/structures/${w.copyCircleId}/members`, { userId: w.managerId }).expect(201);
      const shared = await compose(w.operator, { body: 'Pour le cercle', copyCircle: true, copies: ['email'] }).expect(201);
      expect(await copies({ messageId: shared.body.id })).toEqual(['client::email', `user:${w.managerId}:email`]);
      const both = await compose(w.operator, { body: 'CC et cercle', copyCircle: true, cc: [w.managerId], copies: ['sms'] }).expect(201);
      expect(await copies({ messageId: both.body.id })).toEqual(['client::sms', `user:${w.managerId}:sms`]);
      const hidden = await compose(w.operator, { body: 'Privé', copyCircle: true, private: true, copies: ['email'] }).expect(201);
      expect(hidden.body.copyCircle).toBe(false);
      expect(await copies({ messageId: hidden.body.id })).toEqual(['client::email']);
    });
  });

  describe('client and secretary accounts', () => {
    it('lets a secretary send a message and a remark (no copies); the remark reaches managers only', async () => {
      const message = await compose(secretary, { body: 'Le docteur sera absent lundi.' }).expect(201);
      expect(message.body).toMatchObject({ kind: 'message', authorId: secretaryId });
      const remark = await compose(secretary, { body: 'Merci pour votre réactivité.', remark: true }).expect(201);
      expect(remark.body.kind).toBe('remark');
      expect(await copies({ messageId: message.body.id })).toEqual([]);
      expect(await copies({ messageId: remark.body.id })).toEqual([]);
      const remarks = await as(w.manager).get('/v1/remarks?limit=200').expect(200);
      expect(remarks.body.items.map((m: { id: string }) => m.id)).toContain(remark.body.id);
      await as(w.operator).get(`/v1/messages/${remark.body.id}`).expect(404);
      await as(w.operator).get(`/v1/messages/${message.body.id}`).expect(200);
    });

    it('refuses a private message from a client account (it goes to the whole team)', async () => {
      const refused = await compose(w.clientAccount, { body: 'Secret', private: true }).expect(422);
      expect(refused.body).toMatchObject({ code: 'unprocessable', details: { field: 'private' } });
      await compose(secretary, { body: 'Secret', private: true }).expect(422);
    });

    it('limits CC to the company’s collaborators and this file’s accounts', async () => {
      const otherClientAccount = await account(w.templates.Client, { clientId: w.otherClientId });
      expect((await compose(w.operator, { body: 'x', cc: [otherClientAccount.id] }).expect(422)).body.code).toBe('invalid_cc');
      expect((await compose(w.operator, { body: 'x', cc: [w.managerId, otherClientAccount.id] }).expect(422)).body.code).toBe('invalid_cc');
      const ok = await compose(w.operator, { body: 'x', cc: [secretaryId, w.managerId] }).expect(201);
      expect(ok.body.cc.sort()).toEqual([secretaryId, w.managerId].sort());
    });

    it('lists remarks by their Paris date, excluding other dates', async () => {
      const late = await compose(w.clientAccount, { body: 'Remarque tard le soir', remark: true }).expect(201);
      const today = await compose(w.clientAccount, { body: 'Remarque du jour', remark: true }).expect(201);
      // 23:30 UTC on 1 March is 00:30 on 2 March in Paris.
      await em().getConnection().execute(`update message set created_at = '2026-03-01T23:30:00Z' where id = ?`, [late.body.id]);
      const on = async (date: string) => (await as(w.manager).get(`/v1/remarks?limit=200&date=${date}`).expect(200)).body.items.map((m: { id: string }) => m.id);
      expect(await on('2026-03-02')).toEqual([late.body.id]);
      expect(await on('2026-03-01')).toEqual([]);
      const parisToday = PARIS_DAY.format(new Date());
      expect(await on(parisToday)).toContain(today.body.id);
      expect(await on(parisToday)).not.toContain(late.body.id);
    });
  });

  describe('message templates', () => {
    it('reads, updates and deletes a template; supervisors manage them, operators do not', async () => {
      const supervisor = await account(w.templates.Supervisor);
      const created = await as(supervisor.token).post('/v1/message-templates', { name: 'Absence', subject: 'Absent', body: 'Le cabinet est fermé.' }).expect(201);
      expect((await as(w.operator).get(`/v1/message-templates/${created.body.id}`).expect(200)).body).toMatchObject({ name: 'Absence', default: false });
      await as(supervisor.token).patch(`/v1/message-templates/${created.body.id}`, { body: 'Le cabinet est fermé aujourd’hui.' }).expect(200);
      await as(w.operator).patch(`/v1/message-templates/${created.body.id}`, { body: 'x' }).expect(403);
      await as(w.operator).del(`/v1/message-templates/${created.body.id}`).expect(403);
      await as(supervisor.token).del(`/v1/message-templates/${created.body.id}`).expect(204);
      await as(w.operator).get(`/v1/message-templates/${created.body.id}`).expect(404);
      await as(supervisor.token).del(`/v1/message-templates/${created.body.id}`).expect(404);
    });

    it('keeps one default per company, used when neither the request nor the account’s settings give the text', async () => {
      const first = await as(w.manager).post('/v1/message-templates', { name: 'D1', subject: 'Défaut 1', body: 'Texte 1', default: true }).expect(201);
      const second = await as(w.manager).post('/v1/message-templates', { name: 'D2', subject: 'Défaut 2', body: 'Texte 2', default: true }).expect(201);
      const isDefault = async (id: string) => (await as(w.manager).get(`/v1/message-templates/${id}`).expect(200)).body.default as boolean;
      expect([await isDefault(first.body.id), await isDefault(second.body.id)]).toEqual([false, true]);
      expect((await compose(w.operator, {}).expect(201)).body).toMatchObject({ subject: 'Défaut 2', body: 'Texte 2' });

      await as(w.manager).patch(`/v1/message-templates/${first.body.id}`, { default: true }).expect(200);
      expect([await isDefault(first.body.id), await isDefault(second.body.id)]).toEqual([true, false]);
      expect((await compose(w.operator, {}).expect(201)).body.subject).toBe('Défaut 1');

      // The account's own default (settings) comes first; the request's text comes before both.
      await as(w.operator).patch('/v1/settings/me', { defaultMessageTemplateId: w.messageTemplateId }).expect(200);
      expect((await compose(w.operator, {}).expect(201)).body.subject).toBe('Merci de rappeler');
      expect((await compose(w.operator, { body: 'Mon texte' }).expect(201)).body).toMatchObject({ subject: '', body: 'Mon texte' });
      await as(w.operator).patch('/v1/settings/me', { defaultMessageTemplateId: null }).expect(200);
      await as(w.manager).patch(`/v1/message-templates/${first.body.id}`, { default: false }).expect(200);
      expect((await compose(w.operator, {}).expect(422)).body.code).toBe('body_required');
    });

    it('lets the request’s own subject and body win over a named template (the edited text), keeping its instruction', async () => {
      const template = await as(w.manager)
        .post('/v1/message-templates', { name: 'Consigne', subject: 'Sujet du modèle', body: 'Corps du modèle', instruction: 'Post-it jaune' })
        .expect(201);
      const edited = await compose(w.operator, { templateId: template.body.id, subject: 'Sujet modifié', body: 'Corps modifié' }).expect(201);
      expect(edited.body).toMatchObject({ subject: 'Sujet modifié', body: 'Corps modifié', instruction: 'Post-it jaune' });
      const filled = await compose(w.operator, { templateId: template.body.id }).expect(201);
      expect(filled.body).toMatchObject({ subject: 'Sujet du modèle', body: 'Corps du modèle', instruction: 'Post-it jaune' });
    });
  });

  describe('tasks', () => {
    it('reopens a done task, and refuses to reopen one still to do', async () => {
      const created = await compose(w.operator, { body: 'À rouvrir', task: true }).expect(201);
      await as(w.operator).put(`/v1/messages/${created.body.id}/task`, { action: 'done' }).expect(200);
      const reopened = await as(w.manager).put(`/v1/messages/${created.body.id}/task`, { action: 'reopen' }).expect(200);
      expect(reopened.body.task).toMatchObject({ state: 'todo', doneBy: null, doneAt: null, doneLabel: null });
      expect(reopened.body.history.map((h: { type: string }) => h.type)).toEqual(['created', 'task.done', 'task.reopened']);
      expect((await as(w.manager).put(`/v1/messages/${created.body.id}/task`, { action: 'reopen' }).expect(409)).body.code).toBe('conflict');
    });

    it('sets a message as a day task with PUT …/task and a dueDate', async () => {
      const created = await compose(w.operator, { body: 'Plus tard' }).expect(201);
      const set = await as(w.operator).put(`/v1/messages/${created.body.id}/task`, { action: 'set', dueDate: '2027-01-15' }).expect(200);
      expect(set.body.task).toMatchObject({ state: 'todo', dueDate: '2027-01-15' });
      const counts = await as(w.operator).get('/v1/tasks/day-counts?from=2027-01-15&to=2027-01-15').expect(200);
      expect(counts.body).toEqual([{ date: '2027-01-15', count: 1 }]);
      expect((await as(w.operator).get('/v1/tasks/day-counts?from=2027-01-16&to=2027-01-15').expect(422)).body.code).toBe('unprocessable');
    });

    it('replies and sets a done task back to do, as a day task, clearing who did it', async () => {
      const created = await compose(w.operator, { body: 'Fait puis repris', task: true }).expect(201);
      await as(w.operator).put(`/v1/messages/${created.body.id}/task`, { action: 'done' }).expect(200);
      const replied = await as(w.manager).post(`/v1/messages/${created.body.id}/replies`, { body: 'À refaire le 20', setTask: true, dueDate: '2027-01-20' }).expect(201);
      expect(replied.body.task).toEqual({ state: 'todo', dueDate: '2027-01-20', doneBy: null, doneAt: null, doneLabel: null });
      expect(replied.body.history.map((h: { type: string }) => h.type)).toEqual(['created', 'task.done', 'replied', 'task.set']);
      const dueOnly = await as(w.manager).post(`/v1/messages/${created.body.id}/replies`, { body: 'x', dueDate: '2027-01-21' }).expect(422);
      expect(dueOnly.body.code).toBe('unprocessable');
    });

    it.each([
      ['compose', () => compose(w.operator, { body: 'x', dueDate: 20261224 })],
      ['compose day task with a null date', () => compose(w.operator, { body: 'x', dayTask: true, dueDate: null })],
      ['task set', () => as(w.operator).put(`/v1/messages/${w.messageId}/task`, { action: 'set', dueDate: 20261224 })],
      ['reply + set as task', () => as(w.operator).post(`/v1/messages/${w.messageId}/replies`, { body: 'x', setTask: true, dueDate: ['2026-12-24'] })],
    ])('answers a non-string or missing dueDate with 422 (%s)', async (_, call) => {
      const response = await call().expect(422);
      expect(['invalid_due_date', 'due_date_required']).toContain(response.body.code);
    });
  });

  describe('editing a VAD', () => {
    it('edits the address and planned date on the message only, keeps a history, and refuses urgent', async () => {
      const created = await compose(w.operator, { body: 'Visite', vad: true, vadPlannedAt: '2026-12-02T09:00:00Z', contactId: w.contactId }).expect(201);
      const edited = await as(w.operator).patch(`/v1/messages/${created.body.id}`, { vadStreet: '5 rue Neuve', vadCity: 'Villeurbanne', vadPlannedAt: '2026-12-03T14:00:00Z' }).expect(200);
      expect(edited.body.vad).toMatchObject({ street: '5 rue Neuve', city: 'Villeurbanne', plannedAt: '2026-12-03T14:00:00.000Z' });
      expect(edited.body.history.at(-1)).toMatchObject({ type: 'vad.updated', details: { before: { vadCity: 'Lyon' }, after: { vadCity: 'Villeurbanne' } } });
      const contacts = await as(w.manager).get(`/v1/clients/${w.clientId}/contacts`).expect(200);
      expect(contacts.body.find((c: { id: string }) => c.id === w.contactId)).toMatchObject({ street: null, city: 'Lyon' });

      expect((await as(w.operator).patch(`/v1/messages/${created.body.id}`, { urgent: true }).expect(422)).body.code).toBe('urgent_only_at_creation');
      expect((await as(w.operator).patch(`/v1/messages/${created.body.id}`, {}).expect(422)).body.code).toBe('unprocessable');
      await as(w.operator).patch(`/v1/messages/${created.body.id}`, { vadPlannedAt: 'demain' }).expect(400);
      expect((await as(w.operator).patch(`/v1/messages/${w.messageId}`, { vadCity: 'Lyon' }).expect(409)).body.code).toBe('conflict');
      await as(w.operator).patch('/v1/messages/01a209b7-0000-7000-8000-000000000000', { urgent: true }).expect(404);
      await as(w.clientAccount).patch(`/v1/messages/${created.body.id}`, { vadCity: 'Lyon' }).expect(403);
    });
  });
});
