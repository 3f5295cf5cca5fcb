import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import { aPassword } from '../factories/accounts.factory.js';
import type { CompanyWorld } from '../factories/world.factory.js';
import { IMAP, waitFor } from '../harness/services.js';
import type { callerOf } from '../harness/test-context.js';
import { startTwilioEndpoint, twilioConfigFor, type TwilioEndpoint } from '../harness/twilio-endpoint.js';
import { type ConsolePage, expectRefusalLogged, openConsole, signIn, signInWithPassword, ScreenLog } from './browser-harness.js';
import { type ConsoleStage, startConsoleStage } from './console-stage.js';

const PASSWORD = 'un mot de passe assez long';
const TWILIO_ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const TWILIO_TOKEN = 'twilio-token-of-the-admin-spec';
const SMS_NUMBER = '+33756781234';
const SMS_NUMBER_NEXT = '+33756789999';

/**
 * The administration in Chromium against the real API: a manager applies a rights template, edits an
 * outbound template with the API's preview following the typing, writes a routing rule and dry-runs
 * it, tests a mailbox's connection, sets the banner and a saved phrase, adds an opt-out; an operator
 * sees no administration and the API refuses its session the admin routes. Then, for each thing the
 * administration creates, edits in place and deletes after a confirmation, each checked with a GET;
 * a refusal (deleting the copy circle, an email already taken) is shown in French by its code, the API's words one click away.
 */
describe('the console in a browser: administration', () => {
  let stage: ConsoleStage;
  let app: NestExpressApplication;
  let url: string;
  let browser: Browser;
  let w: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let ui: ConsolePage;
  let twilio: TwilioEndpoint;
  const screens = new ScreenLog();
  const region = (name: string) => ui.page.getByRole('region', { name });
  const editor = (name: string) => ui.page.getByRole('form', { name: `Modifier ${name}` });
  const confirmDelete = async (name: string) => {
    await ui.page.getByRole('button', { name: `Supprimer ${name}`, exact: true }).click();
    await ui.page.getByRole('group', { name: `Confirmer la suppression de ${name}` }).getByRole('button', { name: 'Confirmer la suppression' }).click();
  };
  const expectLogged = (status: number, path: string) => expectRefusalLogged(ui, status, path);
  const shot = (page: ConsolePage, name: string) => screens.shot(page, name);
  const tab = async (name: string) => {
    await ui.page.getByRole('navigation', { name: 'Sections d’administration' }).getByRole('link', { name }).click();
  };

  beforeAll(async () => {
    twilio = await startTwilioEndpoint({ accounts: { [TWILIO_ACCOUNT]: [TWILIO_TOKEN] }, owned: { [TWILIO_ACCOUNT]: [SMS_NUMBER, SMS_NUMBER_NEXT] } });
    stage = await startConsoleStage('Permanence Admin', (c) => twilioConfigFor(twilio, { ...c, logLevel: 'silent' }));
    ({ browser, app, url, as, w } = stage);
    await as(w.manager).put('/v1/channels/fax', { addressPattern: '{number}@fax.permanence-admin.test' }).expect(200);
    await as(w.manager)
      .post('/v1/channels/mailboxes', {
        name: 'Réponses', host: IMAP.host, port: IMAP.port, secure: false, username: IMAP.user, password: IMAP.password,
        folder: 'INBOX', processedFolder: 'relais-admin-done', failedFolder: 'relais-admin-failed',
      })
      .expect(201);
    await as(w.manager).put('/v1/channels/email-sender', { address: 'accueil@permanence-admin.test', name: 'Permanence Admin' }).expect(200);
    await as(w.manager).post('/v1/channels/sms-numbers', { phoneNumber: SMS_NUMBER, accountSid: TWILIO_ACCOUNT, authToken: TWILIO_TOKEN }).expect(201);
    ui = await openConsole(browser, url);
  }, 120_000);

  afterAll(async () => {
    await stage?.close();
    await twilio?.close();
  }, 60_000);

  it('applies a rights template to an account', async () => {
    await signInWithPassword(ui, app, { url, inviter: w.manager, userId: w.managerId, password: PASSWORD });
    await ui.page.getByRole('link', { name: 'Administration' }).click();
    await ui.page.getByRole('heading', { name: 'Administration' }).waitFor();
    const row = ui.page.getByTestId('user-row').filter({ hasText: 'Olivier Opé' });
    await expect(row.getByTestId('user-template').innerText()).resolves.toBe('Operator');
    await ui.page.getByLabel('Modèle de droits pour Olivier Opé', { exact: true }).selectOption({ label: 'Supervisor' });
    await ui.page.getByRole('button', { name: 'Appliquer le modèle à Olivier Opé' }).click();
    await waitFor(async () => (await row.getByTestId('user-template').innerText()) === 'Supervisor', 5_000, 'the new template on the row');
    const operator = (await as(w.manager).get(`/v1/users/${w.operatorId}`).expect(200)).body as { rightsTemplateId: string; permissions: string[] };
    expect(operator.rightsTemplateId).toBe(w.templates.Supervisor);
    expect(operator.permissions).toContain('routing.manage');
    // A template of the company's own, its permissions ticked by their French names.
    await ui.page.getByLabel('Nom du modèle de droits', { exact: true }).fill('Accueil du soir');
    await ui.page.getByLabel('Lire les messages (messages.read)', { exact: true }).check();
    await ui.page.getByLabel('Trier la quarantaine (quarantine.triage)', { exact: true }).check();
    await ui.page.getByRole('button', { name: 'Créer le modèle de droits' }).click();
    await ui.page.getByRole('region', { name: 'Modèles de droits' }).getByText('Accueil du soir').waitFor();
    const created = ((await as(w.manager).get('/v1/rights-templates').expect(200)).body as { name: string; permissions: string[]; role: string }[]).find((t) => t.name === 'Accueil du soir');
    expect(created).toMatchObject({ role: 'operator', permissions: expect.arrayContaining(['messages.read', 'quarantine.triage']) });
    expect(created?.permissions).toHaveLength(2);
    await shot(ui, 'admin-users');
  }, 60_000);

  it('previews an outbound template as it is typed, rendered by the API', async () => {
    await tab('Modèles d’envoi');
    // An email's preview looks as the mail will: its inline styles apply under the console's CSP.
    await ui.page.getByLabel('Modèle', { exact: true }).selectOption('email.copy.html');
    const frame = ui.page.frameLocator('iframe[title="Aperçu du modèle"]');
    await frame.getByRole('heading', { name: 'Appel de Mme Petit' }).waitFor();
    const content = await (await ui.page.locator('iframe[title="Aperçu du modèle"]').elementHandle())?.contentFrame();
    const looks = await content?.evaluate<{ font: string; heading: string; text: string }>(
      "({ font: getComputedStyle(document.body).fontFamily, heading: getComputedStyle(document.querySelector('h2')).fontSize, text: document.body.innerText })",
    );
    expect(looks).toEqual({ font: 'Arial, Helvetica, sans-serif', heading: '16px', text: expect.stringContaining('Bonjour Dr Durand') });
    await shot(ui, 'admin-outbound-email-preview');
    await ui.page.getByLabel('Modèle', { exact: true }).selectOption('sms.copy');
    const preview = ui.page.getByTestId('template-preview');
    await waitFor(async () => (await preview.innerText()).includes('Permanence du Centre'), 5_000, 'the preview of the shipped source');
    const source = ui.page.getByLabel('Source du modèle', { exact: true });
    await source.fill('Bonjour {{client.name}}');
    await waitFor(async () => (await preview.innerText()) === 'Bonjour Cabinet Médical Durand', 3_000, 'the preview to follow the typing');
    await source.pressSequentially(', rappel de {{author.name}}');
    await waitFor(async () => (await preview.innerText()) === 'Bonjour Cabinet Médical Durand, rappel de Olivier Opé', 3_000, 'the preview to follow more typing');
    await shot(ui, 'admin-outbound-templates');
    await ui.page.getByRole('button', { name: 'Enregistrer' }).click();
    await ui.page.getByRole('button', { name: 'Revenir au modèle d’origine' }).waitFor();
    expect((await as(w.manager).get('/v1/outbound-templates/sms.copy').expect(200)).body).toMatchObject({ overridden: true, source: 'Bonjour {{client.name}}, rappel de {{author.name}}' });
  }, 60_000);

  it('writes a routing rule, and its dry run names the rule that would take a mail, or why none does', async () => {
    await tab('Règles de routage');
    await ui.page.getByLabel('Nom de la règle', { exact: true }).fill('Publicité');
    await ui.page.getByLabel('Conditions (JSON)', { exact: true }).fill('{"channel": "email", "senders": ["publicite.test"]}');
    await ui.page.getByLabel('Action (JSON)', { exact: true }).fill('{"type": "drop"}');
    await ui.page.getByRole('button', { name: 'Ajouter la règle' }).click();
    await ui.page.getByTestId('routing-rule').filter({ hasText: 'Publicité' }).waitFor();
    const raw = ui.page.getByLabel('E-mail brut (en-têtes puis texte)', { exact: true });
    await raw.fill('From: Promo <promo@publicite.test>\nTo: accueil@permanence-admin.test\nSubject: Offre exceptionnelle\n\nProfitez de -50 %.');
    await ui.page.getByRole('button', { name: 'Lancer l’essai' }).click();
    await ui.page.getByTestId('dry-run-match').filter({ hasText: 'Règle appliquée : n° 1 « Publicité »' }).waitFor();
    await shot(ui, 'admin-routing');
    await raw.fill('From: Jean <jean@ailleurs.test>\nTo: accueil@permanence-admin.test\nSubject: Question\n\nBonjour.');
    await ui.page.getByRole('button', { name: 'Lancer l’essai' }).click();
    await ui.page.getByTestId('dry-run-match').filter({ hasText: 'Aucune règle ne s’applique' }).waitFor();
    await expect(ui.page.getByRole('list', { name: 'Règles écartées' }).innerText()).resolves.toContain('Publicité');
    // A second rule, moved before the first: the order is the API's (first match wins).
    await ui.page.getByLabel('Nom de la règle', { exact: true }).fill('Urgences');
    await ui.page.getByLabel('Conditions (JSON)', { exact: true }).fill('{"subjectKeywords": ["urgent"]}');
    await ui.page.getByLabel('Action (JSON)', { exact: true }).fill('{"type": "quarantine", "label": "Urgent"}');
    await ui.page.getByRole('button', { name: 'Ajouter la règle' }).click();
    await ui.page.getByRole('button', { name: 'Monter la règle Urgences' }).click();
    await ui.page.getByTestId('routing-rule').first().filter({ hasText: 'n° 1 Urgences' }).waitFor();
    const rules = (await as(w.manager).get('/v1/routing-rules').expect(200)).body as { name: string; position: number }[];
    expect(rules.map((r) => [r.position, r.name])).toEqual([
      [1, 'Urgences'],
      [2, 'Publicité'],
    ]);
    await confirmDelete('la règle Publicité');
    await ui.page.getByTestId('routing-rule').filter({ hasText: 'Publicité' }).waitFor({ state: 'detached' });
    expect(((await as(w.manager).get('/v1/routing-rules').expect(200)).body as { name: string }[]).map((r) => r.name)).toEqual(['Urgences']);
  }, 60_000);

  it('tests a mailbox’s connection and shows the channels', async () => {
    await tab('Canaux');
    await ui.page.getByRole('button', { name: 'Tester la connexion de Réponses' }).click();
    await ui.page.getByTestId('mailbox-test').filter({ hasText: 'Connexion réussie' }).waitFor({ timeout: 15_000 });
    await expect(ui.page.getByLabel('Adresse de la passerelle', { exact: true }).inputValue()).resolves.toBe('{number}@fax.permanence-admin.test');
    await shot(ui, 'admin-channels');
  }, 60_000);

  it('sets the banner (shown at once) and a saved phrase; structures and opt-outs', async () => {
    await tab('Modèles, phrases et bandeau');
    await ui.page.getByLabel('Texte du bandeau', { exact: true }).fill('Fermeture exceptionnelle lundi');
    await ui.page.getByRole('button', { name: 'Enregistrer le bandeau' }).click();
    await ui.page.getByRole('note', { name: 'Bandeau d’information' }).filter({ hasText: 'Fermeture exceptionnelle lundi' }).waitFor();
    await ui.page.getByLabel('Titre de la phrase', { exact: true }).fill('Absence');
    await ui.page.getByLabel('Texte de la phrase', { exact: true }).fill('Le docteur est absent cette semaine.');
    await ui.page.getByRole('button', { name: 'Ajouter la phrase' }).click();
    await ui.page.getByText('Le docteur est absent cette semaine.').waitFor();
    await shot(ui, 'admin-content');
    await tab('Structures');
    await ui.page.getByRole('region', { name: 'Structure Équipe de nuit' }).waitFor();
    await ui.page.getByLabel('Ajouter un membre à Équipe de nuit', { exact: true }).selectOption({ label: 'Olivier Opé' });
    await ui.page.getByRole('region', { name: 'Structure Équipe de nuit' }).getByRole('button', { name: 'Ajouter' }).click();
    await ui.page.getByRole('button', { name: 'Retirer Olivier Opé de Équipe de nuit' }).waitFor();
    await shot(ui, 'admin-structures');
    await tab('Désinscriptions');
    await ui.page.getByLabel('Numéro ou adresse', { exact: true }).fill('+33612345678');
    await ui.page.getByRole('button', { name: 'Ajouter', exact: true }).click();
    await ui.page.getByRole('button', { name: 'Réactiver +33612345678' }).waitFor();
    await shot(ui, 'admin-opt-outs');
  }, 60_000);

  it('shows an operator no administration, and the API refuses its session the admin routes', async () => {
    const odile = await as(w.manager)
      .post('/v1/users', { rightsTemplateId: w.templates.Operator, firstName: 'Odile', lastName: 'Opé', email: `odile.${randomBytes(4).toString('hex')}@example.test` })
      .expect(201);
    await aPassword(app, odile.body.id as string, PASSWORD);
    const other = await openConsole(browser, url);
    try {
      await signIn(other.page, odile.body.email as string, PASSWORD);
      await expect(other.page.getByRole('navigation', { name: 'Navigation principale' }).innerText()).resolves.not.toContain('Administration');
      await other.page.goto('/console/admin');
      await other.page.getByText('Aucune section d’administration n’est ouverte à votre compte.').waitFor();
      for (const path of ['/v1/routing-rules', '/v1/outbound-templates', '/v1/channels/mailboxes', '/v1/opt-outs']) {
        const refused = await other.page.request.get(path);
        expect([path, refused.status()]).toEqual([path, 403]);
      }
      const { csrfToken } = (await (await other.page.request.get('/v1/session')).json()) as { csrfToken: string };
      const apply = await other.page.request.post(`/v1/rights-templates/${w.templates.Manager}/apply`, { data: { userId: odile.body.id }, headers: { 'X-CSRF-Token': csrfToken } });
      expect(apply.status()).toBe(403);
      expect(await apply.json()).toMatchObject({ code: 'permission_denied' });
      expect(((await as(w.manager).get(`/v1/users/${odile.body.id}`).expect(200)).body as { rightsTemplateId: string }).rightsTemplateId).toBe(w.templates.Operator);
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }
  }, 60_000);

  it('edits and deletes a rights template, and edits an account (an email already taken is refused)', async () => {
    await tab('Utilisateurs et droits');
    const night = 'le modèle de droits Night operator';
    await ui.page.getByRole('button', { name: `Modifier ${night}`, exact: true }).click();
    await editor(night).getByLabel('Nom du modèle', { exact: true }).fill('Opérateur de nuit');
    await editor(night).getByLabel('Trier la quarantaine (quarantine.triage)', { exact: true }).check();
    await editor(night).getByRole('button', { name: 'Enregistrer' }).click();
    await ui.page.getByTestId('rights-template').filter({ hasText: 'Opérateur de nuit' }).waitFor();
    const templates = async () => (await as(w.manager).get('/v1/rights-templates').expect(200)).body as { name: string; permissions: string[] }[];
    expect((await templates()).find((t) => t.name === 'Opérateur de nuit')?.permissions.sort()).toEqual(['messages.read', 'quarantine.triage']);
    await confirmDelete('le modèle de droits Accueil du soir');
    await ui.page.getByTestId('rights-template').filter({ hasText: 'Accueil du soir' }).waitFor({ state: 'detached' });
    expect((await templates()).map((t) => t.name)).toEqual(expect.arrayContaining(['Opérateur de nuit', 'Operator']));
    expect((await templates()).map((t) => t.name)).not.toContain('Accueil du soir');

    const olivier = 'l’utilisateur Olivier Opé';
    await ui.page.getByRole('button', { name: `Modifier ${olivier}`, exact: true }).click();
    const account = editor(olivier);
    const taken = ((await as(w.manager).get(`/v1/users/${w.managerId}`).expect(200)).body as { email: string }).email;
    await account.getByLabel('Adresse e-mail', { exact: true }).fill(taken);
    await account.getByRole('button', { name: 'Enregistrer' }).click();
    await account.getByRole('alert').getByText('Modification refusée : Cette adresse e-mail est déjà celle d’un autre compte.', { exact: true }).waitFor();
    await expectLogged(409, `/v1/users/${w.operatorId}`);
    await shot(ui, 'admin-user-edit-refused');
    const email = `olivier.${randomBytes(4).toString('hex')}@example.test`;
    await account.getByLabel('Nom', { exact: true }).fill('Opé-Martin');
    await account.getByLabel('Adresse e-mail', { exact: true }).fill(email);
    await account.getByLabel('Mobile', { exact: true }).fill('06 12 34 56 78');
    await account.getByRole('button', { name: 'Enregistrer' }).click();
    await ui.page.getByTestId('user-row').filter({ hasText: 'Olivier Opé-Martin' }).filter({ hasText: email }).waitFor();
    expect((await as(w.manager).get(`/v1/users/${w.operatorId}`).expect(200)).body).toMatchObject({ firstName: 'Olivier', lastName: 'Opé-Martin', email, mobile: '+33612345678' });
  }, 60_000);

  it('renames and deletes a structure; deleting the copy circle is refused in French, the API’s words one click away', async () => {
    await tab('Structures');
    const team = 'la structure Équipe de nuit';
    await ui.page.getByRole('button', { name: `Modifier ${team}`, exact: true }).click();
    await editor(team).getByLabel('Nom de la structure', { exact: true }).fill('Équipe du soir');
    await editor(team).getByRole('button', { name: 'Enregistrer' }).click();
    await region('Structure Équipe du soir').waitFor();
    const structures = async () => (await as(w.manager).get('/v1/structures').expect(200)).body as { id: string; name: string; isCopyCircle: boolean }[];
    expect((await structures()).map((s) => s.name).sort()).toEqual(['Cercle copie messages clients', 'Équipe du soir']);
    const circle = (await structures()).find((s) => s.isCopyCircle)!;
    await confirmDelete(`la structure ${circle.name}`);
    const refusal = region(`Structure ${circle.name}`).getByRole('alert');
    await refusal.getByText('Suppression refusée : L’état actuel de cet élément ne le permet pas.', { exact: true }).waitFor();
    await refusal.getByText('Détail technique', { exact: true }).click();
    await refusal.getByText('The client-messages copy circle cannot be deleted', { exact: false }).waitFor();
    await expectLogged(409, `/v1/structures/${circle.id}`);
    await shot(ui, 'admin-structure-delete-refused');
    await confirmDelete('la structure Équipe du soir');
    await region('Structure Équipe du soir').waitFor({ state: 'detached' });
    expect((await structures()).map((s) => s.name)).toEqual(['Cercle copie messages clients']);
  }, 60_000);

  it('edits a message template and a saved phrase in place and deletes them, by keyboard too', async () => {
    await tab('Modèles, phrases et bandeau');
    await ui.page.getByRole('button', { name: 'Modifier le modèle Rappel', exact: true }).click();
    const template = editor('le modèle Rappel');
    await template.getByLabel('Objet', { exact: true }).fill('Merci de nous rappeler');
    await template.getByLabel('Consigne (facultatif)', { exact: true }).fill('Avant 18 h');
    await template.getByRole('button', { name: 'Enregistrer' }).click();
    await ui.page.getByTestId('message-template').filter({ hasText: 'Merci de nous rappeler' }).waitFor();
    const templates = async () => (await as(w.manager).get('/v1/message-templates').expect(200)).body as { name: string; subject: string; body: string; instruction: string | null }[];
    expect((await templates()).find((t) => t.name === 'Rappel')).toMatchObject({ subject: 'Merci de nous rappeler', instruction: 'Avant 18 h', body: 'Merci de rappeler votre patient.' });

    // The editor opens on its first field; Échap closes it unsaved, the keyboard back on « Modifier ».
    const focused = () => ui.page.evaluate<string | null>('document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? null');
    await ui.page.getByRole('button', { name: 'Modifier la phrase Absence', exact: true }).click();
    const phrase = editor('la phrase Absence');
    await phrase.waitFor();
    await expect(ui.page.evaluate<string>('document.activeElement.id')).resolves.toBe(await phrase.getByLabel('Titre', { exact: true }).getAttribute('id'));
    await ui.page.keyboard.press('Escape');
    await phrase.waitFor({ state: 'detached' });
    expect(await focused()).toBe('Modifier la phrase Absence');
    await ui.page.getByRole('button', { name: 'Modifier la phrase Absence', exact: true }).click();
    await phrase.getByLabel('Texte', { exact: true }).fill('Le docteur est absent jusqu’à lundi.');
    await phrase.getByLabel('Texte', { exact: true }).press('Tab');
    await ui.page.keyboard.press('Enter');
    await ui.page.getByTestId('snippet').filter({ hasText: 'Le docteur est absent jusqu’à lundi.' }).waitFor();
    const snippets = async () => ((await as(w.manager).get('/v1/snippets').expect(200)).body as { title: string; text: string }[]).map((p) => `${p.title}: ${p.text}`).sort();
    expect(await snippets()).toEqual(['Absence: Le docteur est absent jusqu’à lundi.', 'Rappel: Merci de rappeler le patient.']);
    await shot(ui, 'admin-content-edit');

    await confirmDelete('le modèle Rappel');
    await ui.page.getByTestId('message-template').filter({ hasText: 'Rappel' }).waitFor({ state: 'detached' });
    expect((await templates()).map((t) => t.name)).not.toContain('Rappel');
    // By keyboard: Entrée asks, Échap gives up (the focus back on « Supprimer »), Entrée twice deletes.
    await ui.page.getByRole('button', { name: 'Supprimer la phrase Absence', exact: true }).focus();
    await ui.page.keyboard.press('Enter');
    await ui.page.getByRole('group', { name: 'Confirmer la suppression de la phrase Absence' }).waitFor();
    // The focus moves in the same commit as the question appears or goes: whoever sees the question
    // (or its absence) finds the keyboard already there, so keys pressed in a row land right.
    expect(await focused()).toBe('Confirmer la suppression');
    await ui.page.keyboard.press('Escape');
    await ui.page.getByRole('group', { name: 'Confirmer la suppression de la phrase Absence' }).waitFor({ state: 'detached' });
    expect(await focused()).toBe('Supprimer la phrase Absence');
    expect(await snippets()).toHaveLength(2);
    await ui.page.keyboard.press('Enter');
    await ui.page.getByRole('button', { name: 'Confirmer la suppression' }).waitFor();
    expect(await focused()).toBe('Confirmer la suppression');
    await ui.page.keyboard.press('Enter');
    await ui.page.getByTestId('snippet').filter({ hasText: 'Absence' }).waitFor({ state: 'detached' });
    expect(await snippets()).toEqual(['Rappel: Merci de rappeler le patient.']);
  }, 60_000);

  it('edits a mailbox keeping its sealed password, an SMS number and the email sender; deletes them and the fax gateway', async () => {
    await tab('Canaux');
    await ui.page.getByRole('button', { name: 'Modifier la boîte Réponses', exact: true }).click();
    const box = editor('la boîte Réponses');
    await expect(box.getByLabel('Mot de passe de la boîte', { exact: true }).inputValue()).resolves.toBe('');
    await box.getByLabel('Nom de la boîte', { exact: true }).fill('Réponses clients');
    await box.getByRole('button', { name: 'Enregistrer' }).click();
    // The password left empty is kept: the mailbox still opens.
    await ui.page.getByRole('button', { name: 'Tester la connexion de Réponses clients' }).click();
    await ui.page.getByTestId('mailbox-test').filter({ hasText: 'Connexion réussie' }).waitFor({ timeout: 15_000 });
    const mailboxes = async () => (await as(w.manager).get('/v1/channels/mailboxes').expect(200)).body as { name: string; username: string }[];
    expect(await mailboxes()).toEqual([expect.objectContaining({ name: 'Réponses clients', username: IMAP.user })]);

    await ui.page.getByRole('button', { name: `Modifier le numéro ${SMS_NUMBER}`, exact: true }).click();
    const sms = editor(`le numéro ${SMS_NUMBER}`);
    await sms.getByLabel('Numéro (format international)', { exact: true }).fill(SMS_NUMBER_NEXT);
    await sms.getByRole('button', { name: 'Enregistrer' }).click();
    await ui.page.getByTestId('sms-number').filter({ hasText: SMS_NUMBER_NEXT }).waitFor();
    const numbers = async () => ((await as(w.manager).get('/v1/channels/sms-numbers').expect(200)).body as { items: { phoneNumber: string }[] }).items;
    expect((await numbers()).map((n) => n.phoneNumber)).toEqual([SMS_NUMBER_NEXT]);

    const sender = ui.page.getByRole('form', { name: 'Expéditeur des e-mails' });
    await expect(sender.getByLabel('Adresse d’expédition', { exact: true }).inputValue()).resolves.toBe('accueil@permanence-admin.test');
    await sender.getByLabel('Nom affiché', { exact: true }).fill('Accueil de la permanence');
    await sender.getByRole('button', { name: 'Enregistrer l’expéditeur' }).click();
    const senderNow = async () => (await as(w.manager).get('/v1/channels/email-sender')).body as { name?: string };
    await waitFor(async () => (await senderNow()).name === 'Accueil de la permanence', 5_000, 'the new sender name');
    await shot(ui, 'admin-channels-edit');

    await ui.page.getByRole('button', { name: 'Supprimer la boîte Réponses clients', exact: true }).click();
    const question = ui.page.getByRole('group', { name: 'Confirmer la suppression de la boîte Réponses clients' });
    await expect(question.innerText()).resolves.toContain('Les e-mails déjà reçus restent dans leurs fils et en quarantaine');
    await question.getByRole('button', { name: 'Confirmer la suppression' }).click();
    await ui.page.getByTestId('mailbox').waitFor({ state: 'detached' });
    expect(await mailboxes()).toEqual([]);
    await confirmDelete(`le numéro ${SMS_NUMBER_NEXT}`);
    await ui.page.getByTestId('sms-number').waitFor({ state: 'detached' });
    expect(await numbers()).toEqual([]);
    // Once deleted, the API answers 404 for them: the page says there is none.
    await confirmDelete('l’expéditeur des e-mails');
    await ui.page.getByText('Aucun expéditeur : les copies par e-mail sont refusées.').waitFor();
    await expectLogged(404, '/v1/channels/email-sender');
    await as(w.manager).get('/v1/channels/email-sender').expect(404);
    await confirmDelete('la passerelle fax');
    await ui.page.getByText('Aucune passerelle : les copies par fax sont refusées.').waitFor();
    await expectLogged(404, '/v1/channels/fax');
    await as(w.manager).get('/v1/channels/fax').expect(404);
    await expect(ui.page.getByLabel('Adresse de la passerelle', { exact: true }).inputValue()).resolves.toBe('');
  }, 60_000);

  it('labels every control and logs no console error', () => {
    expect(screens.unlabelled).toEqual([]);
    expect(ui.errors).toEqual([]);
  });
});
