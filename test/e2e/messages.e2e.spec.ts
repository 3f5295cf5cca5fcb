import { EntityManager } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { OutboxCopy } from '../../src/conversations/conversation.entity.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';
import { useTwilioEndpoint } from '../harness/use-twilio-endpoint.js';

describe('messages: compose, threads, tasks, VAD, views', () => {
  // Twilio confirms the SMS number registered below.
  const twilio = useTwilioEndpoint({ accounts: { [`AC${'0'.repeat(32)}`]: 'a-test-auth-token-0000' }, owned: { [`AC${'0'.repeat(32)}`]: ['+33756781234'] } });
  const env = useTestApi(twilio.configure);
  let w: CompanyWorld;
  const as = (token: string) => callerOf(env.api.http)(token);
  const compose = (token: string, body: object, clientId = w.clientId) => as(token).post(`/v1/clients/${clientId}/messages`, body);
  const outbox = (messageId: string) => env.api.app.get(EntityManager).fork().find(OutboxCopy, { conversationId: messageId }, { orderBy: { id: 'asc' } });

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
    // Copies asked for explicitly need the company's senders (else 422 at compose).
    await as(w.manager).put('/v1/channels/email-sender', { address: 'accueil@permanence.test', name: 'Permanence' }).expect(200);
    await as(w.manager).post('/v1/channels/sms-numbers', { phoneNumber: '+33756781234', accountSid: `AC${'0'.repeat(32)}`, authToken: 'a-test-auth-token-0000' }).expect(201);
    await as(w.manager).put('/v1/channels/fax', { addressPattern: '{number}@fax.test' }).expect(200);
  });

  describe('compose', () => {
    it('takes every option and records the copies to send in the outbox', async () => {
      const created = await compose(w.operator, {
        subject: 'Appel de Mme Petit',
        body: 'Souhaite un rendez-vous, rappeler avant midi.',
        cc: [w.managerId],
        contactId: w.contactId,
        task: true,
        urgent: true,
        copyCircle: true,
        copies: ['email', 'sms'],
      }).expect(201);
      expect(created.body).toMatchObject({
        clientId: w.clientId,
        kind: 'message',
        contactId: w.contactId,
        cc: [w.managerId],
        urgent: true,
        private: false,
        copyCircle: true,
        task: { state: 'todo', dueDate: null },
        unread: false,
        replies: [],
        history: [expect.objectContaining({ type: 'created' })],
      });
      const copies = await outbox(created.body.id);
      expect(copies.map((c) => `${c.recipientType}:${c.recipientUserId ?? ''}:${c.channel}`).sort()).toEqual(
        [`client::email`, `client::sms`, `user:${w.managerId}:email`, `user:${w.managerId}:sms`].sort(),
      );
    });

    it('answers with the thread exactly as reading it back shows it, for the author and for a CC recipient', async () => {
      const created = await compose(w.operator, {
        subject: 'Visite à prévoir',
        body: 'Fuite sous l’évier.',
        cc: [w.managerId],
        contactId: w.contactId,
        dueDate: '2026-12-01',
        vad: true,
        vadPlannedAt: '2026-12-02T09:00:00.000Z',
      }).expect(201);
      expect((await as(w.operator).get(`/v1/messages/${created.body.id as string}`).expect(200)).body).toEqual(created.body);
      const forManager = (await as(w.manager).get(`/v1/messages/${created.body.id as string}`).expect(200)).body as Record<string, unknown>;
      expect({ ...forManager, unread: false }).toEqual(created.body);
      expect(forManager.unread).toBe(true);
    });

    it('defaults the copies from the account settings', async () => {
      await as(w.manager).patch('/v1/settings/company', { defaultChannels: ['fax'] }).expect(200);
      const created = await compose(w.operator, { body: 'Fax par défaut' }).expect(201);
      expect((await outbox(created.body.id)).map((c) => c.channel)).toEqual(['fax']);
      await as(w.manager).patch('/v1/settings/company', { defaultChannels: ['email'] }).expect(200);
    });

    it('makes a home-visit request with the contact’s address copied, editable without touching the contact', async () => {
      const created = await compose(w.operator, { body: 'Visite à prévoir', contactId: w.contactId, vad: true, vadPlannedAt: '2026-12-02T09:00:00+01:00', vadStreet: '3 rue des Lilas' }).expect(201);
      expect(created.body.vad).toMatchObject({ street: '3 rue des Lilas', city: 'Lyon', transmittedAt: null });
      const contacts = await as(w.manager).get(`/v1/clients/${w.clientId}/contacts`).expect(200);
      expect(contacts.body[0].street).toBeNull();
    });

    it('applies a template: subject, body and instruction, and its VAD flag', async () => {
      const template = await as(w.manager)
        .post('/v1/message-templates', { name: 'VAD', subject: 'Demande de visite', body: 'Merci de passer chez le patient.', instruction: 'Vérifier le code d’accès', vad: true })
        .expect(201);
      await compose(w.operator, { templateId: template.body.id }).expect(422);
      const created = await compose(w.operator, { templateId: template.body.id, vadPlannedAt: '2026-12-03T10:00:00Z', contactId: w.contactId }).expect(201);
      expect(created.body).toMatchObject({ subject: 'Demande de visite', body: 'Merci de passer chez le patient.', instruction: 'Vérifier le code d’accès', vad: { city: 'Lyon' } });
    });

    it('uses the account’s default template when no text is given', async () => {
      await as(w.operator).patch('/v1/settings/me', { defaultMessageTemplateId: w.messageTemplateId }).expect(200);
      const created = await compose(w.operator, {}).expect(201);
      expect(created.body).toMatchObject({ subject: 'Merci de rappeler', body: 'Merci de rappeler votre patient.' });
      // A default template deleted since it was chosen no longer fills anything in.
      const gone = await as(w.manager).post('/v1/message-templates', { name: 'Éphémère', subject: 'Bientôt supprimé', body: 'Texte' }).expect(201);
      await as(w.operator).patch('/v1/settings/me', { defaultMessageTemplateId: gone.body.id }).expect(200);
      await as(w.manager).del(`/v1/message-templates/${gone.body.id}`).expect(204);
      expect((await compose(w.operator, {}).expect(422)).body.code).toBe('body_required');
      await compose(w.operator, { templateId: '01a209b7-0000-7000-8000-000000000000' }).expect(404);
      await as(w.operator).patch('/v1/settings/me', { defaultMessageTemplateId: null }).expect(200);
    });

    it.each([
      ['an empty body', { body: '   ' }, 422, 'body_required'],
      ['a body over the limit', { body: 'x'.repeat(20_001) }, 413, 'body_too_large'],
      ['a day task without its date', { body: 'x', dayTask: true }, 422, 'due_date_required'],
      ['a malformed date', { body: 'x', dueDate: '2026-02-30' }, 422, 'invalid_due_date'],
      ['a VAD without planned date', { body: 'x', vad: true }, 422, 'vad_planned_date_required'],
      ['a remark by a collaborator', { body: 'x', remark: true }, 403, 'remark_clients_only'],
      ['a CC outside the company', { body: 'x', cc: ['01a209b7-0000-7000-8000-000000000000'] }, 422, 'invalid_cc'],
    ])('refuses %s', async (_, body, status, code) => {
      expect((await compose(w.operator, body).expect(status)).body.code).toBe(code);
    });

    it('refuses a contact of another client (422) and an unknown client (404)', async () => {
      const other = await as(w.manager).post(`/v1/clients/${w.otherClientId}/contacts`, { name: 'M. Leroy' }).expect(201);
      expect((await compose(w.operator, { body: 'x', contactId: other.body.id }).expect(422)).body.code).toBe('contact_not_of_client');
      await compose(w.operator, { body: 'x' }, '01a209b7-0000-7000-8000-000000000000').expect(404);
    });

    it('makes a day task with its date, counted per day', async () => {
      await compose(w.operator, { body: 'Rappeler le 24', dueDate: '2026-12-24' }).expect(201);
      await compose(w.operator, { body: 'Rappeler aussi le 24', dueDate: '2026-12-24', dayTask: true }).expect(201);
      await compose(w.operator, { body: 'Le 26', dueDate: '2026-12-26' }).expect(201);
      const counts = await as(w.operator).get('/v1/tasks/day-counts?from=2026-12-20&to=2026-12-31').expect(200);
      expect(counts.body).toEqual([{ date: '2026-12-24', count: 2 }, { date: '2026-12-26', count: 1 }]);
      const onDay = await as(w.operator).get('/v1/tasks?date=2026-12-26').expect(200);
      expect(onDay.body.items.map((m: { body: string }) => m.body)).toEqual(['Le 26']);
    });
  });

  describe('threads and tasks', () => {
    it('threads replies oldest first, makes the thread unread for the others, and keeps a history', async () => {
      const created = await compose(w.operator, { body: 'Premier message' }).expect(201);
      await as(w.manager).put(`/v1/messages/${created.body.id}/read`).expect(204);
      expect((await as(w.manager).get(`/v1/messages/${created.body.id}`).expect(200)).body.unread).toBe(false);
      await as(w.operator).post(`/v1/messages/${created.body.id}/replies`, { body: 'Première réponse' }).expect(201);
      const second = await as(w.manager).post(`/v1/messages/${created.body.id}/replies`, { body: 'Deuxième réponse', setTask: true }).expect(201);
      expect(second.body.replies.map((r: { body: string }) => r.body)).toEqual(['Première réponse', 'Deuxième réponse']);
      expect(second.body.task.state).toBe('todo');
      expect(second.body.history.map((h: { type: string }) => h.type)).toEqual(['created', 'replied', 'replied', 'task.set']);
      expect(second.body.unread).toBe(false);
      expect((await as(w.operator).get(`/v1/messages/${created.body.id}`).expect(200)).body.unread).toBe(true);
    });

    it('takes a task through done (with the French label) and cancel, and refuses urgent later', async () => {
      const created = await compose(w.operator, { body: 'À faire', task: true }).expect(201);
      const done = await as(w.operator).put(`/v1/messages/${created.body.id}/task`, { action: 'done' }).expect(200);
      expect(done.body.task).toMatchObject({ state: 'done', doneBy: w.operatorId });
      expect(done.body.task.doneLabel).toMatch(/^Fait par Olivier le \d{2}\/\d{2}\/\d{4}$/);
      const cancelled = await as(w.operator).put(`/v1/messages/${created.body.id}/task`, { action: 'cancel' }).expect(200);
      expect(cancelled.body.task).toMatchObject({ state: 'none', doneBy: null });
      expect(cancelled.body.history.map((h: { type: string }) => h.type)).toEqual(['created', 'task.done', 'task.cancelled']);
      const urgent = await as(w.operator).put(`/v1/messages/${created.body.id}/task`, { action: 'set', urgent: true }).expect(422);
      expect(urgent.body.code).toBe('urgent_only_at_creation');
    });

    it('filters all / read / unread / deleted, deletes and restores per account, pages with a cursor', async () => {
      const client = (await as(w.manager).post('/v1/clients', { name: 'Liste' }).expect(201)).body.id as string;
      const ids: string[] = [];
      for (const body of ['un', 'deux', 'trois']) ids.push((await compose(w.operator, { body }, client).expect(201)).body.id);
      const list = (filter: string, token = w.manager) => as(token).get(`/v1/clients/${client}/messages?filter=${filter}`).expect(200);
      expect((await list('unread')).body.items).toHaveLength(3);
      await as(w.manager).put(`/v1/messages/${ids[0]}/read`).expect(204);
      await as(w.manager).del(`/v1/messages/${ids[1]}`).expect(204);
      expect((await list('read')).body.items.map((m: { id: string }) => m.id)).toEqual([ids[0]]);
      expect((await list('unread')).body.items.map((m: { id: string }) => m.id)).toEqual([ids[2]]);
      // Seed 000 (C3): "Par défaut les messages non lus s'affichent".
      const byDefault = await as(w.manager).get(`/v1/clients/${client}/messages`).expect(200);
      expect(byDefault.body.items.map((m: { id: string }) => m.id)).toEqual([ids[2]]);
      expect((await list('deleted')).body.items.map((m: { id: string }) => m.id)).toEqual([ids[1]]);
      expect((await list('all', w.operator)).body.items).toHaveLength(3);
      await as(w.manager).post(`/v1/messages/${ids[1]}/restore`).expect(204);
      const first = await as(w.manager).get(`/v1/clients/${client}/messages?filter=all&limit=2`).expect(200);
      expect(first.body.items.map((m: { id: string }) => m.id)).toEqual([ids[2], ids[1]]);
      const next = await as(w.manager).get(`/v1/clients/${client}/messages?filter=all&limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(next.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    });

    it('follows tasks still to do, filtered by urgent and VAD', async () => {
      const client = (await as(w.manager).post('/v1/clients', { name: 'Suivi' }).expect(201)).body.id as string;
      const urgent = (await compose(w.operator, { body: 'Tâche urgente', task: true, urgent: true }, client).expect(201)).body.id;
      const vad = (await compose(w.operator, { body: 'Tâche VAD', task: true, vad: true, vadPlannedAt: '2026-12-09T08:00:00Z' }, client).expect(201)).body.id;
      const done = (await compose(w.operator, { body: 'Tâche faite', task: true }, client).expect(201)).body.id;
      await as(w.operator).put(`/v1/messages/${done}/task`, { action: 'done' }).expect(200);
      const ids = async (query: string) => (await as(w.manager).get(`/v1/tasks?limit=200${query}`).expect(200)).body.items.map((m: { id: string }) => m.id);
      const all = await ids('');
      expect(all).toEqual(expect.arrayContaining([urgent, vad]));
      expect(all).not.toContain(done);
      expect(await ids('&urgent=true')).toContain(urgent);
      expect(await ids('&urgent=true')).not.toContain(vad);
      expect(await ids('&vad=true')).toEqual(expect.arrayContaining([vad]));
      expect(await ids('&vad=true')).not.toContain(urgent);
    });

    it('lists urgent threads until the caller reads them', async () => {
      const created = await compose(w.operator, { body: 'Urgent !', urgent: true }).expect(201);
      const urgentIds = async () => (await as(w.manager).get('/v1/messages/urgent?limit=200').expect(200)).body.items.map((m: { id: string }) => m.id);
      expect(await urgentIds()).toContain(created.body.id);
      await as(w.manager).put(`/v1/messages/${created.body.id}/read`).expect(204);
      expect(await urgentIds()).not.toContain(created.body.id);
    });

    it('lists every unread thread of the company, across client files, until the caller reads it (the console’s inbox)', async () => {
      const created = await compose(w.operator, { body: 'À lire' }).expect(201);
      const unreadIds = async (token: string) => (await as(token).get('/v1/messages/unread?limit=200').expect(200)).body.items.map((m: { id: string }) => m.id);
      expect(await unreadIds(w.manager)).toContain(created.body.id);
      expect(await unreadIds(w.operator)).not.toContain(created.body.id); // its author has read it
      await as(w.manager).put(`/v1/messages/${created.body.id}/read`).expect(204);
      expect(await unreadIds(w.manager)).not.toContain(created.body.id);
    });
  });

  describe('VAD and remarks', () => {
    it('confirms a VAD as transmitted; client accounts never see the confirmation', async () => {
      const created = await compose(w.operator, { body: 'Visite', vad: true, vadPlannedAt: '2026-12-05T08:00:00Z' }).expect(201);
      const untransmitted = async () => (await as(w.operator).get('/v1/vad/untransmitted?limit=200').expect(200)).body.items.map((m: { id: string }) => m.id);
      expect(await untransmitted()).toContain(created.body.id);
      const confirmed = await as(w.operator).put(`/v1/messages/${created.body.id}/vad`, { transmitted: true }).expect(200);
      expect(confirmed.body.vad).toMatchObject({ transmittedBy: w.operatorId });
      expect(await untransmitted()).not.toContain(created.body.id);
      const seenByClient = await as(w.clientAccount).get(`/v1/messages/${created.body.id}`).expect(200);
      expect(seenByClient.body.vad).not.toHaveProperty('transmittedBy');
      expect(seenByClient.body.vad).not.toHaveProperty('transmittedAt');
      expect(seenByClient.body.history.map((h: { type: string }) => h.type)).toEqual(['created']);
      await as(w.clientAccount).put(`/v1/messages/${created.body.id}/vad`, { transmitted: false }).expect(403);
    });

    it('lets clients send remarks that only managers and supervisors read', async () => {
      const remark = await compose(w.clientAccount, { body: 'Le standard a mis du temps à répondre.', remark: true }).expect(201);
      expect(remark.body.kind).toBe('remark');
      expect(await outbox(remark.body.id)).toEqual([]);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
      const remarks = await as(w.manager).get(`/v1/remarks?date=${today}`).expect(200);
      expect(remarks.body.items.map((m: { id: string }) => m.id)).toContain(remark.body.id);
      await as(w.operator).get('/v1/remarks').expect(403);
      await as(w.operator).get(`/v1/messages/${remark.body.id}`).expect(404);
      await as(w.clientAccount).get(`/v1/messages/${remark.body.id}`).expect(200);
    });
  });

  it('manages message templates with the templates permission only', async () => {
    await as(w.operator).post('/v1/message-templates', { name: 'X', subject: 'X', body: 'X' }).expect(403);
    expect((await as(w.operator).get('/v1/message-templates').expect(200)).body.map((t: { id: string }) => t.id)).toContain(w.messageTemplateId);
    await as(w.manager).patch(`/v1/message-templates/${w.messageTemplateId}`, { instruction: 'Toujours vérifier le numéro' }).expect(200);
  });
});
