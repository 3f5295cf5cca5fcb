import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE = fileURLToPath(new URL('../../console/', import.meta.url));
const BUILT = join(CONSOLE, 'dist', 'index.html');

/** The newest modification time under the console's sources (what a build reads). */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ['src', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json']) {
    if (existsSync(join(CONSOLE, entry))) visit(join(CONSOLE, entry));
  }
  return newest;
}

/**
 * Once per `npm test`: builds console/dist (what the API serves at /console and the browser specs
 * open) when it is missing or older than its sources, installing the console's dependencies first
 * when they are missing. A fresh build is a stat walk; a stale one takes a few seconds.
 */
export function ensureConsoleBuilt(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource()) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!existsSync(join(CONSOLE, 'node_modules'))) execFileSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: CONSOLE, stdio: 'inherit' });
  // NODE_ENV is `test` under jest: left so, Vite would bundle React's development build.
  execFileSync(npm, ['run', 'build'], { cwd: CONSOLE, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
}
