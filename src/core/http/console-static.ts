import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type NextFunction, type Request, type Response, static as serveStatic } from 'express';
import type { Logger } from '../logging/logger.js';

/** Where the console is served; its build names files with this base. */
export const CONSOLE_PATH = '/console';

/** Vite puts every hashed (content-named) file under assets/: they never change, so they are cached for a year. */
const HASHED = /[/\\]assets[/\\][^/\\]+$/;

/**
 * Serves the built web console (a single-page app) at /console from one origin with the API: its
 * files as they are, and index.html for any other GET under /console (a client-side route such as
 * /console/threads/…). Hashed assets are cached for good, index.html never (a new release shows at
 * once). A missing asset is a 404, not the page. Without a build (no index.html), nothing is
 * mounted and the API runs as before.
 */
export function mountConsole(app: NestExpressApplication, distDir: string, logger: Logger): void {
  const root = resolve(distDir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    logger.info({ distDir: root }, 'no console build found; /console is not served');
    return;
  }
  const policy = contentSecurityPolicy(readFileSync(index, 'utf8'));
  const files = serveStatic(root, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders: (response, path) => {
      response.setHeader('Cache-Control', HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // On every answer under /console, the page asked for by its own name (/console/index.html) included.
  const guarded = (_request: Request, response: Response, next: NextFunction) => {
    // A password link carries its token in the URL: no other site may see it as a referrer.
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', policy);
    next();
  };
  app.use(CONSOLE_PATH, guarded, files, (request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.path.startsWith('/assets/')) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
  logger.info({ distDir: root }, `console served at ${CONSOLE_PATH}`);
}

/**
 * The page may run only its own files and the inline scripts its build wrote (by hash), talk only to
 * its own origin, and be framed by no one: text injected into a thread (a client's mail is shown as
 * text, but defence in depth) could neither run nor send anything elsewhere.
 */
export function contentSecurityPolicy(indexHtml: string): string {
  const inline = [...indexHtml.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
    (match) => `'sha256-${createHash('sha256').update(match[1]).digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${inline.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
