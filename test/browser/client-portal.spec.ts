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
 * The portal in Chromium against the real API: a client account signs in and sees its own file's
 * messages, interventions and visible discussions only, no staff or admin navigation; it answers a
 * thread or a discussion, and the team's answer appears without a reload; the API refuses its session
 * another file and the admin routes.
 */
describe('the console in a browser: the client portal', () => {
  let stage: ConsoleStage;
  let app: NestExpressApplication;
  let url: string;
  let browser: Browser;
  let w: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let ui: ConsolePage;
  let otherIntervention: string;
  const screens = new ScreenLog();
  const shot = (name: string) => screens.shot(ui, name);

  beforeAll(async () => {
    stage = await startConsoleStage('Permanence Portail');
    ({ browser, app, url, as, w } = stage);
    await as(w.operator).post(`/v1/clients/${w.otherClientId}/messages`, { subject: 'Fuite chez Leroy', body: 'Appel de M. Leroy.', copies: [] }).expect(201);
    const mine = (await as(w.operator).post('/v1/interventions', { clientId: w.clientId, title: 'Fuite sous l’évier', description: 'Cuisine, 2e étage' }).expect(201)).body.id as string;
    await as(w.operator).post(`/v1/interventions/${mine}/exchanges`, { type: 'call', detail: 'Appelé pour fixer un rendez-vous.' }).expect(201);
    otherIntervention = (await as(w.operator).post('/v1/interventions', { clientId: w.otherClientId, title: 'Chauffe-eau' }).expect(201)).body.id as string;
    await aPassword(app, w.clientAccountId, PASSWORD);
    ui = await openConsole(browser, url);
  }, 120_000);

  afterAll(async () => {
    await stage?.close();
  }, 60_000);

  it('signs the client in to its own messages, with no staff or admin navigation', async () => {
    const { email } = (await as(w.manager).get(`/v1/users/${w.clientAccountId}`).expect(200)).body as { email: string };
    await signIn(ui.page, email, PASSWORD);
    const nav = await ui.page.getByRole('navigation', { name: 'Navigation principale' }).innerText();
    expect(nav).toContain('Mes messages');
    expect(nav).toContain('Interventions');
    expect(nav).toContain('Discussions');
    for (const staff of ['Administration', 'Quarantaine', 'Dossiers clients', 'Boîte de réception']) expect(nav).not.toContain(staff);
    await ui.page.getByRole('heading', { name: 'Mes messages' }).waitFor();
    await ui.page.getByRole('link', { name: /Appel de Mme Petit/ }).waitFor();
    await expect(ui.page.getByRole('link', { name: /Fuite chez Leroy/ }).count()).resolves.toBe(0);
    await shot('portal-messages');
  }, 60_000);

  it('answers a thread, and the team’s answer appears without a reload', async () => {
    await ui.page.getByRole('link', { name: /Appel de Mme Petit/ }).click();
    await ui.page.getByRole('heading', { name: 'Appel de Mme Petit' }).waitFor();
    await ui.page.getByLabel('Votre réponse', { exact: true }).fill('Merci, je la rappelle demain matin.');
    await ui.page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await ui.page.getByTestId('entry').filter({ hasText: 'Merci, je la rappelle demain matin.' }).filter({ hasText: 'Vous' }).waitFor();
    const thread = (await as(w.manager).get(`/v1/messages/${w.messageId}`).expect(200)).body as { replies: { authorId: string; body: string }[] };
    expect(thread.replies.at(-1)).toMatchObject({ authorId: w.clientAccountId, body: 'Merci, je la rappelle demain matin.' });
    await as(w.operator).post(`/v1/messages/${w.messageId}/replies`, { body: 'Parfait, nous notons.', copies: [] }).expect(201);
    await ui.page.getByTestId('entry').filter({ hasText: 'Parfait, nous notons.' }).waitFor({ timeout: 3_000 });
    await shot('portal-thread');
  }, 60_000);

  it('shows its interventions and their exchanges, not another file’s', async () => {
    await ui.page.getByRole('link', { name: 'Interventions' }).click();
    await ui.page.getByRole('heading', { name: 'Interventions' }).waitFor();
    const items = ui.page.getByTestId('intervention');
    await waitFor(async () => (await items.count()) === 1, 5_000, 'one intervention');
    await expect(items.innerText()).resolves.toContain('Fuite sous l’évier');
    await items.getByRole('link').click();
    await ui.page.getByRole('heading', { name: 'Fuite sous l’évier' }).waitFor();
    await ui.page.getByTestId('exchange').filter({ hasText: 'Appelé pour fixer un rendez-vous.' }).waitFor();
    await shot('portal-intervention');
  }, 60_000);

  it('is refused another file and the staff routes by the API, whatever the console shows', async () => {
    for (const path of [`/v1/clients/${w.otherClientId}/messages`, `/v1/interventions/${otherIntervention}`]) {
      const refused = await ui.page.request.get(path);
      expect([path, [403, 404].includes(refused.status())]).toEqual([path, true]);
    }
    for (const path of ['/v1/quarantine', '/v1/routing-rules', '/v1/users', '/v1/outbound-templates']) {
      expect([path, (await ui.page.request.get(path)).status()]).toEqual([path, 403]);
    }
    const listed = (await (await ui.page.request.get('/v1/interventions')).json()) as { items: { clientId: string }[] };
    expect(listed.items.every((i) => i.clientId === w.clientId)).toBe(true);
  }, 60_000);

  it('shows the discussions made visible to it, NEW until read; answers one live; opens one; loses a hidden one', async () => {
    const hidden = (await as(w.manager).post('/v1/discussions', { clientId: w.clientId, title: 'Relance impayé (interne)', body: 'À voir en équipe.' }).expect(201)).body.id as string;
    const shown = (await as(w.manager).post('/v1/discussions', { clientId: w.clientId, title: 'Nouveaux horaires', body: 'Nous ouvrons à 8 h dès lundi.', visible: true }).expect(201)).body.id as string;
    await ui.page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Discussions' }).click();
    await ui.page.getByRole('heading', { name: 'Discussions', exact: true }).waitFor();
    const item = ui.page.getByTestId('discussion').filter({ hasText: 'Nouveaux horaires' });
    const newBadge = item.getByText('Nouveau', { exact: true });
    await newBadge.waitFor();
    await expect(ui.page.getByTestId('discussion').filter({ hasText: 'Relance impayé' }).count()).resolves.toBe(0);
    await ui.page.getByRole('button', { name: 'Nouvelles', exact: true }).click();
    await waitFor(async () => (await ui.page.getByTestId('discussion').count()) === 1, 5_000, 'the NEW filter to list the one new discussion');
    await shot('portal-discussions');

    await item.getByRole('link').click();
    await ui.page.getByRole('heading', { name: 'Nouveaux horaires' }).waitFor();
    await ui.page.getByLabel('Votre réponse', { exact: true }).fill('Merci, et le samedi ?');
    await ui.page.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await ui.page.getByTestId('entry').filter({ hasText: 'Merci, et le samedi ?' }).filter({ hasText: 'Vous' }).waitFor();
    const replies = (await as(w.manager).get(`/v1/discussions/${shown}/replies`).expect(200)).body as { authorId: string; body: string }[];
    expect(replies).toEqual([expect.objectContaining({ authorId: w.clientAccountId, body: 'Merci, et le samedi ?' })]);
    // The team answers: the open discussion shows it without a reload.
    await as(w.manager).post(`/v1/discussions/${shown}/replies`, { body: 'Le samedi aussi, de 9 h à midi.' }).expect(201);
    await ui.page.getByTestId('entry').filter({ hasText: 'Le samedi aussi, de 9 h à midi.' }).waitFor({ timeout: 3_000 });
    await shot('portal-discussion');
    // Read once open: no longer NEW.
    await ui.page.getByRole('link', { name: '← Discussions' }).click();
    await ui.page.getByRole('button', { name: 'Toutes', exact: true }).click();
    await item.waitFor();
    await waitFor(async () => (await newBadge.count()) === 0, 5_000, 'the NEW badge to go once read');

    // Opened from the portal: visible, about its own file, addressed to the team.
    await ui.page.getByLabel('Titre', { exact: true }).fill('Changement d’adresse');
    await ui.page.getByLabel('Message', { exact: true }).fill('Nous déménageons au 3 rue des Lilas.');
    await ui.page.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await ui.page.getByRole('heading', { name: 'Changement d’adresse' }).waitFor();
    const staffList = (await as(w.manager).get('/v1/discussions').expect(200)).body as { items: { title: string; clientId: string; visible: boolean; isNew: boolean }[] };
    expect(staffList.items.find((d) => d.title === 'Changement d’adresse')).toMatchObject({ clientId: w.clientId, visible: true, isNew: true });

    // Hidden again by the team: gone from the portal, and its page says so instead of showing it.
    await ui.page.getByRole('link', { name: '← Discussions' }).click();
    await item.waitFor();
    await as(w.manager).patch(`/v1/discussions/${shown}`, { visible: false }).expect(200);
    await ui.page.reload();
    await ui.page.getByRole('heading', { name: 'Discussions', exact: true }).waitFor();
    await ui.page.getByTestId('discussion').filter({ hasText: 'Changement d’adresse' }).waitFor();
    await expect(item.count()).resolves.toBe(0);
    expect((await ui.page.request.get(`/v1/discussions/${shown}`)).status()).toBe(404);
    expect((await ui.page.request.get(`/v1/discussions/${hidden}`)).status()).toBe(404);
  }, 60_000);

  it('labels every control and logs no console error', () => {
    expect(screens.unlabelled).toEqual([]);
    expect(ui.errors).toEqual([]);
  });
});
