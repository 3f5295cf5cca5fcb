import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildMail } from '../fixtures/mail/builder.js';
import { IMAP, waitFor } from '../harness/services.js';
import { type CapturedMail, type SmtpListener, type SmtpListenerOptions, startSmtpListener } from '../harness/smtp-listener.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

interface Reply {
  id: string;
  authorId: string | null;
  body: string;
  origin: string;
  senderAddress: string | null;
}

/**
 * A discussion's alerts go out through outbound (the discussion templates, a reply address, the
 * thread's tag): to the portal person for a new visible discussion and each staff reply, to the file
 * manager for a discussion opened from the portal. Answering an alert by email (IMAP APPEND to the
 * watched mailbox) posts the answer into the discussion, trimmed, after the same sender check as
 * messages: a stranger holding the reply address is quarantined.
 */
describe('discussion alerts by email, answered by email', () => {
  const folder = `spec-discussions-${randomBytes(4).toString('hex')}`;
  let ctx: TestContext;
  let api: TestApi;
  let smtp: SmtpListener;
  /** Read by the listener at each message: a spec raises failFirst to have the next one refused (451). */
  const smtpOptions: SmtpListenerOptions = {};
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let imap: MailboxSession;
  let clientEmail: string;
  let workerEmail: string;
  let managerEmail: string;
  const sql = <T>(query: string, params: unknown[] = []) => boundSql<T>(api.app.get(EntityManager).fork(), query, params);
  const replies = async (id: string) => (await as(world.manager).get(`/v1/discussions/${id}/replies`).expect(200)).body as Reply[];
  /** The alert mail to `to` whose subject contains `subject`, once captured. */
  const alertTo = async (to: string, subject: string): Promise<CapturedMail> => {
    const find = () => smtp.messages.find((m) => m.envelope.to.includes(to) && m.parsed.subject?.includes(subject));
    await waitFor(() => Promise.resolve(Boolean(find())), 15_000, `the alert "${subject}" to ${to}`);
    return find()!;
  };
  /** An answer to a captured alert, as a mail program writes it: to its Reply-To, In-Reply-To its Message-ID, the alert quoted below. */
  const answer = (alert: CapturedMail, from: string, text: string) =>
    imap.append(
      folder,
      buildMail({
        from,
        to: alert.parsed.replyTo!.value[0].address!,
        subject: `Re: ${alert.parsed.subject}`,
        inReplyTo: alert.parsed.messageId!.slice(1, -1),
        references: [alert.parsed.messageId!.slice(1, -1)],
        text: `${text}\n\nLe 5 déc. 2026 à 10:00, Permanence Fil <accueil@fil.test> a écrit :\n> ${alert.parsed.text?.split('\n').join('\n> ')}\n`,
      }),
    );

  beforeAll(async () => {
    smtp = await startSmtpListener(smtpOptions);
    ctx = await TestContext.create((c) => ({
      ...c,
      logLevel: 'silent',
      smtp: { url: `smtp://127.0.0.1:${smtp.port}`, poolMax: 2, timeoutMs: 5_000 },
      outbound: { ...c.outbound, ratePerSecond: { email: 0, sms: 0, fax: 0 }, relayIntervalMs: 100 },
      inbound: { ...c.inbound, lockTtlMs: 3_000, pollIntervalMs: 2_000 },
    }));
    api = await ctx.startApi();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Fil');
    as = callerOf(api.http);
    await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@fil.test', name: 'Permanence Fil' }).expect(200);
    [clientEmail, workerEmail, managerEmail] = await Promise.all(
      [world.clientAccountId, world.workerId, world.managerId].map(async (id) => (await as(world.manager).get(`/v1/users/${id}`).expect(200)).body.email as string),
    );
    imap = await new ImapFlowMailboxClient().connect({ host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password });
    await imap.ensureFolder(folder);
    await as(world.manager)
      .post('/v1/channels/mailboxes', {
        name: 'Réponses', host: IMAP.host, port: IMAP.port, secure: false, username: IMAP.user, password: IMAP.password,
        folder, processedFolder: `${folder}-done`, failedFolder: `${folder}-failed`,
      })
      .expect(201);
    await ctx.startWorker();
  }, 120_000);
  afterAll(async () => {
    await ctx.close();
    for (const name of [folder, `${folder}-done`, `${folder}-failed`]) await imap.deleteFolder(name).catch(() => undefined);
    await imap.close();
    await smtp.close();
  }, 60_000);

  it('alerts the client account of a new visible discussion, never of a hidden one; its email answer becomes a reply, NEW again for staff, who are alerted', async () => {
    const hidden = (await as(world.operator).post('/v1/discussions', { clientId: world.clientId, title: 'Interne seulement', body: 'Rien pour le client.' }).expect(201)).body.id as string;
    const id = (await as(world.operator).post('/v1/discussions', { clientId: world.clientId, title: 'Accès au parking', body: 'Le badge change lundi.', visible: true }).expect(201)).body.id as string;
    const alert = await alertTo(clientEmail, 'Accès au parking');
    const [{ tag }] = await sql<{ tag: string }>('select tag from thread_tag where conversation_id = ?', [id]);
    expect(alert.parsed.subject).toBe(`Nouvelle discussion : Accès au parking [${tag}]`);
    expect(alert.parsed.text).toContain('Le badge change lundi.');
    expect(alert.parsed.replyTo?.value[0].address).toMatch(/^reply\+/);
    // To the client's account, never to the file's own address, and nothing about the hidden one.
    expect(smtp.messages.filter((m) => m.envelope.to.includes('contact@durand.test') && m.parsed.subject?.includes('Accès au parking'))).toEqual([]);
    expect(await sql(`select 1 from outbox_copy where conversation_id = ? and recipient_type <> 'user'`, [id])).toEqual([]);
    expect(await sql('select 1 from outbox_copy where conversation_id = ?', [hidden])).toEqual([]);
    expect(smtp.messages.some((m) => m.parsed.subject?.includes('Interne seulement'))).toBe(false);

    await as(world.operator).get(`/v1/discussions/${id}`).expect(200);
    await answer(alert, `Dr Durand <${clientEmail}>`, 'Merci, je passerai chercher le nouveau badge.');
    await waitFor(async () => (await replies(id)).length === 1, 15_000, 'the emailed answer as a reply');
    expect((await replies(id))[0]).toMatchObject({ authorId: world.clientAccountId, body: 'Merci, je passerai chercher le nouveau badge.', origin: 'email', senderAddress: clientEmail });
    // NEW again for staff (the operator had read it), and visible on the client's portal.
    const listed = (await as(world.operator).get('/v1/discussions?new=true').expect(200)).body.items as { id: string }[];
    expect(listed.map((d) => d.id)).toContain(id);
    expect((await as(world.clientAccount).get(`/v1/discussions/${id}/replies`).expect(200)).body).toHaveLength(1);
    // Staff are told as for any answer: the discussion's author and the managers.
    await waitFor(async () => (await sql(`select 1 from delivery where conversation_id = ? and kind = 'reply_alert' and recipient_user_id = ?`, [id, world.operatorId])).length === 1, 10_000, 'the staff alert');
  });

  it('alerts the file manager of a discussion a worker opens; the manager’s email answer is a staff reply, alerted to the worker, who answers by email too', async () => {
    const opened = await as(world.worker).post('/v1/discussions', { title: 'Clés du local', body: 'Qui a les clés du local ?' }).expect(201);
    expect(opened.body.managerId).toBe(world.managerId);
    const id = opened.body.id as string;
    const toManager = await alertTo(managerEmail, 'Clés du local');
    expect(toManager.parsed.text).toContain('Qui a les clés du local ?');

    await answer(toManager, `Gérant <${managerEmail}>`, 'Elles sont à l’accueil.');
    await waitFor(async () => (await replies(id)).length === 1, 15_000, 'the manager’s emailed answer');
    expect((await replies(id))[0]).toMatchObject({ authorId: world.managerId, body: 'Elles sont à l’accueil.', origin: 'email' });
    const toWorker = await alertTo(workerEmail, 'Nouvelle réponse : Clés du local');
    expect(toWorker.parsed.text).toContain('Elles sont à l’accueil.');
    expect((await as(world.worker).get('/v1/discussions?new=true').expect(200)).body.items.map((d: { id: string }) => d.id)).toContain(id);

    await answer(toWorker, `Ivan <${workerEmail}>`, 'Merci, je les prends demain.');
    await waitFor(async () => (await replies(id)).length === 2, 15_000, 'the worker’s emailed answer');
    expect((await replies(id))[1]).toMatchObject({ authorId: world.workerId, body: 'Merci, je les prends demain.', origin: 'email' });
  });

  it('quarantines a stranger answering with the alert’s reply address; follows the account’s discussionAlerts setting', async () => {
    const id = (await as(world.manager).post('/v1/discussions', { clientId: world.clientId, title: 'Devis toiture', body: 'Le devis est prêt.', visible: true }).expect(201)).body.id as string;
    const alert = await alertTo(clientEmail, 'Devis toiture');
    await answer(alert, 'Inconnu <stranger@elsewhere.test>', 'Je réponds à la place du client.');
    await waitFor(
      async () => ((await as(world.manager).get('/v1/quarantine?status=open&channel=email')).body.items as { reason: string; sender: string }[]).some((i) => i.reason === 'sender_mismatch' && i.sender === 'stranger@elsewhere.test'),
      15_000,
      'the stranger’s answer quarantined',
    );
    expect(await replies(id)).toEqual([]);

    // The client turns discussion alerts off: a staff reply is no longer emailed to it.
    await as(world.clientAccount).patch('/v1/settings/me', { discussionAlerts: false }).expect(200);
    await as(world.manager).post(`/v1/discussions/${id}/replies`, { body: 'Le devis expire dans un mois.' }).expect(201);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await sql(`select 1 from outbox_copy where conversation_id = ? and entry_id is not null`, [id])).toEqual([]);
    expect(smtp.messages.some((m) => m.parsed.subject?.includes('Nouvelle réponse : Devis toiture'))).toBe(false);
    await as(world.clientAccount).patch('/v1/settings/me', { discussionAlerts: true }).expect(200);
    // Hidden again: a staff reply reveals nothing to the client.
    await as(world.manager).patch(`/v1/discussions/${id}`, { visible: false }).expect(200);
    await as(world.manager).post(`/v1/discussions/${id}/replies`, { body: 'Note interne.' }).expect(201);
    expect(await sql(`select 1 from outbox_copy where conversation_id = ? and entry_id is not null`, [id])).toEqual([]);
  });

  it('never sends a portal alert queued before the discussion was hidden, even when the mail server made it wait', async () => {
    const id = (await as(world.manager).post('/v1/discussions', { clientId: world.clientId, title: 'Facture de mars', body: 'Votre facture est disponible.', visible: true }).expect(201)).body.id as string;
    await alertTo(clientEmail, 'Facture de mars');
    // The relay refuses the reply's alert once (451): BullMQ tries again a second later…
    const refusedBefore = smtp.refused();
    smtpOptions.failFirst = refusedBefore + 1;
    const reply = (await as(world.manager).post(`/v1/discussions/${id}/replies`, { body: 'Erreur de montant, ne pas payer.' }).expect(201)).body as { id: string };
    await waitFor(() => Promise.resolve(smtp.refused() > refusedBefore), 15_000, 'the alert refused once');
    // …by which time the discussion is hidden from the portal: the retry sends nothing.
    await as(world.manager).patch(`/v1/discussions/${id}`, { visible: false }).expect(200);
    const copies = () => sql<{ status: string; failure_reason: string | null }>(`select status, failure_reason from delivery where entry_id = ?`, [reply.id]);
    await waitFor(async () => (await copies()).some((d) => d.status === 'skipped'), 15_000, 'the alert skipped');
    expect(await copies()).toEqual([{ status: 'skipped', failure_reason: 'not_visible' }]);
    expect(smtp.messages.some((m) => m.parsed.text?.includes('Erreur de montant'))).toBe(false);
  });
});
