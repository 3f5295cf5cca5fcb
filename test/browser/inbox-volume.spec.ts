import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { openConsole, signInWithPassword } from './browser-harness.js';
import { type ConsoleStage, startConsoleStage } from './console-stage.js';

const UNREAD = 1_000;
/** The console's page of a list (console/src/api/messages.ts): the inbox draws that many, never the whole list. */
const PAGE = 50;
const UNREAD_ROW = '[aria-labelledby="unread"] ul.messages li';
/** The inbox's other lists: asked for once the unread threads are on screen, so they do not compete with them. */
const LATER_LISTS = /\/v1\/(messages\/urgent|tasks|remarks|vad\/untransmitted|subcontracting\/messages)(\?|\/|$)/;

/**
 * The inbox with 1,000 unread conversations, in Chromium on loopback: the exact count, one page of
 * threads drawn (not a thousand), the unread page asked for first and the other lists only once it
 * has arrived, no console error. How fast it paints is measured by `npm run bench:console-inbox`
 * (the same browser, on a machine doing nothing else), not here: a spec sharing the cores with the
 * rest of the suite would time the suite, not the console.
 */
describe('the console’s inbox with 1,000 unread conversations', () => {
  let stage: ConsoleStage;

  beforeAll(async () => {
    stage = await startConsoleStage('Permanence Volume');
    // Written by the operator, so each is unread for the manager who opens the inbox.
    const { as, w } = stage;
    let next = 0;
    const writer = async () => {
      while (next < UNREAD) {
        const n = (next += 1);
        await as(w.operator).post(`/v1/clients/${n % 2 ? w.clientId : w.otherClientId}/messages`, { subject: `Appel n° ${n}`, body: `Message ${n}`, urgent: n % 50 === 0, copies: [] }).expect(201);
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
  }, 240_000);

  afterAll(() => stage?.close(), 60_000);

  it('shows the exact count and one page of threads, the unread page asked for before the other lists', async () => {
    const { app, url, w } = stage;
    const ui = await openConsole(stage.browser, url);
    await signInWithPassword(ui, app, { url, inviter: w.manager, userId: w.managerId, password: 'un mot de passe assez long' });
    // A fresh page in the signed-in context, as on any later visit: every API request it makes, in order.
    const page = await ui.context.newPage();
    const asked: string[] = [];
    let unreadAnsweredAt = -1;
    page.on('console', (message) => {
      if (message.type() === 'error') ui.errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => ui.errors.push(`page: ${error.message}`));
    page.on('request', (request) => {
      if (request.url().includes('/v1/')) asked.push(new URL(request.url()).pathname);
    });
    page.on('requestfinished', (request) => {
      if (unreadAnsweredAt < 0 && new URL(request.url()).pathname === '/v1/messages/unread') unreadAnsweredAt = asked.length;
    });
    await page.goto('/console/');
    await page.locator(UNREAD_ROW).first().waitFor();
    await page.getByTestId('unread-count').getByText(String(UNREAD), { exact: true }).waitFor();
    await page.getByTestId('urgent-count').getByText(String(UNREAD / 50), { exact: true }).waitFor();
    await page.locator('[aria-labelledby="urgent"] ul.messages li').first().waitFor();

    expect(await page.locator(UNREAD_ROW).count()).toBe(PAGE);
    expect(unreadAnsweredAt).toBeGreaterThan(0);
    const beforeUnread = asked.slice(0, unreadAnsweredAt);
    expect(beforeUnread).toContain('/v1/messages/unread');
    expect(beforeUnread.filter((path) => LATER_LISTS.test(path))).toEqual([]);
    expect(asked.filter((path) => LATER_LISTS.test(path)).length).toBeGreaterThan(0);
    // The threads the API gives as the first page, in its order (latest activity first).
    const firstPage = (await supertest(url).get(`/v1/messages/unread?limit=${PAGE}`).set('Authorization', w.manager).expect(200)).body as { items: { subject: string }[] };
    expect(await page.locator(`${UNREAD_ROW} .subject`).allInnerTexts()).toEqual(firstPage.items.map((m) => m.subject));
    await page.close();

    await ui.page.goto('/console/');
    await ui.page.getByTestId('unread-count').getByText(String(UNREAD), { exact: true }).waitFor();
    await ui.screenshot('inbox-1000-unread');
    expect(ui.errors).toEqual([]);
  }, 60_000);
});
