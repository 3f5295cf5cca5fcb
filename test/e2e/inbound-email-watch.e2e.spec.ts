import { randomBytes } from 'node:crypto';
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildMail, buildWithAttachment } from '../fixtures/mail/builder.js';
import { aSentEmailCopy, type SentCopy } from '../fixtures/mail/delivery.factory.js';
import { type ImapProxy, startImapProxy } from '../fixtures/mail/imap-proxy.js';
import { IMAP, waitFor } from '../harness/services.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

/**
 * The watcher against a server without IDLE (polling fallback) and through an outage (reconnect
 * with backoff, then catch-up from the cursor). Dovecot sits behind a proxy this spec controls.
 */
describe('mailbox watching: polling fallback and reconnection', () => {
  const folder = `spec-watch-${randomBytes(4).toString('hex')}`;
  const settings = { host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password };
  let ctx: TestContext;
  let api: TestApi;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let imap: MailboxSession;
  let proxy: ImapProxy;
  let copy: SentCopy;
  let mailboxId: string;
  let sql: <T>(query: string, params?: unknown[]) => Promise<T[]>;
  const brokenStorage = join(tmpdir(), `relais-broken-storage-${randomBytes(4).toString('hex')}`);

  const bodies = async () => ((await as(world.manager).get(`/v1/messages/${world.messageId}`)).body.replies as { body: string }[]).map((r) => r.body);
  const reply = (text: string) => buildMail({ to: copy.replyAddress, inReplyTo: copy.emailMessageId, subject: 'Re: Appel de Mme Petit', text });

  beforeAll(async () => {
    proxy = await startImapProxy(IMAP, { hideIdle: true });
    // Polling every second where IDLE is missing; the safety poll far away, so only the fallback can see new mail.
    // Attachments "directory" is a plain file: storing any attachment fails, every time.
    writeFileSync(brokenStorage, 'not a directory');
    ctx = await TestContext.create((c) => ({
      ...c,
      inbound: { ...c.inbound, idleRestartMs: 1_000, pollIntervalMs: 600_000, lockTtlMs: 3_000, attachmentsDir: brokenStorage },
    }));
    api = await ctx.startApi();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Watch');
    as = callerOf(api.http);
    const em = api.app.get(EntityManager).fork();
    sql = (query, params = []) => em.getConnection().execute(query, params);
    copy = await aSentEmailCopy(em, ctx.config, world.companyId, world.messageId, 'contact@durand.test');
    imap = await new ImapFlowMailboxClient().connect(settings);
    await imap.ensureFolder(folder);
    const created = await as(world.manager).post('/v1/channels/mailboxes', {
      name: 'Sans IDLE',
      host: IMAP.host,
      port: proxy.port,
      secure: false,
      username: IMAP.user,
      password: IMAP.password,
      folder,
      processedFolder: `${folder}-done`,
      failedFolder: `${folder}-failed`,
    });
    expect(created.status).toBe(201);
    mailboxId = created.body.id;
    await ctx.startWorker();
  });
  afterAll(async () => {
    await ctx.close();
    for (const name of [folder, `${folder}-done`, `${folder}-failed`]) await imap.deleteFolder(name).catch(() => undefined);
    await imap.close();
    await proxy.close();
    rmSync(brokenStorage, { force: true });
  });

  it('the proxied server announces no IDLE', async () => {
    const session = await new ImapFlowMailboxClient().connect({ ...settings, port: proxy.port });
    expect(session.supportsIdle).toBe(false);
    await session.close();
    const direct = await new ImapFlowMailboxClient().connect(settings);
    expect(direct.supportsIdle).toBe(true);
    await direct.close();
  });

  it('keeps announcing new mail across IDLE restarts (re-issued every maxIdleMs)', async () => {
    const session = await new ImapFlowMailboxClient().connect(settings, { maxIdleMs: 1_000 });
    const scratch = `${folder}-idle`;
    await imap.ensureFolder(scratch);
    let changes = 0;
    await session.watch(scratch, () => (changes += 1), () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3_500)); // three IDLE restarts
    await imap.append(scratch, buildMail({ text: 'x' }));
    await waitFor(() => Promise.resolve(changes > 0), 3_000, 'the announcement after IDLE restarts');
    await session.close();
    await imap.deleteFolder(scratch);
  });

  it('sees new mail by polling where IDLE is missing', async () => {
    await waitFor(async () => (await as(world.manager).get(`/v1/channels/mailboxes/${mailboxId}`)).body.lastConnectedAt !== null, 10_000, 'the watcher connected');
    await imap.append(folder, reply('Vu par le sondage.'));
    await waitFor(async () => (await bodies()).includes('Vu par le sondage.'), 10_000, 'the reply threaded');
  });

  it('retries a mail whose processing fails, then quarantines it with the reason, without holding up the next one', async () => {
    await imap.append(folder, buildWithAttachment(1_000, { to: copy.replyAddress, subject: 'Re: Appel de Mme Petit' }, 'Avec un fichier impossible à ranger.'));
    await imap.append(folder, reply('Juste après le fichier.'));
    await waitFor(async () => (await bodies()).includes('Juste après le fichier.'), 10_000, 'the next mail threaded while the first is retried');
    let items: { reason: string; detail: string }[] = [];
    await waitFor(
      async () => (items = (await as(world.manager).get('/v1/quarantine?channel=email')).body.items as typeof items).some((i) => i.reason === 'processing_failed'),
      20_000,
      'the failing mail quarantined after its retries',
    );
    expect(items.find((i) => i.reason === 'processing_failed')!.detail).toMatch(/ENOTDIR|EEXIST|not a directory/i);
    expect(await bodies()).not.toContain('Avec un fichier impossible à ranger.');
  });

  it('reconnects with backoff after an outage and catches up the mail that arrived meanwhile', async () => {
    const before = proxy.connections();
    proxy.cut();
    await imap.append(folder, reply('Arrivé pendant la coupure.'));
    await waitFor(async () => (await as(world.manager).get(`/v1/channels/mailboxes/${mailboxId}`)).body.lastError !== null, 10_000, 'the outage noticed');
    expect(await bodies()).not.toContain('Arrivé pendant la coupure.');
    // Backoff: a refused reconnection is retried after 1 s, then 2 s…, not in a tight loop.
    const attemptsBefore = proxy.attempts();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(proxy.attempts() - attemptsBefore).toBeLessThanOrEqual(3);
    expect(proxy.connections()).toBe(before);
    proxy.resume();
    await waitFor(async () => (await bodies()).includes('Arrivé pendant la coupure.'), 20_000, 'the reply caught up after reconnecting');
    expect(proxy.connections()).toBeGreaterThan(before);
    expect((await as(world.manager).get(`/v1/channels/mailboxes/${mailboxId}`)).body.lastError).toBeNull();
    expect((await bodies()).filter((b) => b === 'Arrivé pendant la coupure.')).toHaveLength(1);
  });

  it('restarts the watch with the new settings when the mailbox is edited, and stops it when deactivated', async () => {
    const [{ cursor_uid: cursorBefore }] = await sql<{ cursor_uid: string }>('select cursor_uid from mailbox where id = ?', [mailboxId]);
    expect((await as(world.manager).patch(`/v1/channels/mailboxes/${mailboxId}`, { port: IMAP.port })).status).toBe(200);
    proxy.cut(); // only the new settings (Dovecot directly) can see the next mail
    await imap.append(folder, reply('Après modification de la boîte.'));
    await waitFor(async () => (await bodies()).includes('Après modification de la boîte.'), 15_000, 'the reply read with the new settings');
    const [{ cursor_uid: cursorAfter }] = await sql<{ cursor_uid: string }>('select cursor_uid from mailbox where id = ?', [mailboxId]);
    expect(Number(cursorAfter)).toBeGreaterThan(Number(cursorBefore));

    expect((await as(world.manager).patch(`/v1/channels/mailboxes/${mailboxId}`, { active: false })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a watcher tick (a third of the 3 s lock)
    await imap.append(folder, reply('Boîte désactivée.'));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await bodies()).not.toContain('Boîte désactivée.');
  });
});
