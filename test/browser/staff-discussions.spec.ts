import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import { aPassword } from '../factories/accounts.factory.js';
import type { CompanyWorld } from '../factories/world.factory.js';
import { waitFor } from '../harness/services.js';
import type { callerOf } from '../harness/test-context.js';
import { type ConsolePage, openConsole, signIn, ScreenLog } from './browser-harness.js';
import { type ConsoleStage, startConsoleStage } from './console-stage.js';

const PASSWORD = 'un mot de passe assez long';

/**
 * Staff's side of portal discussions in Chromium against the real API: an operator opens one from a
 * client file, visible on the portal; the client's answer (written through the API as the client)
 * shows live with the NEW badge and the navigation's count; the operator reads it, answers, renames
 * it and hides it, after which the client's account no longer reaches it. An account without
 * notes.read has no Discussions entry.
 */
describe('the console in a browser: staff discussions', () => {
  let stage: ConsoleStage;
  let app: NestExpressApplication;
  let url: string;
  let browser: Browser;
  let w: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let ui: ConsolePage;
  let discussionId: string;
  const screens = new ScreenLog();
  const shot = (name: string) => screens.shot(ui, name);
  const nav = () => ui.page.getByRole('navigation', { name: 'Navigation principale' });
  const row = (title: string) => ui.page.getByTestId('discussion').filter({ hasText: title });

  beforeAll(async () => {
    stage = await startConsoleStage('Permanence Discussions Équipe');
    ({ browser, app, url, as, w } = stage);
    // Another file's discussion: the client file's list must leave it out.
    await as(w.manager).post('/v1/discussions', { clientId: w.otherClientId, title: 'Devis chauffe-eau', body: 'À chiffrer.' }).expect(201);
    await aPassword(app, w.operatorId, PASSWORD);
    ui = await openConsole(browser, url);
  }, 120_000);

  afterAll(async () => {
    await stage?.close();
  }, 60_000);

  it('opens a discussion visible on the portal from the client file', async () => {
    const { email } = (await as(w.manager).get(`/v1/users/${w.operatorId}`).expect(200)).body as { email: string };
    await signIn(ui.page, email, PASSWORD);
    // The other file's discussion is NEW for the operator: the entry counts it.
    await nav().getByRole('link', { name: 'Discussions (1 nouvelle)' }).waitFor();
    await nav().getByRole('link', { name: 'Dossiers clients' }).click();
    await ui.page.getByRole('link', { name: 'Cabinet Médical Durand' }).click();
    await ui.page.getByRole('link', { name: 'Discussions du dossier' }).click();
    await ui.page.getByRole('heading', { name: 'Discussions', exact: true }).waitFor();
    await ui.page.getByText('Aucune discussion.').waitFor();
    await ui.page.getByText('Discussions du dossier Cabinet Médical Durand').waitFor();
    await expect(row('Devis chauffe-eau').count()).resolves.toBe(0);

    await ui.page.getByRole('link', { name: 'Nouvelle discussion' }).click();
    await ui.page.getByRole('heading', { name: 'Nouvelle discussion' }).waitFor();
    // Opened from the file: that file is already chosen.
    await waitFor(async () => (await ui.page.getByLabel('Dossier client', { exact: true }).inputValue()) === w.clientId, 5_000, 'the client file to be preselected');
    await ui.page.getByLabel('Titre', { exact: true }).fill('Accès au cabinet');
    await ui.page.getByLabel('Premier message', { exact: true }).fill('Le digicode change lundi : 4821B.');
    await ui.page.getByLabel('Visible sur le portail', { exact: true }).check();
    await shot('staff-discussion-new');
    await ui.page.getByRole('button', { name: 'Créer la discussion' }).click();
    await ui.page.getByRole('heading', { name: 'Accès au cabinet' }).waitFor();
    discussionId = /\/discussions\/([0-9a-f-]{36})$/.exec(ui.page.url())![1];
    expect(await ui.page.getByLabel('Visible sur le portail', { exact: true }).isChecked()).toBe(true);
    const seen = (await as(w.clientAccount).get('/v1/discussions').expect(200)).body as { items: { id: string; title: string }[] };
    expect(seen.items.map((d) => d.title)).toEqual(['Accès au cabinet']);
  }, 60_000);

  it('shows the client’s answer live, NEW in the list and counted in the navigation, until opened', async () => {
    await nav().getByRole('link', { name: /^Discussions/ }).click();
    const item = row('Accès au cabinet');
    await item.waitFor();
    await expect(item.innerText()).resolves.toMatch(/Cabinet Médical Durand[\s\S]*Visible/);
    expect(await item.getByText('Nouveau', { exact: true }).count()).toBe(0);

    await as(w.clientAccount).post(`/v1/discussions/${discussionId}/replies`, { body: 'Merci, c’est noté.' }).expect(201);
    // No reload: the live event brings the badge and the count.
    await item.getByText('Nouveau', { exact: true }).waitFor({ timeout: 5_000 });
    await nav().getByRole('link', { name: 'Discussions (2 nouvelles)' }).waitFor({ timeout: 5_000 });
    await shot('staff-discussions');
    await ui.page.getByRole('button', { name: 'Nouvelles', exact: true }).click();
    await waitFor(async () => (await ui.page.getByTestId('discussion').count()) === 2, 5_000, 'the NEW filter to list the two new discussions');

    await item.getByRole('link', { name: 'Accès au cabinet' }).click();
    await ui.page.getByRole('heading', { name: 'Accès au cabinet' }).waitFor();
    await ui.page.getByTestId('entry').filter({ hasText: 'Merci, c’est noté.' }).filter({ hasText: 'Dr Durand' }).waitFor();
    // Opened: read, the count goes down at once.
    await nav().getByRole('link', { name: 'Discussions (1 nouvelle)' }).waitFor({ timeout: 5_000 });
    const listed = (await as(w.operator).get(`/v1/discussions?clientId=${w.clientId}`).expect(200)).body as { items: { isNew: boolean }[] };
    expect(listed.items).toEqual([expect.objectContaining({ isNew: false })]);
  }, 60_000);

  it('answers, renames, sees the next answer live, then hides it: the client no longer reaches it', async () => {
    await ui.page.getByLabel('Votre réponse', { exact: true }).fill('Parfait, bonne journée.');
    await ui.page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await ui.page.getByTestId('entry').filter({ hasText: 'Parfait, bonne journée.' }).filter({ hasText: 'Olivier Opé' }).waitFor();
    const replies = (await as(w.clientAccount).get(`/v1/discussions/${discussionId}/replies`).expect(200)).body as { authorId: string; body: string }[];
    expect(replies.at(-1)).toMatchObject({ authorId: w.operatorId, body: 'Parfait, bonne journée.' });

    await ui.page.getByRole('button', { name: 'Modifier le titre' }).click();
    await ui.page.getByLabel('Titre de la discussion', { exact: true }).fill('Accès au cabinet (digicode)');
    await ui.page.keyboard.press('Enter');
    await ui.page.getByRole('heading', { name: 'Accès au cabinet (digicode)' }).waitFor();
    expect((await as(w.manager).get(`/v1/discussions/${discussionId}`).expect(200)).body.title).toBe('Accès au cabinet (digicode)');

    await as(w.clientAccount).post(`/v1/discussions/${discussionId}/replies`, { body: 'Et pour le parking ?' }).expect(201);
    await ui.page.getByTestId('entry').filter({ hasText: 'Et pour le parking ?' }).waitFor({ timeout: 5_000 });
    await shot('staff-discussion');

    // Hidden by keyboard, as a person without a mouse does.
    await ui.page.getByLabel('Visible sur le portail', { exact: true }).focus();
    await ui.page.keyboard.press('Space');
    await waitFor(async () => (await as(w.clientAccount).get(`/v1/discussions/${discussionId}`)).status === 404, 5_000, 'the client to lose the discussion');
    await waitFor(async () => !(await ui.page.getByLabel('Visible sur le portail', { exact: true }).isChecked()), 3_000, 'the box to show the discussion hidden');
    expect((await as(w.clientAccount).get('/v1/discussions').expect(200)).body.items).toEqual([]);
    expect((await as(w.clientAccount).post(`/v1/discussions/${discussionId}/replies`, { body: 'Encore là ?' })).status).toBe(404);
    await ui.page.getByRole('link', { name: '← Discussions' }).click();
    await expect(row('Accès au cabinet (digicode)').innerText()).resolves.toContain('Masquée');
  }, 60_000);

  it('shows no Discussions entry to a collaborator without notes.read', async () => {
    const night = (await as(w.manager).post('/v1/users', { rightsTemplateId: w.customTemplateId, firstName: 'Nina', lastName: 'Nuit', email: 'nina.nuit@example.test' }).expect(201)).body.id as string;
    await aPassword(app, night, PASSWORD);
    await ui.page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signIn(ui.page, 'nina.nuit@example.test', PASSWORD);
    await expect(nav().innerText()).resolves.toContain('Boîte de réception');
    await expect(nav().innerText()).resolves.not.toContain('Discussions');
  }, 60_000);

  it('labels every control and logs no console error', () => {
    expect(screens.unlabelled).toEqual([]);
    expect(ui.errors).toEqual([]);
  });
});
