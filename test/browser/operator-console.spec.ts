import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import supertest from 'supertest';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import type { CompanyWorld } from '../factories/world.factory.js';
import { buildMail } from '../fixtures/mail/builder.js';
import { IMAP, waitFor } from '../harness/services.js';
import { type CapturedMail, type SmtpListener, startSmtpListener } from '../harness/smtp-listener.js';
import type { callerOf } from '../harness/test-context.js';
import { liveChannelsConfig, startTwilioEndpoint, type TwilioEndpoint } from '../harness/twilio-endpoint.js';
import { type ConsolePage, openConsole, signIn, signInWithInvitation, ScreenLog } from './browser-harness.js';
import { type ConsoleStage, startConsoleStage } from './console-stage.js';

const ACCOUNT = 'AC' + 'b7'.repeat(16);
const TOKEN = 'twilio-auth-token-of-the-console-spec';
const OUR_NUMBER = '+33756780077';
const CLIENT_EMAIL = 'secretariat@cabinet-roux.test';
const CLIENT_MOBILE = '+33612340077';
const PASSWORD = 'un mot de passe assez long';

/**
 * The operator's console in Chromium against the real API, worker, Dovecot, SMTP listener and
 * Twilio endpoint: a manager signs in from an emailed invitation link, compose with email and SMS copies, the client's
 * email answer (IMAP APPEND built from the captured copy) appears in the open thread without a
 * reload, reply with a task; the inbox counts move live; the client file; no console error anywhere.
 */
describe('the console in a browser: sign in, inbox, client file, compose, live reply, reply', () => {
  const folder = `spec-console-${randomBytes(4).toString('hex')}`;
  let stage: ConsoleStage;
  let app: NestExpressApplication;
  let url: string;
  let smtp: SmtpListener;
  let twilioApi: TwilioEndpoint;
  let imap: MailboxSession;
  let browser: Browser;
  let w: CompanyWorld;
  let clientId: string;
  let as: ReturnType<typeof callerOf>;
  let ui: ConsolePage;
  let threadId: string;
  /** Controls without a label, per screen, checked as each screen is shown. */
  const screens = new ScreenLog();
  const shot = (name: string) => screens.shot(ui, name);

  beforeAll(async () => {
    smtp = await startSmtpListener();
    twilioApi = await startTwilioEndpoint({ accounts: { [ACCOUNT]: [TOKEN] }, owned: { [ACCOUNT]: [OUR_NUMBER] } });
    stage = await startConsoleStage('Permanence Console', (c) => {
      const live = liveChannelsConfig(c, { smtpPort: smtp.port, twilio: twilioApi, publicBaseUrl: 'http://127.0.0.1' });
      return { ...live, inbound: { ...live.inbound, pollIntervalMs: 500 } };
    });
    ({ browser, app, url, as, w } = stage);
    await as(w.manager).put('/v1/channels/email-sender', { address: 'accueil@permanence-console.test', name: 'Permanence Console' }).expect(200);
    await as(w.manager).post('/v1/channels/sms-numbers', { phoneNumber: OUR_NUMBER, accountSid: ACCOUNT, authToken: TOKEN }).expect(201);
    clientId = (await as(w.manager).post('/v1/clients', { name: 'Cabinet Roux', email: CLIENT_EMAIL, mobile: CLIENT_MOBILE, city: 'Lyon' }).expect(201)).body.id;
    await as(w.manager).post(`/v1/clients/${clientId}/contacts`, { name: 'Mme Roux', phone: '+33611112222', city: 'Lyon' }).expect(201);
    await as(w.manager).post(`/v1/clients/${clientId}/instructions`, { text: 'Toujours proposer un rappel avant 18 h', visibility: ['message'] }).expect(201);
    await as(w.manager).post('/v1/notes', { clientId, text: 'Client sensible : vérifier l’adresse à chaque appel', alert: true }).expect(201);
    await as(w.manager).put('/v1/banner', { text: 'Fermeture exceptionnelle le 24 décembre à 17 h', audience: 'collaborators' }).expect(200);
    await as(w.manager).post('/v1/message-templates', { name: 'Visite', subject: 'Visite à domicile', body: 'Visite demandée.', instruction: 'Toujours noter le code d’accès', vad: true }).expect(201);
    imap = await new ImapFlowMailboxClient().connect({ host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password });
    await imap.ensureFolder(folder);
    await as(w.manager)
      .post('/v1/channels/mailboxes', {
        name: 'Réponses', host: IMAP.host, port: IMAP.port, secure: false, username: IMAP.user, password: IMAP.password,
        folder, processedFolder: `${folder}-done`, failedFolder: `${folder}-failed`,
      })
      .expect(201);
    await stage.ctx.startWorker();
    ui = await openConsole(browser, url);
  }, 120_000);

  afterAll(async () => {
    await stage?.close();
    for (const name of [folder, `${folder}-done`, `${folder}-failed`]) await imap?.deleteFolder(name).catch(() => undefined);
    await imap?.close();
    await smtp?.close();
    await twilioApi?.close();
  }, 60_000);

  it('signs the manager in from an invitation link: the password page, then the sign-in form', async () => {
    await signInWithInvitation(ui, { url, smtp, inviter: w.manager, userId: w.managerId, password: PASSWORD });
    await ui.page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
  }, 60_000);

  it('updates the inbox counts live when a colleague writes, without a reload', async () => {
    const unread = ui.page.getByTestId('unread-count');
    // Exact figures, the same as the API's counts for the signed-in manager (no "50+").
    const exact = async () => (await as(w.manager).get('/v1/inbox/counts').expect(200)).body as { unread: number; urgent: number; remarks: number };
    const counted = await exact();
    await waitFor(async () => (await unread.innerText()) === String(counted.unread), 5_000, 'the exact unread count');
    expect(await ui.page.getByTestId('urgent-count').innerText()).toBe(String(counted.urgent));
    const before = counted.unread;
    const urgentBefore = counted.urgent;
    await as(w.operator).post(`/v1/clients/${clientId}/messages`, { subject: 'Appel urgent de Mme Roux', body: 'Rappeler au plus vite.', urgent: true, copies: [] }).expect(201);
    await waitFor(async () => (await unread.innerText()) === String(before + 1), 5_000, 'the unread count to go up live');
    expect(await ui.page.getByTestId('urgent-count').innerText()).toBe(String(urgentBefore + 1));
    // A client's remark about the service: the managers' list moves too.
    const remarksBefore = Number(await ui.page.getByTestId('remarks-count').innerText());
    await as(w.clientAccount).post(`/v1/clients/${w.clientId}/messages`, { subject: 'Remarque', body: 'Personne ne m’a rappelé hier.', remark: true }).expect(201);
    await waitFor(async () => (await ui.page.getByTestId('remarks-count').innerText()) === String(remarksBefore + 1), 5_000, 'the remarks count to go up live');
    expect((await exact()).remarks).toBe(remarksBefore + 1);
    await ui.page.getByRole('note', { name: 'Bandeau d’information' }).getByText('Fermeture exceptionnelle le 24 décembre à 17 h').waitFor();
    await ui.page.getByRole('link', { name: /Appel urgent de Mme Roux/ }).first().waitFor();
    await shot('inbox');
  }, 30_000);

  it('shows the client file: its conversations, contacts, instructions and note alert', async () => {
    await ui.page.getByRole('link', { name: 'Dossiers clients' }).click();
    await ui.page.getByLabel('Rechercher un client', { exact: true }).fill('Roux');
    await ui.page.getByRole('link', { name: 'Cabinet Roux' }).click();
    await ui.page.getByRole('heading', { name: 'Cabinet Roux' }).waitFor();
    await expect(ui.page.getByRole('alert').filter({ hasText: 'Client sensible' }).count()).resolves.toBe(1);
    await ui.page.getByText('Toujours proposer un rappel avant 18 h').waitFor();
    await ui.page.getByText('Mme Roux').first().waitFor();
    await ui.page.getByRole('link', { name: /Appel urgent de Mme Roux/ }).waitFor();
    await shot('client-file');
  }, 30_000);

  it('composes a message with email and SMS copies: the client gets both', async () => {
    await ui.page.getByRole('link', { name: 'Nouveau message' }).click();
    await ui.page.getByLabel('Objet', { exact: true }).fill('Votre rendez-vous de jeudi');
    await ui.page.getByLabel('Message', { exact: true }).fill('Le docteur vous confirme jeudi 10 h.');
    await ui.page.getByLabel('Copie E-mail', { exact: true }).check();
    await ui.page.getByLabel('Copie SMS', { exact: true }).check();
    await ui.page.getByLabel('Tâche', { exact: true }).check();
    await ui.page.getByLabel('Échéance de la tâche', { exact: true }).fill('2026-12-24');
    await shot('compose');
    await ui.page.getByRole('button', { name: 'Envoyer' }).click();
    await ui.page.getByRole('heading', { name: 'Votre rendez-vous de jeudi' }).waitFor();
    threadId = /\/console\/messages\/([0-9a-f-]+)/.exec(ui.page.url())![1];
    await smtp.waitFor(1, 15_000);
    await waitFor(() => Promise.resolve(smtp.messages.some((m) => m.envelope.to.includes(CLIENT_EMAIL))), 15_000, 'the email copy');
    await waitFor(() => Promise.resolve(twilioApi.messages.some((m) => m.form.To === CLIENT_MOBILE)), 15_000, 'the SMS copy');
    expect(twilioApi.messages.find((m) => m.form.To === CLIENT_MOBILE)!.form.Body).toContain('Le docteur vous confirme jeudi 10 h.');
    // Each copy's status, as the admin sees it in the thread.
    await ui.page.getByTestId('copy-email').filter({ hasText: CLIENT_EMAIL }).filter({ hasText: /envoyé|remis/ }).waitFor({ timeout: 10_000 });
    await ui.page.getByTestId('copy-sms').filter({ hasText: CLIENT_MOBILE }).filter({ hasText: /envoyé|remis/ }).waitFor({ timeout: 10_000 });
  }, 60_000);

  it('shows the client’s email answer in the open thread within 2 s, without a reload; the original on demand', async () => {
    const copy = smtp.messages.find((m): m is CapturedMail => m.envelope.to.includes(CLIENT_EMAIL) && Boolean(m.parsed.subject?.includes('Votre rendez-vous')))!;
    const messageId = copy.parsed.messageId!.slice(1, -1);
    const text = `Parfait, je serai là jeudi.\n\nLe 5 déc. 2026 à 10:00, Permanence Console a écrit :\n> Le docteur vous confirme jeudi 10 h.\n`;
    const navigations: string[] = [];
    ui.page.on('framenavigated', (frame) => navigations.push(frame.url()));
    const appendedAt = Date.now();
    await imap.append(folder, buildMail({ from: 'Cabinet Roux <' + CLIENT_EMAIL + '>', to: copy.parsed.replyTo!.value[0].address!, subject: `Re: ${copy.parsed.subject}`, inReplyTo: messageId, references: [messageId], text }));
    // When the API holds the reply (the inbound path: IMAP poll, worker), then when the page shows it.
    let storedAt = 0;
    const shown = ui.page.getByTestId('entry').filter({ hasText: 'Parfait, je serai là jeudi.' });
    const shownAt = shown.waitFor({ timeout: 20_000 }).then(() => Date.now());
    await waitFor(async () => {
      const thread = (await as(w.manager).get(`/v1/messages/${threadId}`)).body as { replies: { body: string }[] };
      storedAt = Date.now();
      return thread.replies.some((r) => r.body.includes('Parfait'));
    }, 20_000, 'the reply stored by the API');
    const displayedAt = await shownAt;
    console.log(`client reply: in the open thread ${displayedAt - appendedAt} ms after the IMAP APPEND (the API answered it from ${storedAt - appendedAt} ms at the latest)`);
    expect(displayedAt - storedAt).toBeLessThan(2_000);
    expect(navigations).toEqual([]);
    await expect(shown.getByText('E-mail', { exact: true }).count()).resolves.toBe(1);
    await shown.getByText('Voir l’original').click();
    await shown.getByText('> Le docteur vous confirme jeudi 10 h.').waitFor();
    await shot('thread');
  }, 60_000);

  it('replies and sets a task in one step', async () => {
    await ui.page.getByLabel('Réponse', { exact: true }).fill('Merci, à jeudi.');
    await ui.page.getByLabel('Créer une tâche avec la réponse', { exact: true }).check();
    await ui.page.getByLabel('Échéance de la tâche', { exact: true }).fill('2026-12-23');
    await ui.page.getByRole('button', { name: 'Répondre et créer la tâche' }).click();
    await ui.page.getByTestId('entry').filter({ hasText: 'Merci, à jeudi.' }).waitFor();
    await ui.page.getByText(/Tâche du 23 déc\. 2026/).waitFor();
    const thread = (await as(w.manager).get(`/v1/messages/${threadId}`).expect(200)).body;
    expect(thread.task).toMatchObject({ state: 'todo', dueDate: '2026-12-23' });
    expect(thread.replies.map((r: { body: string }) => r.body)).toEqual(['Parfait, je serai là jeudi.', 'Merci, à jeudi.']);
  }, 30_000);

  it('composes with every other option: template and its instruction, saved phrase, CC, urgent, private, VAD with address and date', async () => {
    await ui.page.getByRole('link', { name: 'Dossier client' }).click();
    await ui.page.getByRole('link', { name: 'Nouveau message' }).click();
    await ui.page.getByLabel('Modèle de message', { exact: true }).selectOption({ label: 'Visite' });
    await ui.page.getByRole('complementary', { name: 'Consigne du modèle' }).getByText('Toujours noter le code d’accès').waitFor();
    await ui.page.getByLabel('Message', { exact: true }).fill('Fuite sous l’évier.');
    await ui.page.getByLabel('Phrase enregistrée', { exact: true }).selectOption({ label: 'Rappel' });
    await ui.page.getByLabel('Copie à (CC)', { exact: true }).selectOption([w.operatorId]);
    await ui.page.getByLabel('Urgent', { exact: true }).check();
    await ui.page.getByLabel('Privé (équipe seulement)', { exact: true }).check();
    await ui.page.getByLabel('Demande de VAD', { exact: true }).check();
    await ui.page.getByLabel('Date et heure de la VAD', { exact: true }).fill('2026-12-10T14:30');
    await ui.page.getByLabel('Adresse (rue)', { exact: true }).fill('3 rue des Lilas');
    await ui.page.getByLabel('Code postal', { exact: true }).fill('69003');
    await ui.page.getByLabel('Ville', { exact: true }).fill('Lyon');
    await ui.page.getByLabel('Copie E-mail', { exact: true }).uncheck();
    await shot('compose-options');
    await ui.page.getByRole('button', { name: 'Envoyer' }).click();
    await ui.page.getByRole('heading', { name: 'Visite à domicile' }).waitFor();
    const id = /\/console\/messages\/([0-9a-f-]+)/.exec(ui.page.url())![1];
    const thread = (await as(w.manager).get(`/v1/messages/${id}`).expect(200)).body;
    expect(thread).toMatchObject({
      subject: 'Visite à domicile',
      body: 'Fuite sous l’évier.\nMerci de rappeler le patient.',
      instruction: 'Toujours noter le code d’accès',
      cc: [w.operatorId],
      urgent: true,
      private: true,
      // 14:30 in Paris (the browser's zone) is 13:30 UTC in December.
      vad: { plannedAt: '2026-12-10T13:30:00.000Z', street: '3 rue des Lilas', postalCode: '69003', city: 'Lyon' },
    });
    await ui.page.getByText('VAD le 10/12/2026 14:30').waitFor();
  }, 30_000);

  it('is usable with the keyboard: from the inbox, Tab reaches a thread and Enter opens it', async () => {
    await ui.page.getByRole('link', { name: 'Boîte de réception' }).click();
    await ui.page.getByRole('heading', { name: 'Boîte de réception' }).waitFor();
    await ui.page.locator('body').focus();
    let reached = false;
    for (let presses = 0; presses < 60 && !reached; presses += 1) {
      await ui.page.keyboard.press('Tab');
      reached = (await ui.page.evaluate<string>('document.activeElement?.textContent ?? ""')).includes('Appel urgent de Mme Roux');
    }
    expect(reached).toBe(true);
    await ui.page.keyboard.press('Enter');
    await ui.page.getByRole('heading', { name: 'Appel urgent de Mme Roux' }).waitFor();
  }, 30_000);

  it('goes back to the sign-in page when the session ends elsewhere (401); signs out; refuses a wrong password; mails a reset link', async () => {
    // A second browser of the same person, whose session is ended from the first one.
    const other = await openConsole(browser, url);
    const { email } = (await as(w.manager).get(`/v1/users/${w.managerId}`).expect(200)).body;
    await signIn(other.page, email, PASSWORD);
    const cookie = (await other.context.cookies()).find((c) => c.name === 'relais_session')!;
    const http = supertest(app.getHttpServer());
    const { csrfToken } = (await http.get('/v1/session').set('Cookie', `relais_session=${cookie.value}`).expect(200)).body;
    await http.delete('/v1/session').set('Cookie', `relais_session=${cookie.value}`).set('X-CSRF-Token', csrfToken).expect(204);
    // The page learns it on its next call, or before, when its event stream ends with the session
    // and reconnecting is refused: either way it lands on the sign-in page.
    const link = other.page.getByRole('link', { name: 'Dossiers clients' });
    if (await link.isVisible()) await link.click({ timeout: 2_000 }).catch(() => undefined);
    await other.page.getByRole('heading', { name: 'Connexion à Relais' }).waitFor();
    await other.context.close();

    await ui.page.getByRole('button', { name: 'Se déconnecter' }).click();
    await ui.page.getByRole('heading', { name: 'Connexion à Relais' }).waitFor();
    await ui.page.reload();
    await ui.page.getByRole('heading', { name: 'Connexion à Relais' }).waitFor();

    // A wrong password is refused with a French message; "Mot de passe oublié" mails a reset link.
    await ui.page.getByLabel('E-mail', { exact: true }).fill(email);
    await ui.page.getByLabel('Mot de passe', { exact: true }).fill('pas le bon mot de passe');
    await ui.page.getByRole('button', { name: 'Se connecter' }).click();
    await ui.page.getByRole('alert').getByText('E-mail ou mot de passe incorrect.').waitFor();
    const mails = smtp.messages.length;
    await ui.page.getByRole('button', { name: 'Mot de passe oublié' }).click();
    await ui.page.getByRole('status').getByText(/un lien pour choisir un mot de passe vient d’être envoyé/).waitFor();
    await waitFor(() => Promise.resolve(smtp.messages.slice(mails).some((m) => m.envelope.to.includes(email) && /\/console\/password\?token=/.test(m.parsed.text ?? ''))), 15_000, 'the reset email');
    // Two sign-ins (argon2id each) and a second browser: a minute, as the other multi-step browser specs get.
  }, 60_000);

  it('labels every control and logged no console error nor uncaught exception on any screen', () => {
    expect(screens.unlabelled).toEqual([]);
    expect(ui.errors).toEqual([]);
  });
});
