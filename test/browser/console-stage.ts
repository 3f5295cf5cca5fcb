import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { AppConfig } from '../../src/config/config.schema.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, TestContext } from '../harness/test-context.js';
import { launchChromium, startConsoleApi } from './browser-harness.js';

/** What every browser spec starts: Chromium, a database of the spec's own, the API serving the console, one company built through the API. */
export interface ConsoleStage {
  browser: Browser;
  ctx: TestContext;
  app: NestExpressApplication;
  url: string;
  http: TestAgent;
  as: ReturnType<typeof callerOf>;
  w: CompanyWorld;
  /** Closes the browser, the API and the spec's context (its worker, if started, and its database). */
  close(): Promise<void>;
}

/**
 * Starts a spec's stage: `configure` turns the test config into the spec's (quiet logs by default),
 * `company` names the company `aCompanyWorld` builds. What started is closed again if a later step
 * fails, so a failed set-up leaves no browser or server behind to hold the jest worker.
 */
export async function startConsoleStage(company: string, configure: (config: AppConfig) => AppConfig = (c) => ({ ...c, logLevel: 'silent' })): Promise<ConsoleStage> {
  // Closed browser first: its pages hold event streams open, which the API's close would wait for.
  let browser: Browser | undefined;
  let app: NestExpressApplication | undefined;
  let ctx: TestContext | undefined;
  const close = async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
  };
  try {
    browser = await launchChromium();
    ctx = await TestContext.create(configure);
    let url: string;
    ({ app, url } = await startConsoleApi(ctx.config));
    const http = supertest(app.getHttpServer());
    const w = await aCompanyWorld(app, http, company);
    return { browser, ctx, app, url, http, as: callerOf(http), w, close };
  } catch (error) {
    await close();
    throw error;
  }
}
