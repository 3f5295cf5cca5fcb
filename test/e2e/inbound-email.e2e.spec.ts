import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { redisSettings } from '../../src/core/redis/redis-settings.js';
import { type LiveEvent, LiveEvents } from '../../src/conversations/live-events.service.js';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildBounce, buildDeepMultipart, buildMail, buildWithAttachment, type MailParts, newMessageId } from '../fixtures/mail/builder.js';
import { finished, startEntry } from '../harness/processes.js';
import { IMAP, waitFor } from '../harness/services.js';
import { startSmtpListener, type CapturedMail, type SmtpListener } from '../harness/smtp-listener.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

interface Reply {
  id: string;
  origin: string;
  senderAddress: string;
  automatic: boolean;
  body: string;
  originalBody: string | null;
  attachments: { name: string; location: string | null; omitted?: string }[];
}

/** Tests that start and stop worker processes (each compiles the sources at start) on a shared machine. */
const RESTARTS_TIMEOUT_MS = 120_000;

describe('inbound email over IMAP (Dovecot): durable, threaded, exactly once', () => {
  const folder = `spec-in-${randomBytes(4).toString('hex')}`;
  const processed = `${folder}-done`;
  const failed = `${folder}-failed`;
  const attachmentsDir = mkdtempSync(join(tmpdir(), 'relais-att-'));
  let ctx: TestContext;
  let api: TestApi;
  let smtp: SmtpListener;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let imap: MailboxSession;
  const workers: ChildProcess[] = [];
  let sql: <T>(query: string, params?: unknown[]) => Promise<T[]>;
  let mailboxId: string;

  /** A worker process as `npm run start:worker` runs it (a replica: several may run at once). */
  const startWorker = async (): Promise<ChildProcess> => {
    const child = startEntry('worker', [], {
      DATABASE_URL: ctx.config.database.url,
      REDIS_URL: ctx.config.redis.url,
      QUEUE_PREFIX: ctx.config.queue.prefix,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      OUTBOUND_RATE_EMAIL_PER_SECOND: '0',
      OUTBOUND_RELAY_INTERVAL_MS: '100',
      INBOUND_ATTACHMENTS_DIR: attachmentsDir,
      INBOUND_ATTACHMENT_MAX_BYTES: '1000000',
      MAILBOX_LOCK_TTL_MS: '3000',
      IMAP_POLL_INTERVAL_MS: '2000',
      LOG_LEVEL: 'info',
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(() => Promise.resolve(output.includes('"worker started"') || child.exitCode !== null), 60_000, 'the worker to start');
    if (child.exitCode !== null) throw new Error(`worker exited: ${output}`);
    workers.push(child);
    return child;
  };
  const stopWorker = async (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
    const exit = finished(child, 15_000);
    child.kill(signal);
    await exit;
  };
  /** The pid written in the mailbox's ownership lock (`host:pid:random`). */
  const ownerPid = async (): Promise<number | null> => {
    const redis = new Redis(redisSettings(ctx.config.redis.url));
    try {
      const owner = await redis.get(`${ctx.config.queue.prefix}:mailbox-owner:${mailboxId}`);
      return owner ? Number(owner.split(':')[1]) : null;
    } finally {
      redis.disconnect();
    }
  };
  const append = (raw: Buffer) => imap.append(folder, raw);
  const repliesOf = async (messageId: string): Promise<Reply[]> => (await as(world.manager).get(`/v1/messages/${messageId}`)).body.replies as Reply[];
  const waitReplies = async (messageId: string, count: number, ms = 10_000): Promise<Reply[]> => {
    let replies: Reply[] = [];
    await waitFor(async () => (replies = await repliesOf(messageId)).length >= count, ms, `${count} replies on ${messageId}`);
    return replies;
  };
  const quarantined = async (reason: string) =>
    ((await as(world.manager).get('/v1/quarantine?status=open&channel=email')).body.items as { id: string; reason: string; sender: string; suggestedMessageId: string | null; detail: string }[]).filter(
      (i) => i.reason === reason,
    );
  const rowsSettled = () =>
    waitFor(async () => (await sql<{ n: string }>(`select count(*) as n from inbound_email where status = 'received'`))[0].n === '0', 40_000, 'every stored mail processed');

  /** Sends a message with an email copy to the client; returns the thread and the captured copy. */
  const sendCopy = async (subject: string): Promise<{ messageId: string; copy: CapturedMail }> => {
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject, body: 'Mme Petit a appelé à 9 h.', copies: ['email'] });
    expect(res.status).toBe(201);
    // Reply alerts to staff go through the same listener: pick this thread's copy by its Message-ID.
    let sent: { email_message_id: string }[] = [];
    await waitFor(
      async () => (sent = await sql(`select email_message_id from delivery where conversation_id = ? and kind = 'copy' and status = 'sent'`, [res.body.id])).length === 1,
      10_000,
      `the email copy of "${subject}"`,
    );
    const isCopy = (m: CapturedMail) => m.parsed.messageId === `<${sent[0].email_message_id}>`;
    await waitFor(() => Promise.resolve(smtp.messages.some(isCopy)), 5_000, 'the copy captured');
    return { messageId: res.body.id as string, copy: smtp.messages.find(isCopy)! };
  };
  /** A reply to a captured copy, as a mail program writes it: to the Reply-To, In-Reply-To the Message-ID. */
  const replyTo = (copy: CapturedMail, parts: MailParts = {}): Buffer =>
    buildMail({
      to: copy.parsed.replyTo!.value[0].address!,
      subject: `Re: ${copy.parsed.subject}`,
      inReplyTo: copy.parsed.messageId!.slice(1, -1),
      references: [copy.parsed.messageId!.slice(1, -1)],
      ...parts,
    });

  beforeAll(async () => {
    smtp = await startSmtpListener();
    ctx = await TestContext.create((c) => ({
      ...c,
      smtp: { url: `smtp://127.0.0.1:${smtp.port}`, poolMax: 2, timeoutMs: 5_000 },
      outbound: { ...c.outbound, ratePerSecond: { email: 0, sms: 0, fax: 0 }, relayIntervalMs: 100 },
      inbound: { ...c.inbound, attachmentsDir, attachmentMaxBytes: 1_000_000, lockTtlMs: 3_000, pollIntervalMs: 2_000 },
    }));
    api = await ctx.startApi();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Inbound');
    as = callerOf(api.http);
    const em = api.app.get(EntityManager).fork();
    sql = (query, params = []) => em.getConnection().execute(query, params);
    expect((await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@permanence.test', name: 'Permanence du Centre' })).status).toBe(200);
    imap = await new ImapFlowMailboxClient().connect({ host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password });
    await imap.ensureFolder(folder);
    await startWorker();
  }, RESTARTS_TIMEOUT_MS);
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) await stopWorker(child);
    for (const name of [folder, processed, failed]) await imap.deleteFolder(name).catch(() => undefined);
    await imap.close();
    await ctx.close();
    await smtp.close();
    rmSync(attachmentsDir, { recursive: true, force: true });
  }, RESTARTS_TIMEOUT_MS);

  it('configures a mailbox (channels.manage): password sealed and never returned, connection test', async () => {
    const body = { name: 'Réponses', host: IMAP.host, port: IMAP.port, secure: false, username: IMAP.user, password: IMAP.password, folder, processedFolder: processed, failedFolder: failed };
    expect((await as(world.operator).post('/v1/channels/mailboxes', body)).status).toBe(403);
    expect((await as(world.manager).post('/v1/channels/mailboxes', { ...body, port: 70000 })).status).toBe(400);
    expect((await as(world.manager).post('/v1/channels/mailboxes', { ...body, processedFolder: folder })).body.code).toBe('unprocessable');
    const wrong = await as(world.manager).post('/v1/channels/mailboxes', { ...body, name: 'wrong', password: 'nope', active: false });
    expect(wrong.status).toBe(201);
    expect((await as(world.manager).post(`/v1/channels/mailboxes/${wrong.body.id}/test`)).body).toMatchObject({ ok: false, error: expect.stringContaining('Could not connect') });
    expect((await as(world.manager).patch(`/v1/channels/mailboxes/${wrong.body.id}`, { name: 'toujours faux', password: 'encore-faux' })).status).toBe(200);
    expect((await as(world.manager).del(`/v1/channels/mailboxes/${wrong.body.id}`)).status).toBe(204);
    // The audit log says who configured, changed and removed it, never with its password.
    const audit = await as(world.manager).get(`/v1/audit?targetType=mailbox&targetId=${wrong.body.id}`);
    const entries = audit.body.items as { action: string; actorId: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[];
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ['mailbox.create', world.managerId],
      ['mailbox.update', world.managerId],
      ['mailbox.delete', world.managerId],
    ]);
    expect(entries[1]).toMatchObject({ before: { name: 'wrong' }, after: { name: 'toujours faux', password: 'changed' } });
    expect(JSON.stringify(entries)).not.toMatch(/nope|encore-faux|v1:|cursorUid/);

    const created = await as(world.manager).post('/v1/channels/mailboxes', body);
    expect(created.status).toBe(201);
    mailboxId = created.body.id;
    expect(JSON.stringify(created.body)).not.toContain(IMAP.password);
    expect(created.body).not.toHaveProperty('passwordSealed');
    const [row] = await sql<{ password_sealed: string }>('select password_sealed from mailbox where id = ?', [mailboxId]);
    expect(row.password_sealed).toMatch(/^v1:/);
    expect((await as(world.manager).post(`/v1/channels/mailboxes/${mailboxId}/test`)).body).toMatchObject({ ok: true, messages: 0 });
  });

  it('threads a reply to a real email copy (token + Message-ID) within 2 s, trimmed, original kept, then moves it', async () => {
    const { messageId, copy } = await sendCopy('Appel de Mme Petit');
    const text = `C'est noté, je la rappelle.\n\nLe 24 nov. 2026 à 09:12, Permanence du Centre <accueil@permanence.test> a écrit :\n> Mme Petit a appelé à 9 h.\n`;
    const events: LiveEvent[] = [];
    const subscription = api.app.get(LiveEvents).stream().subscribe((event) => events.push(event));
    const started = Date.now();
    await append(replyTo(copy, { text }));
    const [reply] = await waitReplies(messageId, 1, 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    // Participants connected to /v1/events hear of it at once (published by the worker process).
    await waitFor(() => Promise.resolve(events.some((e) => e.type === 'message.replied' && e.messageId === messageId)), 2_000, 'the live event');
    subscription.unsubscribe();
    expect(reply).toMatchObject({ origin: 'email', senderAddress: 'contact@durand.test', automatic: false, body: "C'est noté, je la rappelle." });
    expect(reply.originalBody).toContain('Mme Petit a appelé à 9 h.');
    await waitFor(async () => (await imap.folderState(processed)).messages === 1 && (await imap.folderState(folder)).messages === 0, 5_000, 'the mail moved to the processed folder');
  });

  it('makes one reply of the same mail seen twice (same Message-ID), and of a mail without Message-ID', async () => {
    const { messageId, copy } = await sendCopy('Devis chaudière');
    const mail = replyTo(copy, { text: 'Oui pour le devis.' });
    await append(mail);
    await append(mail);
    const noId = replyTo(copy, { text: 'Et sans identifiant.', messageId: null });
    await append(noId);
    await waitReplies(messageId, 2);
    await rowsSettled();
    expect((await repliesOf(messageId)).map((r) => r.body).sort()).toEqual(['Et sans identifiant.', 'Oui pour le devis.']);
    const statuses = await sql<{ status: string }>(`select status from inbound_email where message_id_header = ? order by id`, [mail.toString().match(/Message-ID: <([^>]+)>/)![1]]);
    expect(statuses.map((s) => s.status)).toEqual(['threaded', 'duplicate']);
  });

  it('threads by Message-ID alone and by subject tag alone; recognises our own mail coming back as a loop', async () => {
    const { messageId, copy } = await sendCopy('Fuite dans la cuisine');
    const ourId = copy.parsed.messageId!.slice(1, -1);
    await append(buildMail({ to: 'reponses@relais.test', subject: 'Re: la fuite', inReplyTo: ourId, text: 'Par les en-têtes seulement.' }));
    const tag = /\[(R-[A-Z0-9]+)\]/.exec(copy.parsed.subject!)![1];
    await append(buildMail({ to: 'reponses@relais.test', subject: `Réf. [${tag}] la fuite`, text: 'Par la référence seulement.' }));
    await append(copy.raw);
    await waitReplies(messageId, 2);
    await rowsSettled();
    expect((await repliesOf(messageId)).map((r) => r.body).sort()).toEqual(['Par la référence seulement.', 'Par les en-têtes seulement.']);
    const [loop] = await sql<{ status: string }>(`select status from inbound_email where message_id_header = ?`, [ourId]);
    expect(loop.status).toBe('loop');
  });

  it('records an out-of-office reply as automatic and marks a bounced copy failed', async () => {
    const { messageId, copy } = await sendCopy('Rendez-vous jeudi');
    await append(replyTo(copy, { subject: 'Réponse automatique : Rendez-vous jeudi', headers: { 'Auto-Submitted': 'auto-replied' }, text: 'Je suis absent jusqu’au 30.' }));
    const [auto] = await waitReplies(messageId, 1);
    expect(auto).toMatchObject({ automatic: true });
    // Recorded without disturbing anyone: no email alert to staff (a person's reply gets one).
    await rowsSettled();
    expect(await sql(`select id from delivery where kind = 'reply_alert' and entry_id = ?`, [auto.id])).toHaveLength(0);
    expect((await sql(`select id from delivery where kind = 'reply_alert'`)).length).toBeGreaterThan(0);

    await append(buildBounce(copy.parsed.messageId!.slice(1, -1), 'contact@durand.test'));
    await waitFor(
      async () => ((await as(world.manager).get(`/v1/deliveries?messageId=${messageId}`)).body.items as { status: string }[]).some((d) => d.status === 'failed'),
      10_000,
      'the bounced delivery failed',
    );
    const [delivery] = (await as(world.manager).get(`/v1/deliveries?messageId=${messageId}`)).body.items as { failureReason: string }[];
    expect(delivery.failureReason).toContain('550 5.1.1');
    expect(await repliesOf(messageId)).toHaveLength(1);
  });

  it('quarantines a stranger holding a forwarded token (sender_mismatch); an operator assigns it, another is discarded', async () => {
    const { messageId, copy } = await sendCopy('Clés du local');
    await append(replyTo(copy, { from: 'Inconnu <stranger@elsewhere.test>', text: 'Je prends la main sur ce dossier.' }));
    await append(buildMail({ from: 'someone@elsewhere.test', subject: 'Bonjour', text: 'Aucune référence.' }));
    await waitFor(async () => (await quarantined('sender_mismatch')).length === 1 && (await quarantined('no_thread')).length === 1, 10_000, 'two quarantined mails');
    const [mismatch] = await quarantined('sender_mismatch');
    expect(mismatch).toMatchObject({ sender: 'stranger@elsewhere.test', suggestedMessageId: messageId });
    expect(await repliesOf(messageId)).toHaveLength(0);
    await waitFor(async () => (await imap.folderState(failed)).messages === 2, 5_000, 'quarantined mail moved to the failed folder');

    // Triage is an operator's job (quarantine.triage), not only an admin's.
    const assigned = await as(world.operator).post(`/v1/quarantine/${mismatch.id}/assign`, { messageId });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', assignedMessageId: messageId, resolvedBy: world.operatorId });
    expect((await repliesOf(messageId)).map((r) => r.senderAddress)).toEqual(['stranger@elsewhere.test']);
    // Assigning again is answered with the same item; no second reply.
    expect((await as(world.manager).post(`/v1/quarantine/${mismatch.id}/assign`, { messageId })).status).toBe(200);
    expect(await repliesOf(messageId)).toHaveLength(1);

    const [orphan] = await quarantined('no_thread');
    expect((await as(world.manager).post(`/v1/quarantine/${orphan.id}/discard`, {})).status).toBe(400);
    expect((await as(world.manager).post(`/v1/quarantine/${orphan.id}/discard`, { reason: 'publicité' })).body).toMatchObject({ status: 'discarded', discardReason: 'publicité' });
    expect((await as(world.manager).post(`/v1/quarantine/${orphan.id}/assign`, { messageId })).status).toBe(409);
  });

  it('quarantines malformed mail with its reason and keeps the mailbox flowing; bad input never crashes the worker', async () => {
    const { messageId, copy } = await sendCopy('Entrées difficiles');
    await append(Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x0d, 0x0a, 0x80, 0x81, 0x0d, 0x0a]));
    const many = Array.from({ length: 10_000 }, (_, i) => `r${i}@example.test`).join(', ');
    // 10,000 recipients, the reply token last of them and no thread headers: still found.
    await append(buildMail({ to: 'equipe@client.test', cc: `${many}, ${copy.parsed.replyTo!.value[0].address!}`, subject: 'Re: pour tous', text: 'Réponse à beaucoup de monde.' }));
    await append(replyTo(copy, { contentType: 'text/plain; charset=x-klingon', rawBody: Buffer.from('R\xe9ponse en charset inconnu', 'latin1') }));
    await append(buildWithAttachment(2_000_000, { to: copy.parsed.replyTo!.value[0].address!, subject: `Re: ${copy.parsed.subject}`, messageId: newMessageId() }, 'Pièce jointe trop lourde.'));
    await append(buildWithAttachment(10_000, { to: copy.parsed.replyTo!.value[0].address!, subject: `Re: ${copy.parsed.subject}`, messageId: newMessageId() }, 'Voici le devis.'));
    await append(buildDeepMultipart(120, 'Réponse très imbriquée.', { to: copy.parsed.replyTo!.value[0].address!, subject: `Re: ${copy.parsed.subject}` }));
    // A 30 MB mail (a 22 MB scan, base64): stored and threaded, the file replaced by a note.
    await append(buildWithAttachment(22_500_000, { to: copy.parsed.replyTo!.value[0].address!, subject: `Re: ${copy.parsed.subject}`, messageId: newMessageId() }, 'Le scan complet.'));
    const replies = await waitReplies(messageId, 6, 30_000);
    expect(replies.map((r) => r.body).sort()).toEqual([
      'Le scan complet.',
      'Pièce jointe trop lourde.',
      'Réponse en charset inconnu',
      'Réponse très imbriquée.',
      'Réponse à beaucoup de monde.',
      'Voici le devis.',
    ]);
    const [big] = await sql<{ size: number }>(`select size from inbound_email order by size desc limit 1`);
    expect(big.size).toBeGreaterThan(30_000_000);
    expect(replies.find((r) => r.body === 'Le scan complet.')!.attachments[0]).toMatchObject({ location: null, omitted: expect.stringContaining('not kept') });
    const heavy = replies.find((r) => r.body === 'Pièce jointe trop lourde.')!;
    expect(heavy.attachments).toEqual([expect.objectContaining({ name: 'devis.pdf', location: null, omitted: expect.stringContaining('larger than') })]);
    const kept = replies.find((r) => r.body === 'Voici le devis.')!.attachments[0];
    expect(readFileSync(join(attachmentsDir, kept.location!)).length).toBe(10_000);
    await append(buildDeepMultipart(3_000, 'Trop imbriquée.', { to: copy.parsed.replyTo!.value[0].address!, subject: `Re: ${copy.parsed.subject}` }));
    await waitFor(async () => (await quarantined('unparsable')).length === 2, 10_000, 'garbage and MIME nested past the limit quarantined');
    expect((await quarantined('unparsable')).map((i) => i.detail).sort()).toEqual([expect.stringContaining('No sender address'), expect.stringContaining('MIME structure could not be parsed')]);
  });

  it('two replicas: one owns the mailbox; the owner killed mid-stream, the other takes over and every mail makes one reply', async () => {
    const { messageId, copy } = await sendCopy('Pendant la coupure');
    await startWorker();
    const owner = await ownerPid();
    const victim = workers.find((w) => w.pid === owner)!;
    expect(victim).toBeDefined();
    for (let i = 1; i <= 3; i++) await append(replyTo(copy, { text: `Message ${i} avant la panne.` }));
    await waitReplies(messageId, 1);
    await stopWorker(victim, 'SIGKILL');
    for (let i = 4; i <= 8; i++) await append(replyTo(copy, { text: `Message ${i} pendant la panne.` }));
    const tookOver = Date.now();
    await waitFor(async () => (await ownerPid()) !== owner && (await ownerPid()) !== null, 30_000, 'another worker to own the mailbox');
    expect(Date.now() - tookOver).toBeLessThan(30_000);
    const replies = await waitReplies(messageId, 8, 40_000);
    await rowsSettled();
    expect(replies.map((r) => r.body).sort()).toEqual([
      ...[1, 2, 3].map((i) => `Message ${i} avant la panne.`),
      ...[4, 5, 6, 7, 8].map((i) => `Message ${i} pendant la panne.`),
    ]);
  }, RESTARTS_TIMEOUT_MS);

  it('catches up everything appended while no worker ran, once, after a restart', async () => {
    const { messageId, copy } = await sendCopy('Reprise après arrêt');
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) await stopWorker(child);
    for (let i = 1; i <= 5; i++) await append(replyTo(copy, { text: `Message ${i} pendant l’arrêt.` }));
    await startWorker();
    const replies = await waitReplies(messageId, 5, 40_000);
    await rowsSettled();
    expect(replies.map((r) => r.body).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `Message ${i} pendant l’arrêt.`));
  }, RESTARTS_TIMEOUT_MS);

  it('catches up a mixed backlog read as one batch: each mail ends as it would alone', async () => {
    const { messageId, copy } = await sendCopy('Arriéré mélangé');
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) await stopWorker(child);
    const ids = { reply: newMessageId(), auto: newMessageId(), stranger: newMessageId(), orphan: newMessageId(), loop: copy.parsed.messageId!.slice(1, -1) };
    const reply = replyTo(copy, { messageId: ids.reply, text: 'Réponse dans l’arriéré.' });
    await append(reply);
    await append(reply);
    await append(replyTo(copy, { messageId: ids.auto, subject: 'Réponse automatique : absent', headers: { 'Auto-Submitted': 'auto-replied' }, text: 'Absent jusqu’à lundi.' }));
    await append(replyTo(copy, { messageId: ids.stranger, from: 'Inconnu <stranger2@elsewhere.test>', text: 'Je ne suis pas de la maison.' }));
    await append(buildMail({ messageId: ids.orphan, from: 'someone@elsewhere.test', subject: 'Bonjour', text: 'Sans référence.' }));
    await append(copy.raw);
    await startWorker();
    type Row = { id: string; message_id_header: string; status: string; entry_id: string | null; reason: string | null };
    let rows: Row[] = [];
    await waitFor(
      async () =>
        (rows = await sql<Row>(
          `select e.id, e.message_id_header, e.status, e.entry_id, q.reason from inbound_email e left join quarantine_item q on q.source_id = e.id
            where e.message_id_header in (?, ?, ?, ?, ?) order by e.id`,
          Object.values(ids),
        )).length === 6 && rows.every((r) => r.status !== 'received'),
      40_000,
      'the mixed backlog processed',
    );
    const outcome = (header: string) => rows.filter((r) => r.message_id_header === header).map((r) => (r.reason ? `${r.status}:${r.reason}` : r.status));
    expect(outcome(ids.reply)).toEqual(['threaded', 'duplicate']);
    expect(outcome(ids.auto)).toEqual(['automatic']);
    expect(outcome(ids.stranger)).toEqual(['quarantined:sender_mismatch']);
    expect(outcome(ids.orphan)).toEqual(['quarantined:no_thread']);
    expect(outcome(ids.loop)).toEqual(['loop']);
    const replies = await repliesOf(messageId);
    expect(replies.map((r) => [r.body, r.automatic]).sort()).toEqual([
      ['Absent jusqu’à lundi.', true],
      ['Réponse dans l’arriéré.', false],
    ]);
    // Staff are alerted of the person's reply, once; never of the auto-reply.
    const alerts = async (replyId: string) => (await sql(`select id from delivery where kind = 'reply_alert' and entry_id = ?`, [replyId])).length;
    expect(await alerts(replies.find((r) => !r.automatic)!.id)).toBeGreaterThan(0);
    expect(await alerts(replies.find((r) => r.automatic)!.id)).toBe(0);
  }, RESTARTS_TIMEOUT_MS);

  it('rescans safely after a UIDVALIDITY change: mail seen before is recognised, new mail threaded', async () => {
    const { messageId, copy } = await sendCopy('Renumérotation');
    const first = replyTo(copy, { text: 'Avant la renumérotation.' });
    await append(first);
    await waitReplies(messageId, 1);
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) await stopWorker(child);
    const [before] = await sql<{ cursor_uid_validity: string }>('select cursor_uid_validity from mailbox where id = ?', [mailboxId]);
    // The server renumbers the folder: deleted and recreated, it gets a new UIDVALIDITY.
    await imap.deleteFolder(folder);
    await imap.ensureFolder(folder);
    await append(first);
    await append(replyTo(copy, { text: 'Après la renumérotation.' }));
    await startWorker();
    await waitReplies(messageId, 2, 40_000);
    await rowsSettled();
    const [after] = await sql<{ cursor_uid_validity: string }>('select cursor_uid_validity from mailbox where id = ?', [mailboxId]);
    expect(after.cursor_uid_validity).not.toBe(before.cursor_uid_validity);
    expect((await repliesOf(messageId)).map((r) => r.body)).toEqual(['Avant la renumérotation.', 'Après la renumérotation.']);
  }, RESTARTS_TIMEOUT_MS);
});
