import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import supertest from 'supertest';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { type SmtpListener, startSmtpListener } from '../harness/smtp-listener.js';
import { callerOf, TestContext } from '../harness/test-context.js';
import { liveChannelsConfig, startTwilioEndpoint, type TwilioEndpoint } from '../harness/twilio-endpoint.js';
import { launchChromium, openConsole, signInWithPassword, startConsoleApi } from './browser-harness.js';

const UNREAD = 1_000;
const BUDGET_MS = 1_000;

/**
 * First meaningful paint of the inbox with 1,000 unread conversations, on loopback: from the
 * navigation to the first unread threads on screen (the shell, the session, the inbox chunk and the
 * first page of each list). Prints the figure.
 */
describe('the console’s inbox with 1,000 unread conversations', () => {
  let ctx: TestContext;
  let app: NestExpressApplication;
  let url: string;
  let smtp: SmtpListener;
  let twilioApi: TwilioEndpoint;
  let browser: Browser;
  let w: CompanyWorld;

  beforeAll(async () => {
    browser = await launchChromium();
    smtp = await startSmtpListener();
    twilioApi = await startTwilioEndpoint({ accounts: {} });
    ctx = await TestContext.create((c) => liveChannelsConfig(c, { smtpPort: smtp.port, twilio: twilioApi, publicBaseUrl: 'http://127.0.0.1' }));
    ({ app, url } = await startConsoleApi(ctx.config));
    const http = supertest(app.getHttpServer());
    w = await aCompanyWorld(app, http, 'Permanence Volume');
    await ctx.startWorker();
    // Written by the operator, so each is unread for the manager who opens the inbox.
    const as = callerOf(http)(w.operator);
    let next = 0;
    const writer = async () => {
      while (next < UNREAD) {
        const n = (next += 1);
        await as.post(`/v1/clients/${n % 2 ? w.clientId : w.otherClientId}/messages`, { subject: `Appel n° ${n}`, body: `Message ${n}`, urgent: n % 50 === 0, copies: [] }).expect(201);
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
    await smtp?.close();
    await twilioApi?.close();
  }, 60_000);

  it(`paints the unread threads in under ${BUDGET_MS} ms`, async () => {
    const ui = await openConsole(browser, url);
    await signInWithPassword(ui, app, { url, inviter: w.manager, userId: w.managerId, password: 'un mot de passe assez long' });
    // Fresh pages in the signed-in context (assets cached by the sign-in, as on any later visit),
    // opened once the 1,000 writes have settled: what a person sees opening the console. Three
    // openings, the median kept, so one hiccup of a shared machine does not decide.
    await ui.page.waitForTimeout(2_000);
    const openings: { fcp: number; ms: number }[] = [];
    // The page notes the frame its first unread thread is drawn in. An init script, not a polled
    // predicate: the console's Content-Security-Policy forbids the eval Playwright's polling uses.
    // Page-side code as text: the root project compiles for Node, without the DOM's types.
    await ui.context.addInitScript(
      `new MutationObserver((_, observer) => {
        if (!document.querySelector('[aria-labelledby="unread"] ul.messages li')) return;
        observer.disconnect();
        requestAnimationFrame(() => { window.unreadPaintedAt = performance.now(); });
      }).observe(document, { childList: true, subtree: true });`,
    );
    for (let n = 0; n < 3; n += 1) {
      const page = await ui.context.newPage();
      await page.goto('/console/', { waitUntil: 'commit' });
      await page.locator('[aria-labelledby="unread"] ul.messages li').first().waitFor();
      const ms = Math.round(
        await page.evaluate<number>(`new Promise((resolve) => { const seen = () => (window.unreadPaintedAt ? resolve(window.unreadPaintedAt) : requestAnimationFrame(seen)); seen(); })`),
      );
      const fcp = Math.round(await page.evaluate<number>(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`));
      expect(await page.getByTestId('unread-count').innerText()).toBe(String(UNREAD));
      openings.push({ fcp, ms });
      await page.close();
    }
    const { fcp, ms } = [...openings].sort((a, b) => a.ms - b.ms)[1];
    console.log(
      `inbox with ${UNREAD} unread conversations: first contentful paint ${fcp} ms, unread threads on screen ${ms} ms after navigation ` +
        `(median of ${openings.map((o) => o.ms).join(', ')} ms)`,
    );
    await ui.page.goto('/console/');
    await ui.page.getByTestId('unread-count').getByText(String(UNREAD), { exact: true }).waitFor();
    await ui.screenshot('inbox-1000-unread');
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(ui.errors).toEqual([]);
  }, 60_000);
});
