import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { AppConfig } from '../../src/config/config.schema.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createHttpApp } from '../../src/http-app.js';
import supertest from 'supertest';
import { aPassword } from '../factories/accounts.factory.js';
import { waitFor } from '../harness/services.js';
import type { CapturedMail, SmtpListener } from '../harness/smtp-listener.js';

/** Debian's Chromium: the specs drive it, never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/**
 * Chromium, headless. Missing, the browser specs fail (naming how to install it) instead of being
 * skipped: a CI without a browser must not pass as if the console had been tested.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the console's browser specs need Debian's Chromium (\`apt-get install -y chromium\`; .ci/run installs it).`);
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * The API as main.ts builds it, on a real port (the browser talks HTTP to it); it serves the
 * console at /console from console/dist, which the jest global setup built.
 */
export async function startConsoleApi(config: AppConfig): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await createHttpApp(config, createLogger({ level: config.logLevel, role: 'api' }));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/** The test config with its email going to the SMTP listener on `smtpPort`, password links pointing at loopback. */
export function consoleMailConfig(config: AppConfig, smtpPort: number): AppConfig {
  return { ...config, logLevel: 'silent', publicBaseUrl: 'http://127.0.0.1', smtp: { url: `smtp://127.0.0.1:${smtpPort}`, poolMax: 2, timeoutMs: 5_000 } };
}

/** A page of the console with what went wrong in it: console errors and uncaught exceptions. */
export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  screenshot(name: string): Promise<void>;
}

export async function openConsole(browser: Browser, baseUrl: string): Promise<ConsolePage> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // The one refusal the console expects: opening it signed out, GET /v1/session answers 401 (the
    // contract's "not signed in") and Chromium logs every 4xx load. Any other error counts.
    if (/\/v1\/session$/.test(message.location().url) && message.text().includes('status of 401')) return;
    errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    page,
    context,
    errors,
    // Written for a person to look at (not committed: test-results/ is ignored).
    screenshot: async (name) => {
      await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
    },
  };
}

/** Chromium logs each 4xx answer as a console error: a refusal the step expects is taken out of ui.errors, one each. */
export async function expectRefusalLogged(ui: ConsolePage, status: number, path: string): Promise<void> {
  const logged = (e: string) => e.includes(`status of ${status}`) && e.includes(`${path})`);
  await waitFor(() => Promise.resolve(ui.errors.some(logged)), 5_000, `the ${status} of ${path} in the browser's console`);
  ui.errors.splice(ui.errors.findIndex(logged), 1);
}

/** Gives the account a password (as its invitation link would), then signs in through the form. */
export async function signInWithPassword(ui: ConsolePage, app: INestApplicationContext, input: { url: string; userId: string; inviter: string; password: string }): Promise<void> {
  const { email } = (await supertest(input.url).get(`/v1/users/${input.userId}`).set('Authorization', input.inviter).expect(200)).body as { email: string };
  await aPassword(app, input.userId, input.password);
  await signIn(ui.page, email, input.password);
}

/** Signs in through the console's form, as a person does. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('navigation', { name: 'Navigation principale' }).waitFor();
}

/**
 * Gives an account its first password the way a person does, then signs in: an admin sends the
 * invitation (POST /v1/users/:id/invitation), the link comes by email (captured by the SMTP
 * listener), the password page sets the password, the sign-in form opens the session.
 */
export async function signInWithInvitation(
  ui: ConsolePage,
  input: { url: string; smtp: SmtpListener; inviter: string; userId: string; password: string },
): Promise<void> {
  const http = supertest(input.url);
  const { email } = (await http.get(`/v1/users/${input.userId}`).set('Authorization', input.inviter).expect(200)).body as { email: string };
  await http.post(`/v1/users/${input.userId}/invitation`).set('Authorization', input.inviter).expect(202);
  await acceptInvitation(ui, { smtp: input.smtp, email, password: input.password });
}

/** Follows the invitation link emailed to `email` (however it was sent): the password page, then the sign-in form. */
export async function acceptInvitation(ui: ConsolePage, input: { smtp: SmtpListener; email: string; password: string }): Promise<void> {
  const linkIn = (mail: CapturedMail) => /\/console\/password\?token=[\w-]+/.exec(`${mail.parsed.text ?? ''} ${String(mail.parsed.html || '')}`)?.[0];
  let link: string | undefined;
  await waitFor(() => Promise.resolve(Boolean((link = input.smtp.messages.filter((m) => m.envelope.to.includes(input.email)).map(linkIn).find(Boolean)))), 15_000, 'the invitation email');
  await ui.page.goto(link!);
  await ui.screenshot('password');
  await ui.page.getByLabel('Nouveau mot de passe', { exact: true }).fill(input.password);
  await ui.page.getByLabel('Confirmer le mot de passe', { exact: true }).fill(input.password);
  await ui.page.getByRole('button', { name: 'Enregistrer' }).click();
  await ui.page.getByRole('heading', { name: 'Mot de passe enregistré' }).waitFor();
  await ui.page.getByRole('link', { name: 'Se connecter' }).click();
  await ui.screenshot('sign-in');
  await signIn(ui.page, input.email, input.password);
}

/** The screens a spec looked at: each written as a screenshot, its unlabelled controls (each a defect) noted by screen. */
export class ScreenLog {
  readonly unlabelled: string[] = [];

  async shot(ui: ConsolePage, name: string): Promise<void> {
    this.unlabelled.push(...(await unlabelledControls(ui.page)).map((control) => `${name}: ${control}`));
    await ui.screenshot(name);
  }
}

/** The controls of the page with no accessible name (no label, aria-label or text): each is a defect. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea, button, a[href]')]
    .filter((el) => el.type !== 'hidden')
    .filter((el) => !((el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.textContent.trim()))
    .map((el) => el.outerHTML.slice(0, 120))`);
}
