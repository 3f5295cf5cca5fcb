import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { aPassword } from '../factories/accounts.factory.js';
import { aWatchedMailbox } from '../factories/mailbox.factory.js';
import type { CompanyWorld } from '../factories/world.factory.js';
import { buildMail, buildWithFiles } from '../fixtures/mail/builder.js';
import { IMAP, waitFor } from '../harness/services.js';
import { type SmtpListener, startSmtpListener } from '../harness/smtp-listener.js';
import type { callerOf } from '../harness/test-context.js';
import { consoleMailConfig, type ConsolePage, openConsole, signIn, signInWithPassword, ScreenLog } from './browser-harness.js';
import { type ConsoleStage, startConsoleStage } from './console-stage.js';

const PASSWORD = 'un mot de passe assez long';
/** Longer than the item's preview (500 characters): only the whole mail shows the last line. */
const LONG_PARAGRAPH = 'J’ai bien reçu les précédentes, mais celle-ci manque à l’appel. '.repeat(10);
const LAST_LINE = 'Fin du message : merci d’avance pour votre aide.';
/** The file the first mail carries: its bytes must come back whole through the page's link. */
const INVOICE = { filename: 'facture-novembre.pdf', contentType: 'application/pdf', content: Buffer.concat([Buffer.from('%PDF-1.4 facture\n'), randomBytes(3_000)]) };

interface Item {
  id: string;
  status: string;
  reason: string;
  subject: string | null;
  discardReason: string | null;
  assignedMessageId: string | null;
}

/**
 * Quarantine triage in Chromium against the real API, worker and Dovecot: mails nobody's thread was
 * waiting for come in through a watched mailbox and land in the quarantine; an operator sees them
 * with their reason, opens one, assigns it to a thread (it becomes a reply there), discards the rest
 * in one bulk action; an account without quarantine.triage sees no entry and the API refuses it.
 */
describe('the console in a browser: quarantine triage', () => {
  const folder = `spec-quarantine-${randomBytes(4).toString('hex')}`;
  let stage: ConsoleStage;
  let app: NestExpressApplication;
  let url: string;
  let smtp: SmtpListener;
  let imap: MailboxSession;
  let browser: Browser;
  let w: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let ui: ConsolePage;
  const screens = new ScreenLog();
  const shot = (page: ConsolePage, name: string) => screens.shot(page, name);
  const items = async (status = 'open'): Promise<Item[]> => (await as(w.manager).get(`/v1/quarantine?status=${status}`).expect(200)).body.items as Item[];

  beforeAll(async () => {
    smtp = await startSmtpListener();
    stage = await startConsoleStage('Permanence Quarantaine', (c) => ({ ...consoleMailConfig(c, smtp.port), inbound: { ...c.inbound, lockTtlMs: 3_000, pollIntervalMs: 500 } }));
    ({ browser, app, url, as, w } = stage);
    const { http } = stage;
    imap = await new ImapFlowMailboxClient().connect({ host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password });
    await imap.ensureFolder(folder);
    const to = 'accueil@permanence-quarantaine.test';
    const mails = [
      buildWithFiles([INVOICE], { from: 'Jean Inconnu <jean@ailleurs.test>', to, subject: 'Question sur ma facture' }, `Bonjour, je ne retrouve pas ma facture de novembre.\n\n${LONG_PARAGRAPH}\n\n${LAST_LINE}`),
      buildMail({ from: 'Promo <promo@publicite.test>', to, subject: 'Offre exceptionnelle', text: 'Profitez de -50 % sur tout.' }),
      buildMail({ from: 'Promo <promo@publicite.test>', to, subject: 'Dernière chance', text: 'L’offre se termine ce soir.' }),
    ];
    for (const mail of mails) await imap.append(folder, mail);
    await aWatchedMailbox(http, w.manager, folder);
    await stage.ctx.startWorker();
    await waitFor(async () => (await items()).length === 3, 30_000, 'three mails in the quarantine');
    ui = await openConsole(browser, url);
  }, 120_000);

  afterAll(async () => {
    await stage?.close();
    for (const name of [folder, `${folder}-done`, `${folder}-failed`]) await imap?.deleteFolder(name).catch(() => undefined);
    await imap?.close();
    await smtp?.close();
  }, 60_000);

  it('lists what came in with its reason, for an operator', async () => {
    await signInWithPassword(ui, app, { url, inviter: w.manager, userId: w.operatorId, password: PASSWORD });
    await ui.page.getByRole('link', { name: 'Quarantaine' }).click();
    await ui.page.getByRole('heading', { name: 'Quarantaine' }).waitFor();
    const rows = ui.page.getByTestId('quarantine-row');
    await waitFor(async () => (await rows.count()) === 3, 5_000, 'three rows');
    expect((await items()).every((i) => i.reason === 'no_thread')).toBe(true);
    await expect(rows.filter({ hasText: 'Question sur ma facture' }).getByTestId('quarantine-reason').innerText()).resolves.toBe('Aucun fil reconnu');
    await expect(rows.filter({ hasText: 'Question sur ma facture' }).innerText()).resolves.toContain('jean@ailleurs.test');
    await shot(ui, 'quarantine');
  }, 60_000);

  it('opens a mail and assigns it to a thread: it becomes a reply there', async () => {
    await ui.page.getByRole('link', { name: 'Question sur ma facture' }).click();
    await ui.page.getByRole('heading', { name: 'Question sur ma facture' }).waitFor();
    // The whole mail, beyond the item's preview, and what is attached to it.
    await ui.page.getByTestId('quarantine-text').filter({ hasText: LAST_LINE }).waitFor();
    await expect(ui.page.getByRole('list', { name: 'Pièces jointes' }).innerText()).resolves.toContain('facture-novembre.pdf');
    await shot(ui, 'quarantine-item');
    // The file downloads from the page's link, byte for byte, under its own name.
    const [download] = await Promise.all([ui.page.waitForEvent('download'), ui.page.getByRole('link', { name: 'facture-novembre.pdf' }).click()]);
    expect(download.suggestedFilename()).toBe('facture-novembre.pdf');
    const saved = await readFile(await download.path());
    expect(Buffer.compare(saved, INVOICE.content)).toBe(0);
    // The thread named by the link an operator copies from the address bar.
    await ui.page.getByLabel('Fil de destination', { exact: true }).fill(`${url}/console/messages/${w.messageId}`);
    await ui.page.getByRole('button', { name: 'Rattacher', exact: true }).click();
    await expect(ui.page.getByTestId('quarantine-status').filter({ hasText: 'Rattaché' }).waitFor()).resolves.toBeUndefined();
    await ui.page.getByRole('link', { name: 'Ouvrir le fil' }).click();
    await ui.page.getByRole('heading', { name: 'Appel de Mme Petit' }).waitFor();
    await ui.page.getByText('je ne retrouve pas ma facture de novembre').first().waitFor();
    const assigned = (await items('assigned')).find((i) => i.subject === 'Question sur ma facture');
    expect(assigned).toMatchObject({ assignedMessageId: w.messageId });
  }, 60_000);

  it('discards the rest in one bulk action, with the keyboard, and the list empties', async () => {
    await ui.page.getByRole('link', { name: 'Quarantaine' }).click();
    const rows = ui.page.getByTestId('quarantine-row');
    await waitFor(async () => (await rows.count()) === 2, 5_000, 'the two open rows');
    await ui.page.getByLabel('Tout sélectionner', { exact: true }).focus();
    await ui.page.keyboard.press('Space');
    await ui.page.getByRole('heading', { name: '2 éléments sélectionnés' }).waitFor();
    await ui.page.getByLabel('Motif pour écarter la sélection', { exact: true }).fill('Démarchage');
    await shot(ui, 'quarantine-bulk');
    await ui.page.getByLabel('Motif pour écarter la sélection', { exact: true }).press('Enter');
    await ui.page.getByText('Rien en quarantaine pour ces filtres.').waitFor();
    const discarded = await items('discarded');
    expect(discarded.map((i) => [i.subject, i.discardReason]).sort()).toEqual([
      ['Dernière chance', 'Démarchage'],
      ['Offre exceptionnelle', 'Démarchage'],
    ]);
    await ui.page.getByLabel('État', { exact: true }).selectOption('discarded');
    await waitFor(async () => (await rows.count()) === 2, 5_000, 'the discarded rows');
    await expect(rows.first().innerText()).resolves.toContain('Écarté');
  }, 60_000);

  it('shows no quarantine to an account without quarantine.triage, and the API refuses its session', async () => {
    const night = await as(w.manager)
      .post('/v1/users', { rightsTemplateId: w.customTemplateId, firstName: 'Nina', lastName: 'Nuit', email: `nina.${randomBytes(4).toString('hex')}@example.test` })
      .expect(201);
    await aPassword(app, night.body.id as string, PASSWORD);
    const other = await openConsole(browser, url);
    try {
      await signIn(other.page, night.body.email as string, PASSWORD);
      await expect(other.page.getByRole('navigation', { name: 'Navigation principale' }).innerText()).resolves.not.toContain('Quarantaine');
      const refused = await other.page.request.get('/v1/quarantine');
      expect(refused.status()).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'permission_denied' });
      const [assigned] = await items('assigned');
      expect((await other.page.request.get(`/v1/quarantine/${assigned.id}/content`)).status()).toBe(403);
      expect((await other.page.request.get(`/v1/quarantine/${assigned.id}/attachments/0`)).status()).toBe(403);
      expect(other.errors).toEqual([]);
      // Following a link to an item anyway: the refusal in French (chosen by its code), the API's English words one click away.
      await other.page.goto(`/console/quarantine/${assigned.id}`);
      const refusal = other.page.getByRole('alert');
      await refusal.getByText('Votre compte n’a pas le droit de faire cela.', { exact: true }).waitFor();
      await expect(refusal.innerText()).resolves.not.toContain('quarantine.triage');
      await refusal.getByText('Détail technique').click();
      await expect(refusal.innerText()).resolves.toContain('permission_denied');
    } finally {
      await other.context.close();
    }
  }, 60_000);

  it('labels every control and logs no console error', () => {
    expect(screens.unlabelled).toEqual([]);
    expect(ui.errors).toEqual([]);
  });
});
