import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ImapFlow } from 'imapflow';
import { ImapFlowMailboxClient, serverPath, serverReason } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildMail, newMessageId } from '../fixtures/mail/builder.js';
import { aSentEmailCopy, type SentCopy } from '../fixtures/mail/delivery.factory.js';
import { IMAP, waitFor } from '../harness/services.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

/**
 * The default processed and failed folders (`Relais/Processed`, `Relais/Failed`) on the test
 * Dovecot, which runs its stock layout: maildir, "." as hierarchy separator, "/" refused in names.
 */
describe('mailbox folders on a stock Dovecot (maildir, "." separator)', () => {
  const settings = { host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password };
  const folder = `spec-fold-${randomBytes(4).toString('hex')}`;
  const refusing = `${folder}-refused`;
  let ctx: TestContext;
  let api: TestApi;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let imap: MailboxSession;
  let raw: ImapFlow;
  let copy: SentCopy;
  const account = { host: IMAP.host, port: IMAP.port, secure: false, username: IMAP.user, password: IMAP.password };

  /** Folder names as the server lists them. */
  const serverFolders = async () => (await raw.list()).map((entry) => entry.path);
  /** The Message-IDs of the mail in a folder, named as the server names it. */
  const messageIdsIn = async (path: string): Promise<string[]> => {
    const lock = await raw.getMailboxLock(path);
    try {
      await raw.noop(); // the selected folder's view is brought up to date
      const ids: string[] = [];
      if (raw.mailbox && raw.mailbox.exists > 0) {
        for await (const message of raw.fetch('1:*', { envelope: true })) if (message.envelope?.messageId) ids.push(message.envelope.messageId);
      }
      return ids;
    } finally {
      lock.release();
    }
  };
  const mailbox = async (id: string) => (await as(world.manager).get(`/v1/channels/mailboxes/${id}`)).body as { lastError: string | null; lastConnectedAt: string | null };

  beforeAll(async () => {
    ctx = await TestContext.create((c) => ({ ...c, inbound: { ...c.inbound, lockTtlMs: 3_000 } }));
    api = await ctx.startApi();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Dossiers');
    as = callerOf(api.http);
    copy = await aSentEmailCopy(api.app.get(EntityManager).fork(), ctx.config, world.companyId, world.messageId, 'contact@durand.test');
    imap = await new ImapFlowMailboxClient().connect(settings);
    await imap.ensureFolder(folder);
    await imap.ensureFolder(refusing);
    raw = new ImapFlow({ host: IMAP.host, port: IMAP.port, secure: false, auth: { user: IMAP.user, pass: IMAP.password }, logger: false });
    await raw.connect();
  });
  afterAll(async () => {
    await ctx.close();
    for (const name of [folder, refusing]) await imap.deleteFolder(name).catch(() => undefined);
    await imap.close();
    await raw.logout();
  });

  it('the test server is a stock Dovecot: "." separates, "/" in a name is refused', async () => {
    expect(raw.namespace?.delimiter).toBe('.');
    const refused = await raw.mailboxCreate(`${folder}/x`).catch((error: unknown) => error);
    expect(serverReason(refused)).toMatch(/Name must not have '\/' characters/);
  });

  it('a mailbox with the default folders passes the connection test, which creates them', async () => {
    const created = await as(world.manager).post('/v1/channels/mailboxes', { name: 'Par défaut', ...account, folder, active: false });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ processedFolder: 'Relais/Processed', failedFolder: 'Relais/Failed' });
    const tested = await as(world.manager).post(`/v1/channels/mailboxes/${created.body.id}/test`);
    expect(tested.body).toMatchObject({ ok: true, messages: 0 });
    expect(await serverFolders()).toEqual(expect.arrayContaining(['Relais.Processed', 'Relais.Failed']));
    expect((await as(world.manager).del(`/v1/channels/mailboxes/${created.body.id}`)).status).toBe(204);
  });

  it('a folder the server refuses fails the connection test with the server’s words', async () => {
    const created = await as(world.manager).post('/v1/channels/mailboxes', { name: 'Refusé', ...account, folder: refusing, failedFolder: '~Relais/Failed', active: false });
    expect(created.status).toBe(201);
    const tested = await as(world.manager).post(`/v1/channels/mailboxes/${created.body.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body.ok).toBe(false);
    expect(tested.body.error).toBe(`Could not create folder "~Relais/Failed" ("~Relais.Failed" on this server): Invalid mailbox name: Begins with '~' [CANNOT]`);
    expect(await serverFolders()).not.toContain('~Relais.Failed');
    expect((await as(world.manager).del(`/v1/channels/mailboxes/${created.body.id}`)).status).toBe(204);
  });

  it('the watcher ingests mail with the default folders and moves it to Relais/Processed; a refused folder shows the server’s words in lastError', async () => {
    const good = await as(world.manager).post('/v1/channels/mailboxes', { name: 'Réponses', ...account, folder });
    const bad = await as(world.manager).post('/v1/channels/mailboxes', { name: 'Mal réglée', ...account, folder: refusing, processedFolder: '~Relais/Processed' });
    expect([good.status, bad.status]).toEqual([201, 201]);
    await ctx.startWorker();
    const messageId = newMessageId();
    await imap.append(folder, buildMail({ messageId, to: copy.replyAddress, inReplyTo: copy.emailMessageId, subject: 'Re: Appel de Mme Petit', text: 'Bien reçu, je rappelle.' }));
    const bodies = async () => ((await as(world.manager).get(`/v1/messages/${world.messageId}`)).body.replies as { body: string }[]).map((r) => r.body);
    await waitFor(async () => (await bodies()).includes('Bien reçu, je rappelle.'), 10_000, 'the reply ingested');
    await waitFor(async () => (await messageIdsIn('Relais.Processed')).includes(`<${messageId}>`), 10_000, 'the mail moved to Relais.Processed');
    expect(await messageIdsIn(folder)).toEqual([]);
    expect((await mailbox(good.body.id)).lastError).toBeNull();

    await waitFor(async () => (await mailbox(bad.body.id)).lastError !== null, 10_000, 'the refused folder noticed');
    expect((await mailbox(bad.body.id)).lastError).toBe(`Could not create folder "~Relais/Processed" ("~Relais.Processed" on this server): Invalid mailbox name: Begins with '~' [CANNOT]`);
  });

  it('names folders for the server: "/" becomes its separator, INBOX and servers using "/" keep the name', () => {
    expect(serverPath('Relais/Processed', '.')).toBe('Relais.Processed');
    expect(serverPath('Relais/Processed', '/')).toBe('Relais/Processed');
    expect(serverPath('Relais/Processed', undefined)).toBe('Relais/Processed');
    expect(serverPath('inbox', '.')).toBe('inbox');
    expect(serverPath('Clients.Réponses', '.')).toBe('Clients.Réponses');
  });
});
