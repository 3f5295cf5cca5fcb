/**
 * npm run bench:console-inbox [-- unread openings] — the console's inbox in Debian's Chromium with
 * `unread` unread conversations (default 1,000), on loopback, in a database of its own: the API as
 * main.ts builds it serves the built console; an operator writes the messages through the API, so
 * each is unread for the manager who opens the inbox. The manager signs in through the form once
 * (the assets then cached, as on any later visit), then opens the inbox `openings` times (default 9)
 * in fresh pages, and once more in a fresh browser context (nothing cached). For each it prints the
 * first contentful paint and the time from the navigation to the frame the first unread thread is
 * drawn in, then their median and worst (target: unread threads on screen < 1,000 ms).
 * Prints figures; asserts nothing (the exit code says whether every opening showed the exact count
 * with no console error).
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import supertest from 'supertest';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createHttpApp } from '../../src/http-app.js';
import { launchChromium, openConsole, signInWithPassword } from '../browser/browser-harness.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { ensureConsoleBuilt } from '../harness/console-build.js';
import { databaseUrl } from '../harness/services.js';
import { freshBenchDatabase } from './bench-database.js';

const UNREAD = Number(process.argv[2] ?? 1_000);
const OPENINGS = Number(process.argv[3] ?? 9);
const TARGET_MS = 1_000;
const DATABASE = 'relais_bench_console';
const UNREAD_ROW = '[aria-labelledby="unread"] ul.messages li';

const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const config = {
  ...base,
  logLevel: 'warn' as const,
  publicBaseUrl: 'http://127.0.0.1',
  database: { ...base.database, url: databaseUrl(base.database.url, DATABASE) },
  queue: { ...base.queue, prefix: 'bench-console' },
};

/**
 * The page notes the frame its first unread thread is drawn in. An init script, not a polled
 * predicate: the console's Content-Security-Policy forbids the eval Playwright's polling uses.
 */
const NOTE_FIRST_UNREAD = `new MutationObserver((_, observer) => {
  if (!document.querySelector('${UNREAD_ROW}')) return;
  observer.disconnect();
  requestAnimationFrame(() => { window.unreadPaintedAt = performance.now(); });
}).observe(document, { childList: true, subtree: true });`;
const UNREAD_PAINTED_AT = `new Promise((resolve) => { const seen = () => (window.unreadPaintedAt ? resolve(window.unreadPaintedAt) : requestAnimationFrame(seen)); seen(); })`;
const FIRST_CONTENTFUL_PAINT = `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`;

interface Opening {
  fcp: number;
  unread: number;
  count: string;
}

async function writeUnread(http: ReturnType<typeof supertest>, operator: string, clients: string[]): Promise<void> {
  let next = 0;
  const writer = async () => {
    while (next < UNREAD) {
      const n = (next += 1);
      const answer = await http
        .post(`/v1/clients/${clients[n % 2]}/messages`)
        .set('Authorization', operator)
        .send({ subject: `Appel n° ${n}`, body: `Message ${n}`, urgent: n % 50 === 0, copies: [] });
      if (answer.status !== 201) throw new Error(`writing message ${n} answered ${answer.status}: ${answer.text}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

const ms = (value: number) => `${Math.round(value)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<number> {
  ensureConsoleBuilt();
  await freshBenchDatabase(base, config, DATABASE);
  const app: NestExpressApplication = await createHttpApp(config, createLogger({ level: 'error', role: 'bench' }));
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const browser = await launchChromium();
  try {
    const http = supertest(app.getHttpServer());
    const w = await aCompanyWorld(app, http, 'Permanence Volume');
    const seeding = Date.now();
    await writeUnread(http, w.operator, [w.clientId, w.otherClientId]);
    console.log(`seeded ${UNREAD} unread messages through the API in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

    const ui = await openConsole(browser, url);
    await signInWithPassword(ui, app, { url, inviter: w.manager, userId: w.managerId, password: 'un mot de passe assez long' });
    await ui.context.addInitScript(NOTE_FIRST_UNREAD);
    const errors = ui.errors;
    const open = async (context: typeof ui.context): Promise<Opening> => {
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
      await page.goto('/console/', { waitUntil: 'commit' });
      await page.locator(UNREAD_ROW).first().waitFor();
      const unread = await page.evaluate<number>(UNREAD_PAINTED_AT);
      const fcp = await page.evaluate<number>(FIRST_CONTENTFUL_PAINT);
      await page.getByTestId('unread-count').getByText(/^\d+$/).waitFor();
      const count = await page.getByTestId('unread-count').innerText();
      await page.close();
      return { fcp, unread, count };
    };
    // The first opening after the sign-in warms the API's and the database's caches; not counted.
    await open(ui.context);
    const warm: Opening[] = [];
    for (let n = 0; n < OPENINGS; n += 1) warm.push(await open(ui.context));

    // A context of its own with the session's cookie and nothing cached: a first visit's bytes.
    const cold = await browser.newContext({ baseURL: url, locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
    await cold.addCookies(await ui.context.cookies());
    await cold.addInitScript(NOTE_FIRST_UNREAD);
    const first = await open(cold);
    await cold.close();

    console.log(`\ninbox of a manager with ${UNREAD} unread conversations, ${OPENINGS} openings with the assets cached:`);
    for (const [n, o] of warm.entries()) console.log(`  opening ${n + 1}: first contentful paint ${ms(o.fcp)}, unread threads on screen ${ms(o.unread)}`);
    const unread = warm.map((o) => o.unread);
    console.log(`  median: first contentful paint ${ms(median(warm.map((o) => o.fcp)))}, unread threads on screen ${ms(median(unread))} (target < ${TARGET_MS} ms)`);
    console.log(`  worst: unread threads on screen ${ms(Math.max(...unread))}`);
    console.log(`nothing cached (a first visit): first contentful paint ${ms(first.fcp)}, unread threads on screen ${ms(first.unread)}`);

    const wrong = [...warm, first].filter((o) => o.count !== String(UNREAD));
    if (wrong.length > 0) console.error(`the unread count read ${wrong.map((o) => o.count).join(', ')} instead of ${UNREAD}`);
    if (ui.errors.length > 0) console.error(`console errors:\n${ui.errors.join('\n')}`);
    return wrong.length === 0 && ui.errors.length === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await app.close();
  }
}

process.exitCode = await main();
