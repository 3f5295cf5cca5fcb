import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestApi } from '../harness/test-context.js';

/** A stand-in for `console/dist` as Vite builds it: index.html and content-hashed assets. */
const dist = mkdtempSync(join(tmpdir(), 'relais-console-'));
mkdirSync(join(dist, 'assets'));
const inlineScript = "window.relaisSession = fetch('/v1/session');";
writeFileSync(
  join(dist, 'index.html'),
  `<!doctype html><html lang="fr"><title>Relais</title><script>${inlineScript}</script><script type="module" src="/console/assets/index-Bq3xY7k2.js"></script></html>`,
);
writeFileSync(join(dist, 'assets', 'index-Bq3xY7k2.js'), 'console.log("relais");');
writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');

/** The web console's built files, served by the API at /console (issue 20): one origin, no CORS. */
describe('the console served at /console', () => {
  const env = useTestApi((config) => ({ ...config, console: { distDir: dist } }));
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('serves index.html, never cached, at /console and for any client-side route under it', async () => {
    for (const path of ['/console', '/console/', '/console/threads/0190c0de-0000-7000-8000-000000000000', '/console/password?token=abc']) {
      const page = await env.api.http.get(path).expect(200);
      expect(`${path} ${page.headers['content-type']}`).toBe(`${path} text/html; charset=utf-8`);
      expect(page.text).toContain('<title>Relais</title>');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
    }
    // The page asked for by its file name is the same page, under the same policy.
    const byName = await env.api.http.get('/console/index.html').expect(200);
    expect(byName.text).toContain('<title>Relais</title>');
    expect(byName.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(byName.headers['referrer-policy']).toBe('no-referrer');
    expect(byName.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lets the page run only its own files and its build’s inline script, talk only to its origin, and be framed by no one', async () => {
    const policy = (await env.api.http.get('/console/inbox').expect(200)).headers['content-security-policy'];
    const directives = new Map(policy.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    const inlineHash = `'sha256-${createHash('sha256').update(inlineScript).digest('base64')}'`;
    expect(directives.get('script-src')).toEqual(["'self'", inlineHash]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(policy).not.toContain('unsafe-inline');
  });

  it('serves hashed assets cached for a year, other files revalidated, and a missing asset as a 404', async () => {
    const script = await env.api.http.get('/console/assets/index-Bq3xY7k2.js').expect(200);
    expect(script.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await env.api.http.get('/console/favicon.svg').expect(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    const missing = await env.api.http.get('/console/assets/index-Old1234.js').expect(404);
    expect(missing.body.code).toBe('route_not_found');
    expect((await env.api.http.post('/console/threads').send({})).status).toBe(404);
    // Outside /console the files are not reachable, and the API answers as always.
    await env.api.http.get('/assets/index-Bq3xY7k2.js').expect(404);
    expect((await env.api.http.get('/v1/me').expect(401)).body.code).toBe('missing_token');
  });
});
