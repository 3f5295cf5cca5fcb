import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { ThreadTags } from '../../src/conversations/thread-tags.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildBounce, buildMail, type MailParts } from '../fixtures/mail/builder.js';
import { aSentEmailCopy, type SentCopy } from '../fixtures/mail/delivery.factory.js';
import { IMAP, waitFor } from '../harness/services.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

interface Item {
  id: string;
  reason: string;
  sender: string | null;
  subject: string | null;
  preview: string | null;
  detail: string | null;
  suggestedMessageId: string | null;
}

/**
 * A deployment of two companies whose reply domain's mailbox is company A's (every company's reply
 * addresses use that one domain): replies to B's copies arriving there belong to B, and A sees
 * nothing of them; the same IMAP folder cannot be watched twice; the receiving server's
 * Authentication-Results unmask a forged From. Real Dovecot, the worker in process.
 */
describe('inbound email across companies: one reply mailbox for the deployment', () => {
  const folder = `spec-cross-${randomBytes(4).toString('hex')}`;
  const MX = 'mx.relais.test';
  let ctx: TestContext;
  let api: TestApi;
  let a: CompanyWorld;
  let b: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let imap: MailboxSession;
  let sql: <T>(query: string, params?: unknown[]) => Promise<T[]>;
  let mailboxId: string;
  let copyA: SentCopy;
  let copyB: SentCopy;
  let tagB: string;
  const account = { name: 'Réponses A', host: IMAP.host, port: IMAP.port, secure: false, username: IMAP.user, password: IMAP.password, folder, processedFolder: `${folder}-done`, failedFolder: `${folder}-failed` };

  const append = (parts: MailParts) => imap.append(folder, buildMail(parts));
  const bodies = async (world: CompanyWorld) => ((await as(world.manager).get(`/v1/messages/${world.messageId}`)).body.replies as { body: string }[]).map((r) => r.body);
  const waitBody = (world: CompanyWorld, body: string) => waitFor(async () => (await bodies(world)).includes(body), 10_000, `"${body}" threaded`);
  const items = async (world: CompanyWorld): Promise<Item[]> => (await as(world.manager).get('/v1/quarantine?channel=email')).body.items as Item[];
  const settled = () => waitFor(async () => (await sql<{ n: string }>(`select count(*) as n from inbound_email where status = 'received'`))[0].n === '0', 20_000, 'every stored mail processed');
  /** What A holds of a mail, whatever it is: its quarantine list, the stored row, any text of it. */
  const traceInA = async (text: string) => ({
    items: (await items(a)).filter((i) => JSON.stringify(i).includes(text)).length,
    rows: (await sql<{ n: string }>(`select count(*) as n from inbound_email where company_id = ? and position(convert_to(?, 'UTF8') in raw) > 0`, [a.companyId, text]))[0].n,
  });

  beforeAll(async () => {
    ctx = await TestContext.create((c) => ({ ...c, inbound: { ...c.inbound, lockTtlMs: 3_000, pollIntervalMs: 2_000 } }));
    api = await ctx.startApi();
    a = await aCompanyWorld(api.app, api.http, 'Permanence A');
    b = await aCompanyWorld(api.app, api.http, 'Permanence B');
    as = callerOf(api.http);
    const em = api.app.get(EntityManager).fork();
    sql = (query, params = []) => em.getConnection().execute(query, params);
    copyA = await aSentEmailCopy(em, ctx.config, a.companyId, a.messageId, 'contact@durand.test');
    copyB = await aSentEmailCopy(em, ctx.config, b.companyId, b.messageId, 'contact@durand.test');
    tagB = await api.app.get(ThreadTags).tagFor(b.companyId, b.messageId);
    imap = await new ImapFlowMailboxClient().connect({ host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password });
    await imap.ensureFolder(folder);
    const created = await as(a.manager).post('/v1/channels/mailboxes', account);
    expect(created.status).toBe(201);
    mailboxId = created.body.id as string;
    await ctx.startWorker();
  });
  afterAll(async () => {
    await ctx.close();
    for (const name of [folder, account.processedFolder, account.failedFolder]) await imap.deleteFolder(name).catch(() => undefined);
    await imap.close();
  });

  it('threads in B a reply to B’s copy by its token, by its Message-ID alone and by its tag alone; A keeps nothing of them', async () => {
    await append({ to: copyB.replyAddress, subject: 'Re: Appel de Mme Petit', text: 'Réponse B par le jeton.' });
    await append({ to: `${ctx.config.outbound.replyLocalPart}@${ctx.config.outbound.replyDomain}`, inReplyTo: copyB.emailMessageId, subject: 'Re: votre message', text: 'Réponse B par les en-têtes.' });
    await append({ subject: `Re: Appel de Mme Petit [${tagB}]`, text: 'Réponse B par la référence.' });
    for (const body of ['Réponse B par le jeton.', 'Réponse B par les en-têtes.', 'Réponse B par la référence.']) await waitBody(b, body);
    await settled();
    expect(await bodies(a)).toEqual([]);
    for (const text of ['Réponse B par le jeton.', 'Réponse B par les en-têtes.', 'Réponse B par la référence.']) expect(await traceInA(text)).toEqual({ items: 0, rows: '0' });
    expect(await items(a)).toEqual([]);
    expect(await items(b)).toEqual([]);
    // The stored mails are B's: B's replies point at them, and the mailbox still moved them away.
    const rows = await sql<{ company_id: string; status: string }>(`select company_id, status from inbound_email where mailbox_id = ? order by id`, [mailboxId]);
    expect(rows).toEqual([0, 1, 2].map(() => ({ company_id: b.companyId, status: 'threaded' })));
    await waitFor(async () => (await imap.folderState(account.processedFolder)).messages === 3, 5_000, 'the mails moved to the processed folder');
  });

  it('recognises the same mail seen again once it became B’s: a duplicate, B’s too, no second reply', async () => {
    const mail = { to: copyB.replyAddress, subject: 'Re: Appel', text: 'Réponse B envoyée deux fois.', messageId: `twice-${randomBytes(4).toString('hex')}@client.test` };
    await append(mail);
    await waitBody(b, 'Réponse B envoyée deux fois.');
    await settled();
    await append(mail);
    await waitFor(async () => (await sql(`select id from inbound_email where message_id_header = ?`, [mail.messageId])).length === 2, 10_000, 'the second copy stored');
    await settled();
    const rows = await sql<{ company_id: string; status: string }>(`select company_id, status from inbound_email where message_id_header = ? order by id`, [mail.messageId]);
    expect(rows).toEqual([{ company_id: b.companyId, status: 'threaded' }, { company_id: b.companyId, status: 'duplicate' }]);
    expect((await bodies(b)).filter((body) => body === 'Réponse B envoyée deux fois.')).toHaveLength(1);
  });

  it('two copies of one reply to B arriving together are both B’s: one reply, the other its duplicate', async () => {
    const raw = buildMail({ to: copyB.replyAddress, subject: 'Re: Appel', text: 'Réponse B reçue en double.', messageId: `together-${randomBytes(4).toString('hex')}@client.test` });
    const messageId = /Message-ID: <([^>]+)>/.exec(raw.toString())![1];
    await imap.append(folder, raw);
    await imap.append(folder, raw);
    await waitBody(b, 'Réponse B reçue en double.');
    await waitFor(async () => (await sql(`select id from inbound_email where message_id_header = ?`, [messageId])).length === 2, 10_000, 'both copies stored');
    await settled();
    const rows = await sql<{ company_id: string; status: string }>(`select company_id, status from inbound_email where message_id_header = ? order by id`, [messageId]);
    expect(rows).toEqual([{ company_id: b.companyId, status: 'threaded' }, { company_id: b.companyId, status: 'duplicate' }]);
    expect(await traceInA('Réponse B reçue en double.')).toEqual({ items: 0, rows: '0' });
  });

  it('a delivery report about B’s copy reaching A’s mailbox fails B’s delivery; A keeps nothing of it', async () => {
    const bounced = await aSentEmailCopy(api.app.get(EntityManager).fork(), ctx.config, b.companyId, b.messageId, 'ancien@durand.test');
    await imap.append(folder, buildBounce(bounced.emailMessageId, 'ancien@durand.test'));
    const status = async () => (await sql<{ status: string; failure_reason: string | null }>(`select status, failure_reason from delivery where id = ?`, [bounced.deliveryId]))[0];
    await waitFor(async () => (await status()).status === 'failed', 10_000, 'B’s copy failed');
    await settled();
    expect((await status()).failure_reason).toContain('550 5.1.1');
    expect(await sql(`select company_id from inbound_email where status = 'bounce'`)).toEqual([{ company_id: b.companyId }]);
    expect(await items(a)).toEqual([]);
    expect(await traceInA('ancien@durand.test')).toEqual({ items: 0, rows: '0' });
  });

  it('B’s sender check still applies: a stranger holding B’s token goes to B’s quarantine, never to A’s', async () => {
    await append({ from: 'Intrus <intrus@ailleurs.test>', to: copyB.replyAddress, subject: 'Re: Appel', text: 'Je reprends ce dossier (intrus).' });
    await waitFor(async () => (await items(b)).some((i) => i.reason === 'sender_mismatch'), 10_000, 'B quarantines the stranger');
    const [item] = (await items(b)).filter((i) => i.reason === 'sender_mismatch');
    expect(item).toMatchObject({ sender: 'intrus@ailleurs.test', suggestedMessageId: b.messageId, preview: 'Je reprends ce dossier (intrus).' });
    expect(await bodies(b)).not.toContain('Je reprends ce dossier (intrus).');
    expect(await traceInA('intrus')).toEqual({ items: 0, rows: '0' });
    // B's operator can assign it: the stored mail is B's.
    expect((await as(b.operator).post(`/v1/quarantine/${item.id}/assign`, { messageId: b.messageId })).status).toBe(200);
    expect(await bodies(b)).toContain('Je reprends ce dossier (intrus).');
  });

  it('a mail naming no thread goes to the quarantine of the mailbox’s company (A) only; A’s own replies still thread in A', async () => {
    await append({ from: 'prospect@ailleurs.test', subject: 'Demande de devis', text: 'Aucune référence ici.' });
    // A stranger's subject carrying B's tag is not handed to B: it was sent to A's mailbox.
    await append({ from: 'curieux@ailleurs.test', subject: `Question [${tagB}]`, text: 'Une référence qui n’est pas la mienne.' });
    await append({ to: copyA.replyAddress, subject: 'Re: Appel', text: 'Réponse A par le jeton.' });
    await waitBody(a, 'Réponse A par le jeton.');
    await waitFor(async () => (await items(a)).length === 2, 10_000, 'two mails in A’s quarantine');
    expect((await items(a)).map((i) => [i.reason, i.sender]).sort()).toEqual([['no_thread', 'curieux@ailleurs.test'], ['no_thread', 'prospect@ailleurs.test']]);
    expect((await items(b)).map((i) => i.sender)).toEqual(['intrus@ailleurs.test']);
    expect(await bodies(b)).not.toContain('Réponse A par le jeton.');
  });

  it('refuses a second mailbox on the same IMAP account and folder (any company, host and user in any case) with 409 naming nobody', async () => {
    const again = await as(b.manager).post('/v1/channels/mailboxes', { ...account, name: 'Réponses B', host: IMAP.host.toUpperCase(), username: IMAP.user.toUpperCase() });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ code: 'mailbox_already_watched', message: expect.stringContaining('already watched') });
    for (const secret of [mailboxId, a.companyId, 'Réponses A', 'Permanence A']) expect(JSON.stringify(again.body)).not.toContain(secret);
    // Within the same company too; INBOX is the same folder in any case.
    expect((await as(a.manager).post('/v1/channels/mailboxes', { ...account, name: 'Doublon' })).status).toBe(409);
    const inbox = await as(b.manager).post('/v1/channels/mailboxes', { ...account, name: 'Boîte B', folder: 'INBOX', active: false });
    expect(inbox.status).toBe(201);
    expect((await as(a.manager).post('/v1/channels/mailboxes', { ...account, folder: 'inbox', active: false })).body.code).toBe('mailbox_already_watched');
    // Moving B's mailbox onto A's folder is refused the same way; another folder is fine.
    expect((await as(b.manager).patch(`/v1/channels/mailboxes/${inbox.body.id}`, { folder })).status).toBe(409);
    expect((await as(b.manager).patch(`/v1/channels/mailboxes/${inbox.body.id}`, { folder: `${folder}-b` })).status).toBe(200);
    expect((await as(b.manager).get('/v1/channels/mailboxes')).body).toHaveLength(1);
    // The database refuses it too, whatever the code path.
    await expect(
      sql(
        `insert into mailbox (id, created_at, updated_at, company_id, name, host, port, secure, username, password_sealed, folder, active)
         values (gen_random_uuid(), now(), now(), ?, 'x', ?, ?, false, ?, 'v1:x', ?, true)`,
        [b.companyId, IMAP.host.toUpperCase(), IMAP.port, IMAP.user, folder],
      ),
    ).rejects.toThrow(/mailbox_account_unique/);
  });

  it('quarantines as sender_unverified a reply whose From the trusted server could not verify; other servers’ headers count for nothing', async () => {
    expect((await as(a.manager).patch(`/v1/channels/mailboxes/${mailboxId}`, { trustedAuthservId: '' })).status).toBe(400);
    const set = await as(a.manager).patch(`/v1/channels/mailboxes/${mailboxId}`, { trustedAuthservId: MX });
    expect(set.status).toBe(200);
    expect(set.body.trustedAuthservId).toBe(MX);
    const results = (value: string) => ({ 'Authentication-Results': value });
    await append({ to: copyA.replyAddress, text: 'Faux client (dmarc).', headers: results(`${MX}; spf=softfail smtp.mailfrom=contact@durand.test; dmarc=fail header.from=durand.test`) });
    // The forger adds a pass of his own: not the trusted server's, ignored.
    await append({
      to: copyB.replyAddress,
      text: 'Faux client chez B (dkim et spf).',
      headers: { 'Authentication-Results': `${MX}; dkim=fail header.d=durand.test; spf=fail smtp.mailfrom=contact@durand.test`, 'X-Forged': 'x', 'authentication-results': `mx.forger.test; dkim=pass header.d=durand.test` },
    });
    await append({ to: copyA.replyAddress, text: 'Vrai client (dkim).', headers: results(`${MX}; dkim=pass header.d=durand.test; spf=fail smtp.mailfrom=bounce@mailer.test`) });
    await append({ to: copyA.replyAddress, text: 'Client sans en-tête.' });
    await waitBody(a, 'Vrai client (dkim).');
    await waitBody(a, 'Client sans en-tête.');
    await waitFor(async () => (await items(a)).some((i) => i.reason === 'sender_unverified') && (await items(b)).some((i) => i.reason === 'sender_unverified'), 10_000, 'both forgeries quarantined');
    const [inA] = (await items(a)).filter((i) => i.reason === 'sender_unverified');
    expect(inA).toMatchObject({ sender: 'contact@durand.test', suggestedMessageId: a.messageId, preview: 'Faux client (dmarc).' });
    expect(inA.detail).toContain('dmarc=fail');
    const [inB] = (await items(b)).filter((i) => i.reason === 'sender_unverified');
    expect(inB).toMatchObject({ suggestedMessageId: b.messageId, preview: 'Faux client chez B (dkim et spf).' });
    expect(await bodies(a)).not.toContain('Faux client (dmarc).');
    expect(await bodies(b)).not.toContain('Faux client chez B (dkim et spf).');
    expect(await traceInA('Faux client chez B')).toEqual({ items: 0, rows: '0' });
    // Without a trusted server, the same forged mail is threaded as before.
    expect((await as(a.manager).patch(`/v1/channels/mailboxes/${mailboxId}`, { trustedAuthservId: null })).body.trustedAuthservId).toBeNull();
    await append({ to: copyA.replyAddress, text: 'Non vérifié, non configuré.', headers: results(`${MX}; dmarc=fail header.from=durand.test`) });
    await waitBody(a, 'Non vérifié, non configuré.');
  });
});
