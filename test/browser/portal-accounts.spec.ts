import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import type { CompanyWorld } from '../factories/world.factory.js';
import { type SmtpListener, startSmtpListener } from '../harness/smtp-listener.js';
import type { callerOf } from '../harness/test-context.js';
import { acceptInvitation, consoleMailConfig, type ConsolePage, expectRefusalLogged, openConsole, signInWithPassword, ScreenLog } from './browser-harness.js';
import { type ConsoleStage, startConsoleStage } from './console-stage.js';

const PASSWORD = 'un mot de passe assez long';
const NEW_EMAIL = 'jeanne.martin@cabinet-durand.test';

/**
 * Portal accounts made from a client file's page, in Chromium against the real API, worker and an
 * SMTP listener: a manager creates a client account with its invitation, the emailed link sets its
 * password and the new account lands on its own file's portal; an operator sees the file's accounts
 * and nothing to change them with.
 */
describe('the console in a browser: portal accounts from the client file', () => {
  let stage: ConsoleStage;
  let app: NestExpressApplication;
  let url: string;
  let smtp: SmtpListener;
  let browser: Browser;
  let w: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  const pages: ConsolePage[] = [];
  const screens = new ScreenLog();
  const shot = (page: ConsolePage, name: string) => screens.shot(page, name);
  const open = async () => {
    const ui = await openConsole(browser, url);
    pages.push(ui);
    return ui;
  };
  /** A new browser signed in as `userId` on the client file's page, and its « Accès au portail » panel. */
  const openFileAs = async (userId: string) => {
    const ui = await open();
    await signInWithPassword(ui, app, { url, userId, inviter: w.manager, password: PASSWORD });
    await ui.page.goto(`/console/clients/${w.clientId}`);
    return { ui, panel: ui.page.getByRole('region', { name: 'Accès au portail' }) };
  };

  beforeAll(async () => {
    smtp = await startSmtpListener();
    stage = await startConsoleStage('Permanence Accès', (c) => consoleMailConfig(c, smtp.port));
    ({ browser, app, url, as, w } = stage);
    await as(w.operator).post(`/v1/clients/${w.otherClientId}/messages`, { subject: 'Fuite chez Leroy', body: 'Appel de M. Leroy.', copies: [] }).expect(201);
    await stage.ctx.startWorker();
  }, 120_000);

  afterAll(async () => {
    await stage?.close();
    await smtp?.close();
  }, 60_000);

  it('lets a manager create a client account for the file, its invitation sent at once', async () => {
    const { ui, panel } = await openFileAs(w.managerId);
    await panel.getByTestId('portal-account').filter({ hasText: 'Dr Durand' }).filter({ hasText: 'Client' }).filter({ hasText: 'Actif' }).waitFor();
    await expect(panel.getByRole('button', { name: 'Envoyer une invitation à Dr Durand' }).count()).resolves.toBe(1);

    const form = ui.page.getByRole('form', { name: 'Nouveau compte du portail' });
    const template = form.getByLabel('Modèle de droits', { exact: true });
    // Only the templates of a client file's people: no collaborator nor worker template.
    expect((await template.locator('option').allInnerTexts()).slice(1).sort()).toEqual(['Client (Client)', 'Secretary (Secrétariat)']);
    await expect(form.getByLabel('Envoyer l’invitation', { exact: true }).isChecked()).resolves.toBe(true);

    // The file's existing account's address: the API refuses it, and the form says why.
    const { email: taken } = (await as(w.manager).get(`/v1/users/${w.clientAccountId}`).expect(200)).body as { email: string };
    await form.getByLabel('Prénom', { exact: true }).fill('Jeanne');
    await form.getByLabel('Nom', { exact: true }).fill('Martin');
    await form.getByLabel('Adresse e-mail', { exact: true }).fill(taken);
    await template.selectOption({ label: 'Client (Client)' });
    await form.getByRole('button', { name: 'Créer le compte' }).click();
    await form.getByRole('alert').filter({ hasText: 'Compte non créé' }).filter({ hasText: 'user_email_taken' }).filter({ hasText: 'déjà celle d’un compte' }).waitFor();
    await expectRefusalLogged(ui, 409, '/v1/users');
    await shot(ui, 'portal-accounts-email-taken');

    await form.getByLabel('Adresse e-mail', { exact: true }).fill(NEW_EMAIL);
    await form.getByRole('button', { name: 'Créer le compte' }).click();
    await form.getByRole('status').filter({ hasText: `invitation envoyée à ${NEW_EMAIL}` }).waitFor();
    await expect(form.getByRole('alert').count()).resolves.toBe(0);
    await panel.getByTestId('portal-account').filter({ hasText: 'Jeanne Martin' }).filter({ hasText: NEW_EMAIL }).filter({ hasText: 'Actif' }).waitFor();
    await shot(ui, 'portal-accounts-created');

    const listed = (await as(w.manager).get(`/v1/users?clientId=${w.clientId}`).expect(200)).body.items as { email: string; kind: string; clientId: string }[];
    expect(listed.find((u) => u.email === NEW_EMAIL)).toMatchObject({ kind: 'client', clientId: w.clientId });
  }, 60_000);

  it('the emailed link sets the new account’s password, and it lands on its own file’s portal', async () => {
    const ui = await open();
    await acceptInvitation(ui, { smtp, email: NEW_EMAIL, password: PASSWORD });
    await ui.page.getByRole('heading', { name: 'Mes messages' }).waitFor();
    await ui.page.getByRole('link', { name: /Appel de Mme Petit/ }).waitFor();
    await expect(ui.page.getByRole('link', { name: /Fuite chez Leroy/ }).count()).resolves.toBe(0);
    expect(await ui.page.getByRole('navigation', { name: 'Navigation principale' }).innerText()).not.toContain('Dossiers clients');
    await shot(ui, 'portal-accounts-new-client');
  }, 60_000);

  it('shows an operator the file’s accounts, with no form nor invitation to send', async () => {
    const { ui, panel } = await openFileAs(w.operatorId);
    await panel.getByTestId('portal-account').filter({ hasText: 'Jeanne Martin' }).waitFor();
    await expect(panel.getByTestId('portal-account').count()).resolves.toBe(2);
    await expect(ui.page.getByRole('form', { name: 'Nouveau compte du portail' }).count()).resolves.toBe(0);
    await expect(ui.page.getByRole('button', { name: /Envoyer une invitation/ }).count()).resolves.toBe(0);
    await shot(ui, 'portal-accounts-operator');
  }, 60_000);

  it('showed no console error and no unlabelled control', () => {
    expect(pages.flatMap((ui) => ui.errors)).toEqual([]);
    expect(screens.unlabelled).toEqual([]);
  });
});
