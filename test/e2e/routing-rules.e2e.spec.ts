import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Mailbox } from '../../src/channels/mailbox.entity.js';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { InboundEmailProcessor } from '../../src/inbound/email/inbound-email.processor.js';
import { InboundEmailStore } from '../../src/inbound/email/inbound-email.store.js';
import { InboundSms } from '../../src/inbound/sms/inbound-sms.entity.js';
import { InboundSmsProcessor } from '../../src/inbound/sms/inbound-sms.processor.js';
import { QuarantineService } from '../../src/inbound/quarantine/quarantine.service.js';
import { InboundRetention } from '../../src/inbound/retention/inbound-retention.js';
import { InboundRouter } from '../../src/inbound/routing/inbound-router.js';
import { aMailbox } from '../factories/mailbox.factory.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildMail, buildWithAttachment, type MailParts } from '../fixtures/mail/builder.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/**
 * Routing rules on the real database, with the email and SMS processors of the in-process API: what
 * no thread was waiting for goes by the company's rules, first match wins, and the dry run says why.
 */
describe('routing rules', () => {
  const env = useTestApi();
  let world: CompanyWorld;
  let other: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let mailbox: Mailbox;
  let uid = 0;
  const sql = <T>(query: string, params: unknown[] = []) => boundSql<T>(env.api.app.get(EntityManager).fork(), query, params);

  beforeAll(async () => {
    world = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Routage');
    other = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Voisine');
    as = callerOf(env.api.http);
    mailbox = await aMailbox(env.api.app.get(EntityManager).fork(), world.companyId, env.ctx.config.secretsKey);
  });

  /** A mail stored from the company's mailbox and processed, as the worker does; its row after. */
  const deliver = async (raw: Buffer) => {
    const [id] = await env.api.app.get(InboundEmailStore).storeBatch(mailbox, [{ uid: ++uid, uidValidity: 1n, source: raw }]);
    await env.api.app.get(InboundEmailProcessor).process(id);
    const [row] = await sql<{ id: string; status: string; outcome: string | null; conversation_id: string | null; rule_id: string | null }>(
      'select id, status, outcome, conversation_id, rule_id from inbound_email where id = ?',
      [id],
    );
    return row;
  };
  /** A fresh mail (not a reply to anything of ours) from the client file's own address. */
  const fromClient = (parts: MailParts = {}) => buildMail({ from: 'contact@durand.test', to: 'accueil@permanence.test', subject: 'Fuite sous l’évier', text: 'Bonjour,\n\nUne fuite sous l’évier depuis ce matin.\n\nMme Durand', ...parts });
  const rule = async (body: object, who = world.manager) => {
    const res = await as(who).post('/v1/routing-rules', body);
    expect(res.status).toBe(201);
    return res.body as { id: string; position: number };
  };
  const clearRules = async () => {
    await sql('delete from routing_rule where company_id = ?', [world.companyId]);
    // Written behind the service's back: the router's cache of the company's rules is told.
    env.api.app.get(InboundRouter).forget(world.companyId);
  };

  it('keeps rules in order: create, list, reorder, switch off, change, delete, each change audited', async () => {
    await clearRules();
    const first = await rule({ name: 'Devis', conditions: { subjectKeywords: ['devis'] }, action: { type: 'quarantine', label: 'devis' } });
    const second = await rule({ name: 'Spam', conditions: { senders: ['*.spam.test'] }, action: { type: 'drop' } });
    expect([first.position, second.position]).toEqual([1, 2]);
    const reordered = await as(world.manager).post('/v1/routing-rules/reorder', { ids: [second.id] });
    expect(reordered.status).toBe(200);
    expect(reordered.body.map((r: { id: string; position: number }) => [r.id, r.position])).toEqual([[second.id, 1], [first.id, 2]]);
    const off = await as(world.manager).patch(`/v1/routing-rules/${first.id}`, { enabled: false, name: 'Devis (arrêté)' });
    expect(off.body).toMatchObject({ enabled: false, name: 'Devis (arrêté)', conditions: { subjectKeywords: ['devis'] } });
    await as(world.manager).del(`/v1/routing-rules/${second.id}`).expect(204);
    expect((await as(world.manager).get('/v1/routing-rules')).body.map((r: { id: string }) => r.id)).toEqual([first.id]);
    const audit = await sql<{ action: string }>("select action from audit_entry where company_id = ? and action like 'routing_rule.%' order by created_at, action", [world.companyId]);
    expect(audit.map((a) => a.action)).toEqual(['routing_rule.create', 'routing_rule.create', 'routing_rule.reorder', 'routing_rule.update', 'routing_rule.delete']);
  });

  it('refuses what it cannot evaluate, names of other companies, other companies’ rules, and people without routing.manage', async () => {
    const invalid = await as(world.manager).post('/v1/routing-rules', {
      name: 'Cassée',
      conditions: { recipients: ['pas une adresse'], timeWindow: { days: [1], from: '9h', to: '18:00' } },
      action: { type: 'quarantine', label: '' },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('routing_rule_invalid');
    expect(invalid.body.details.problems.map((p: { field: string }) => p.field)).toEqual(['conditions.recipients[0]', 'conditions.timeWindow.from', 'action.label']);
    const foreign = await as(world.manager).post('/v1/routing-rules', {
      name: 'Chez le voisin',
      conditions: { knownSender: other.clientId },
      action: { type: 'open_message', clientId: other.clientId, structureId: other.structureId, recipientUserIds: [other.operatorId] },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.details.problems.map((p: { field: string }) => p.field)).toEqual([
      'conditions.knownSender',
      'action.clientId',
      'action.structureId',
      'action.recipientUserIds',
    ]);
    const theirs = await rule({ name: 'Leur règle', conditions: {}, action: { type: 'drop' } }, other.manager);
    await as(world.manager).get(`/v1/routing-rules/${theirs.id}`).expect(404);
    await as(world.manager).patch(`/v1/routing-rules/${theirs.id}`, { enabled: false }).expect(404);
    await as(world.manager).post('/v1/routing-rules/reorder', { ids: [theirs.id] }).expect(404);
    const operator = await as(world.operator).post('/v1/routing-rules', { name: 'x', conditions: {}, action: { type: 'drop' } });
    expect(operator.status).toBe(403);
    expect(operator.body).toMatchObject({ code: 'permission_denied', details: { permission: 'routing.manage' } });
    const nothing = await as(world.manager).post('/v1/routing-rules', { name: 'x' });
    expect(nothing.status).toBe(400);
  });

  it('caps the rules of a company with a clear refusal', async () => {
    await clearRules();
    await sql(
      `insert into routing_rule (id, created_at, updated_at, company_id, name, position, enabled, conditions, action)
       select gen_random_uuid(), now(), now(), ?, 'règle ' || n, n, true, '{"channel":"sms"}', '{"type":"drop"}' from generate_series(1, 500) as n`,
      [world.companyId],
    );
    const refused = await as(world.manager).post('/v1/routing-rules', { name: 'Une de trop', conditions: {}, action: { type: 'drop' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'routing_rules_limit', details: { limit: 500 } });
    await clearRules();
  });

  it('opens a message on the sender’s client file for a fresh mail from a known client, with its recipients', async () => {
    await clearRules();
    const ruleOf = await rule({
      name: 'Clients connus',
      conditions: { channel: 'email', knownSender: true, classifications: ['new'] },
      action: { type: 'open_message', structureId: world.structureId, recipientUserIds: [world.operatorId] },
    });
    const row = await deliver(fromClient());
    expect(row).toMatchObject({ status: 'routed', rule_id: ruleOf.id });
    const thread = await as(world.manager).get(`/v1/messages/${row.conversation_id}`);
    expect(thread.status).toBe(200);
    expect(thread.body).toMatchObject({ clientId: world.clientId, subject: 'Fuite sous l’évier', urgent: false });
    expect(thread.body.body).toBe('Courriel de contact@durand.test, ouvert par la règle « Clients connus ».');
    // The mail itself is the first reply, from its sender.
    expect(thread.body.replies).toHaveLength(1);
    expect(thread.body.replies[0]).toMatchObject({ origin: 'email', senderAddress: 'contact@durand.test' });
    expect(thread.body.replies[0].body).toContain('Une fuite sous l’évier depuis ce matin.');
    // The operator named by the rule is in copy, and sees it.
    await as(world.operator).get(`/v1/messages/${row.conversation_id}`).expect(200);
    // A job run again on the row (a crash before its outcome was written) opens nothing more and writes no second reply.
    await sql(`update inbound_email set status = 'received' where id = ?`, [row.id]);
    await env.api.app.get(InboundEmailProcessor).process(row.id);
    expect((await sql<{ n: number }>('select count(*)::int as n from message where client_id = ? and subject = ?', [world.clientId, 'Fuite sous l’évier']))[0].n).toBe(1);
    expect((await as(world.manager).get(`/v1/messages/${row.conversation_id}`)).body.replies).toHaveLength(1);
  });

  it('marks it urgent with a task due today when a keyword rule comes first', async () => {
    await clearRules();
    const urgent = await rule({ name: 'Urgences', conditions: { bodyKeywords: ['urgent', 'urgence'] }, action: { type: 'open_message', urgent: true, taskDueInDays: 0 } });
    await rule({ name: 'Clients connus', conditions: { knownSender: true }, action: { type: 'open_message' } });
    const row = await deliver(fromClient({ subject: 'Chauffe-eau', text: 'C’est une URGENCE : plus d’eau chaude.' }));
    expect(row.rule_id).toBe(urgent.id);
    const thread = await as(world.manager).get(`/v1/messages/${row.conversation_id}`);
    expect(thread.body).toMatchObject({ urgent: true, task: { state: 'todo' } });
    expect(thread.body.task.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('quarantines with the rule’s label, drops out of view (still stored), and quarantines by default', async () => {
    await clearRules();
    const devis = await rule({ name: 'Devis', conditions: { subjectKeywords: ['devis'] }, action: { type: 'quarantine', label: 'devis' } });
    const spam = await rule({ name: 'Publicité', conditions: { senders: ['promo.test'] }, action: { type: 'drop' } });
    const labelled = await deliver(buildMail({ from: 'inconnu@ailleurs.test', subject: 'Demande de devis', text: 'Combien pour une fuite ?' }));
    expect(labelled).toMatchObject({ status: 'quarantined', rule_id: devis.id });
    const items = (await as(world.manager).get('/v1/quarantine?status=open&channel=email')).body.items as { sourceId: string; label: string | null; reason: string }[];
    expect(items.find((i) => i.sourceId === labelled.id)).toMatchObject({ reason: 'no_thread', label: 'devis' });
    const dropped = await deliver(buildMail({ from: 'offres@promo.test', subject: 'Soldes', text: '-50 %' }));
    expect(dropped).toMatchObject({ status: 'dropped', rule_id: spam.id, conversation_id: null });
    expect((await sql<{ n: number }>('select count(*)::int as n from inbound_email where id = ? and raw is not null', [dropped.id]))[0].n).toBe(1);
    const plain = await deliver(buildMail({ from: 'inconnu@ailleurs.test', subject: 'Bonjour', text: 'Rien de spécial' }));
    expect(plain).toMatchObject({ status: 'quarantined', rule_id: null, outcome: 'no_thread' });
  });

  it('appends to the sender’s latest conversation, with the mail’s files', async () => {
    await clearRules();
    await rule({ name: 'Suite', conditions: { knownSender: true, hasAttachments: true }, action: { type: 'append_latest' } });
    const latest = (await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Dernier échange', body: 'Rappeler Mme Durand', copies: [] })).body.id as string;
    const row = await deliver(buildWithAttachment(2_000, { from: 'contact@durand.test', subject: 'La photo' }, 'Voici la photo de la fuite.'));
    expect(row).toMatchObject({ status: 'routed', conversation_id: latest });
    const thread = await as(world.manager).get(`/v1/messages/${latest}`);
    expect(thread.body.replies).toHaveLength(1);
    expect(thread.body.replies[0]).toMatchObject({ origin: 'email', senderAddress: 'contact@durand.test' });
    expect(thread.body.replies[0].attachments.length).toBeGreaterThan(0);
  });

  it('dry run: says which rule would take an item and why each earlier one did not, writing nothing', async () => {
    await clearRules();
    await rule({ name: 'Devis', conditions: { subjectKeywords: ['devis'] }, action: { type: 'quarantine', label: 'devis' } });
    await rule({ name: 'Nuits', conditions: { senders: ['*.nuit.test'] }, action: { type: 'drop' } });
    const off = await rule({ name: 'Arrêtée', conditions: {}, action: { type: 'drop' } });
    await as(world.manager).patch(`/v1/routing-rules/${off.id}`, { enabled: false }).expect(200);
    const connus = await rule({ name: 'Clients connus', conditions: { knownSender: true }, action: { type: 'open_message', urgent: true } });
    const before = (await sql<{ n: number }>('select count(*)::int as n from message where company_id = ?', [world.companyId]))[0].n;

    const res = await as(world.manager).post('/v1/routing-rules/dry-run', { email: fromClient({ subject: 'Robinet' }).toString('utf8') });
    expect(res.status).toBe(200);
    expect(res.body.matched).toMatchObject({ ruleId: connus.id, name: 'Clients connus', action: { type: 'open_message', urgent: true } });
    expect(res.body.item).toMatchObject({ channel: 'email', sender: 'contact@durand.test', classification: 'new', senderClientIds: [world.clientId] });
    expect(res.body.misses).toEqual([
      expect.objectContaining({ name: 'Devis', failed: { condition: 'subjectKeywords', reason: 'the subject holds none of devis' } }),
      expect.objectContaining({ name: 'Nuits', failed: { condition: 'senders', reason: 'the sender contact@durand.test matches none of *.nuit.test' } }),
      expect.objectContaining({ name: 'Arrêtée', failed: { condition: 'enabled', reason: 'the rule is disabled' } }),
    ]);

    // A miss for everyone: an unknown sender, by SMS.
    const sms = await as(world.manager).post('/v1/routing-rules/dry-run', { sms: { from: '06 99 88 77 66', to: '+33756700000', body: 'Bonjour' } });
    expect(sms.body).toMatchObject({ matched: null, outcome: 'no rule matches: the item goes to the quarantine' });
    expect(sms.body.misses.at(-1)).toMatchObject({ name: 'Clients connus', failed: { condition: 'knownSender' } });

    // A quarantined item, as it came in.
    const quarantinedRow = await deliver(buildMail({ from: 'x@garde.nuit.test', subject: 'Bonsoir', text: 'Appel de nuit' }));
    expect(quarantinedRow.status).toBe('dropped');
    const stored = await deliver(buildMail({ from: 'y@ailleurs.test', subject: 'Bonsoir', text: 'Autre' }));
    const [item] = await sql<{ id: string }>('select id from quarantine_item where source_id = ?', [stored.id]);
    const replay = await as(world.manager).post('/v1/routing-rules/dry-run', { quarantineItemId: item.id });
    expect(replay.body).toMatchObject({ matched: null, item: { sender: 'y@ailleurs.test' } });

    // Garbage, and no item at all: clear refusals.
    const garbage = await as(world.manager).post('/v1/routing-rules/dry-run', { email: 'Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain; charset=nope\n\n\u0001 broken --x-- --' });
    expect(garbage.status).toBe(422);
    expect(garbage.body.code).toBe('dry_run_invalid');
    expect((await as(world.manager).post('/v1/routing-rules/dry-run', {})).body.code).toBe('dry_run_invalid');
    // Nothing was written by the dry runs.
    expect((await sql<{ n: number }>('select count(*)::int as n from message where company_id = ?', [world.companyId]))[0].n).toBe(before);
  });

  it('never puts our own mail back into a conversation (a loop): only quarantine or drop rules take it', async () => {
    await clearRules();
    await rule({ name: 'Tout ouvrir', conditions: {}, action: { type: 'append_latest' } });
    await rule({ name: 'Tout ouvrir ailleurs', conditions: {}, action: { type: 'open_message', clientId: world.clientId } });
    const ours = `${env.ctx.config.outbound.replyLocalPart}+deadbeef@${env.ctx.config.outbound.replyDomain}`;
    const row = await deliver(buildMail({ from: ours, subject: 'Nouvelle réponse sur votre fil', text: 'Alerte transférée' }));
    expect(row).toMatchObject({ status: 'quarantined', rule_id: null });
    const explained = await as(world.manager).post('/v1/routing-rules/dry-run', { email: buildMail({ from: ours, subject: 'x', text: 'x' }).toString('utf8') });
    expect(explained.body.matched).toBeNull();
    expect(explained.body.misses.map((m: { failed: { condition: string; reason: string } }) => m.failed)).toEqual([
      { condition: 'action', reason: 'the sender is no contact of a client file, so it has no file of its own to go to' },
      { condition: 'action', reason: `${ours} is one of our own addresses: put into a conversation it would come back again (a loop)` },
    ]);
  });

  it('routes an SMS nobody’s thread was waiting for, and records the rule', async () => {
    await clearRules();
    const stop = await rule({ name: 'Pub', conditions: { channel: 'sms', bodyKeywords: ['promo'] }, action: { type: 'drop' } });
    const em = env.api.app.get(EntityManager).fork();
    const sms = em.create(InboundSms, {
      companyId: world.companyId,
      messageSid: `SM${'7'.repeat(32)}`,
      accountSid: `AC${'ab'.repeat(16)}`,
      smsNumberId: world.companyId,
      fromRaw: '+33699887766',
      toRaw: '+33756700000',
      body: 'Grande PROMO cette semaine',
      params: {},
    });
    await em.flush();
    // As a job runs it: in a request context of its own.
    await RequestContext.create(env.api.app.get(EntityManager), () => env.api.app.get(InboundSmsProcessor).process(sms.id));
    const [row] = await sql<{ status: string; rule_id: string | null }>('select status, rule_id from inbound_sms where id = ?', [sms.id]);
    expect(row).toEqual({ status: 'dropped', rule_id: stop.id });

    // An unknown number, a rule naming the file: a message opened there, the SMS its first reply.
    const empty = await as(world.manager).post('/v1/routing-rules', { name: 'Astreinte', conditions: { channel: 'sms', smsNumbers: [] }, action: { type: 'drop' } });
    expect(empty.body.details.problems).toEqual([{ field: 'conditions.smsNumbers', reason: 'must be a non-empty list' }]);
    const open = await rule({ name: 'SMS inconnus', conditions: { channel: 'sms', knownSender: false }, action: { type: 'open_message', clientId: world.otherClientId, urgent: true } });
    const unknown = em.create(InboundSms, {
      companyId: world.companyId, messageSid: `SM${'9'.repeat(32)}`, accountSid: `AC${'ab'.repeat(16)}`, smsNumberId: world.companyId,
      fromRaw: '+33611223344', toRaw: '+33756700000', body: 'Fuite chez ma mère, 12 rue des Lilas', params: {},
    });
    await em.flush();
    await RequestContext.create(env.api.app.get(EntityManager), () => env.api.app.get(InboundSmsProcessor).process(unknown.id));
    const [opened] = await sql<{ status: string; rule_id: string; conversation_id: string }>('select status, rule_id, conversation_id from inbound_sms where id = ?', [unknown.id]);
    expect(opened).toMatchObject({ status: 'routed', rule_id: open.id });
    const thread = await as(world.manager).get(`/v1/messages/${opened.conversation_id}`);
    expect(thread.body).toMatchObject({ clientId: world.otherClientId, urgent: true, body: 'SMS de +33611223344, ouvert par la règle « SMS inconnus ».' });
    // Written by nobody of the company: its author is the company's system account, which nobody can list, read, sign in as or change.
    const [author] = await sql<{ id: string; kind: string; active: boolean }>('select id, kind, active from app_user where id = ?', [thread.body.authorId]);
    expect(author).toMatchObject({ kind: 'system', active: false });
    await as(world.manager).get(`/v1/users/${author.id}`).expect(404);
    await as(world.manager).patch(`/v1/users/${author.id}`, { active: true }).expect(404);
    expect(((await as(world.manager).get('/v1/users?limit=200')).body.items as { id: string }[]).map((u) => u.id)).not.toContain(author.id);
    expect(thread.body.replies.map((r: { origin: string; body: string }) => [r.origin, r.body])).toEqual([['sms', 'Fuite chez ma mère, 12 rue des Lilas']]);
  });

  it('purges raw mail and SMS past their retention in resumable batches, keeping outcomes and replies; discarded items go after 90 days', async () => {
    await clearRules();
    const retention = env.api.app.get(InboundRetention);
    await retention.purge(); // what earlier specs left past the default ages (none)
    const old = [await deliver(fromClient({ subject: 'Ancien 1' })), await deliver(fromClient({ subject: 'Ancien 2' }))];
    const recent = await deliver(fromClient({ subject: 'Récent' }));
    const [pending] = await env.api.app.get(InboundEmailStore).storeBatch(mailbox, [{ uid: ++uid, uidValidity: 1n, source: fromClient({ subject: 'Pas encore traité' }) }]);
    await sql(`update inbound_email set created_at = now() - interval '401 days' where id = any(?::uuid[])`, [[...old.map((r) => r.id), pending]]);
    const em = env.api.app.get(EntityManager).fork();
    const sms = em.create(InboundSms, {
      companyId: world.companyId, messageSid: `SM${'8'.repeat(32)}`, accountSid: `AC${'ab'.repeat(16)}`, smsNumberId: world.companyId,
      fromRaw: '+33699887766', toRaw: '+33756700000', body: 'Un vieux SMS', params: { Body: 'Un vieux SMS' }, status: 'quarantined', outcome: 'unknown_sender',
    });
    await em.flush();
    await sql(`update inbound_sms set created_at = now() - interval '500 days' where id = ?`, [sms.id]);
    const discarded = async (days: number) => {
      const item = await env.api.app.get(QuarantineService).quarantine({ companyId: world.companyId, channel: 'email', sourceId: crypto.randomUUID(), reason: 'no_thread' });
      await sql(`update quarantine_item set status = 'discarded', discard_reason = 'x', resolved_at = now() - (? * interval '1 day') where id = ?`, [days, item.id]);
      return item.id;
    };
    const expired = await discarded(91);
    const readable = await discarded(89);

    // One statement of one row: stopped there, it says more is left; the next run goes on.
    expect(await retention.purge({ batch: 1, maxBatches: 1 })).toEqual({ emails: 1, sms: 0, discarded: 0, more: true });
    expect(await retention.purge({ batch: 1 })).toEqual({ emails: 1, sms: 1, discarded: 1, more: false });
    expect(await retention.purge()).toEqual({ emails: 0, sms: 0, discarded: 0, more: false });

    const rows = await sql<{ id: string; size: number; purged: boolean; status: string; conversation_id: string | null }>(
      'select id, length(raw) as size, raw_purged_at is not null as purged, status, conversation_id from inbound_email where id = any(?::uuid[])',
      [[...old.map((r) => r.id), recent.id, pending]],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const row of old) expect(byId.get(row.id)).toMatchObject({ size: 0, purged: true, status: row.status, conversation_id: row.conversation_id });
    expect(byId.get(recent.id)).toMatchObject({ purged: false });
    expect(byId.get(pending)).toMatchObject({ purged: false, status: 'received' });
    expect(byId.get(pending)!.size).toBeGreaterThan(0);
    expect((await sql<{ body: string; outcome: string }>('select body, outcome from inbound_sms where id = ?', [sms.id]))[0]).toEqual({ body: '', outcome: 'unknown_sender' });
    expect((await sql<{ id: string }>('select id from quarantine_item where id = any(?::uuid[])', [[expired, readable]])).map((r) => r.id)).toEqual([readable]);
  });

  describe('quarantine triage', () => {
    let world: CompanyWorld;
    let other: CompanyWorld;
    let mailbox: Mailbox;

    beforeAll(async () => {
      world = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Tri');
      other = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Autre');
      mailbox = await aMailbox(env.api.app.get(EntityManager).fork(), world.companyId, env.ctx.config.secretsKey, 'Tri');
    });

    /** A mail nobody's thread was waiting for, stored and processed: its quarantine item. */
    const quarantineMail = async (parts: MailParts) => {
      const [id] = await env.api.app.get(InboundEmailStore).storeBatch(mailbox, [{ uid: ++uid, uidValidity: 2n, source: buildMail({ to: 'accueil@permanence.test', ...parts }) }]);
      await env.api.app.get(InboundEmailProcessor).process(id);
      const [item] = await sql<{ id: string }>('select id from quarantine_item where source_id = ?', [id]);
      return item.id;
    };
    const listed = async (query: string) => ((await as(world.manager).get(`/v1/quarantine?${query}`)).body.items as { id: string }[]).map((i) => i.id);

    it('filters by reason, label, channel, mailbox and date', async () => {
      await as(world.manager).post('/v1/routing-rules', { name: 'Devis', conditions: { subjectKeywords: ['devis'] }, action: { type: 'quarantine', label: 'devis' } }).expect(201);
      const devis = await quarantineMail({ from: 'a@ailleurs.test', subject: 'Un devis', text: 'Combien ?' });
      const plain = await quarantineMail({ from: 'b@ailleurs.test', subject: 'Bonjour', text: 'Rien' });
      expect(await listed('label=devis')).toEqual([devis]);
      expect(await listed('reason=no_thread&channel=email')).toEqual(expect.arrayContaining([devis, plain]));
      expect(await listed(`receivedBy=${mailbox.id}`)).toEqual(expect.arrayContaining([devis, plain]));
      expect(await listed('channel=sms')).toEqual([]);
      expect(await listed(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
      expect(await listed(`to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual(expect.arrayContaining([devis, plain]));
      await sql('delete from routing_rule where company_id = ?', [world.companyId]);
      env.api.app.get(InboundRouter).forget(world.companyId);
    });

    it('decides in bulk, each item alone with its own result, and audits each decision', async () => {
      const one = await quarantineMail({ from: 'c@ailleurs.test', subject: 'Un', text: '1' });
      const two = await quarantineMail({ from: 'd@ailleurs.test', subject: 'Deux', text: '2' });
      await as(world.manager).post(`/v1/quarantine/${two}/discard`, { reason: 'déjà traité' }).expect(200);
      const theirs = (await env.api.app.get(QuarantineService).quarantine({ companyId: other.companyId, channel: 'email', sourceId: other.messageId, reason: 'no_thread' })).id;
      const res = await as(world.manager).post('/v1/quarantine/bulk', { action: 'assign', messageId: world.messageId, ids: [one, two, theirs] });
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { id: one, ok: true, status: 'assigned' },
        { id: two, ok: false, code: 'conflict', message: 'This item was discarded; it cannot be assigned' },
        { id: theirs, ok: false, code: 'not_found', message: expect.any(String) },
      ]);
      // The other company's item is untouched; the thread got the mail as a reply.
      expect((await sql<{ status: string }>('select status from quarantine_item where id = ?', [theirs]))[0].status).toBe('open');
      const thread = await as(world.manager).get(`/v1/messages/${world.messageId}`);
      expect(thread.body.replies.some((r: { body: string }) => r.body === '1')).toBe(true);
      const audit = await sql<{ action: string; target_id: string }>("select action, target_id from audit_entry where company_id = ? and action like 'quarantine.%' order by created_at", [world.companyId]);
      expect(audit).toEqual([{ action: 'quarantine.discard', target_id: two }, { action: 'quarantine.assign', target_id: one }]);
      const tooMany = await as(world.manager).post('/v1/quarantine/bulk', { action: 'rerun', ids: Array.from({ length: 501 }, () => one) });
      expect(tooMany.status).toBe(400);
    });

    it('opens a new message on a client file from an item, the mail as its first reply', async () => {
      const item = await quarantineMail({ from: 'nouveau@ailleurs.test', subject: 'Nouvelle cliente', text: 'Je voudrais un rendez-vous.' });
      const res = await as(world.operator).post(`/v1/quarantine/${item}/open`, { clientId: world.otherClientId });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'assigned' });
      const thread = await as(world.operator).get(`/v1/messages/${res.body.assignedMessageId}`);
      expect(thread.body).toMatchObject({ clientId: world.otherClientId, subject: 'Nouvelle cliente', authorId: world.operatorId });
      expect(thread.body.replies.map((r: { body: string; senderAddress: string }) => [r.senderAddress, r.body])).toEqual([['nouveau@ailleurs.test', 'Je voudrais un rendez-vous.']]);
      await as(world.operator).post(`/v1/quarantine/${item}/open`, { clientId: world.otherClientId }).expect(409);
      const foreign = await quarantineMail({ from: 'x@ailleurs.test', subject: 'x', text: 'x' });
      await as(world.operator).post(`/v1/quarantine/${foreign}/open`, { clientId: other.clientId }).expect(404);
    });

    it('runs the rules again on selected items after a rule was added', async () => {
      const a = await quarantineMail({ from: 'offres@pub.test', subject: 'Promo', text: 'Soldes' });
      const b = await quarantineMail({ from: 'contact@durand.test', subject: 'Question', text: 'Pouvez-vous rappeler ?' });
      const c = await quarantineMail({ from: 'z@ailleurs.test', subject: 'Autre', text: 'Rien' });
      await as(world.manager).post('/v1/routing-rules', { name: 'Pub', conditions: { senders: ['pub.test'] }, action: { type: 'drop' } }).expect(201);
      await as(world.manager).post('/v1/routing-rules', { name: 'Clients', conditions: { knownSender: true }, action: { type: 'open_message' } }).expect(201);
      const res = await as(world.manager).post('/v1/quarantine/bulk', { action: 'rerun', ids: [a, b, c] });
      expect(res.body.results).toEqual([
        { id: a, ok: true, status: 'discarded', outcome: 'dropped' },
        { id: b, ok: true, status: 'assigned', outcome: 'routed' },
        { id: c, ok: true, status: 'open', outcome: 'unmatched' },
      ]);
      const [row] = await sql<{ assigned_conversation_id: string }>('select assigned_conversation_id from quarantine_item where id = ?', [b]);
      const thread = await as(world.manager).get(`/v1/messages/${row.assigned_conversation_id}`);
      expect(thread.body).toMatchObject({ clientId: world.clientId, subject: 'Question' });
      const rows = await sql<{ status: string }>('select e.status from inbound_email e join quarantine_item q on q.source_id = e.id where q.id = any(?::uuid[]) order by q.created_at', [[a, b, c]]);
      expect(rows.map((r) => r.status)).toEqual(['dropped', 'routed', 'quarantined']);
      // A decided item is not run through the rules again.
      const again = await as(world.manager).post(`/v1/quarantine/${b}/rerun`, {});
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('conflict');
    });
  });
});
