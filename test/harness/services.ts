import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config.js';
import type { AppConfig } from '../../src/config/config.schema.js';
import { redisSettings } from '../../src/core/redis/redis-settings.js';

/** Where the suite's real services are; DATABASE_URL and REDIS_URL as for the app (defaults: loopback). */
export function baseConfig(): AppConfig {
  return loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
}

export const IMAP = {
  host: '127.0.0.1',
  port: Number(process.env.RELAIS_TEST_IMAP_PORT ?? 3143),
  user: 'relais',
  password: 'relais-test-password',
};

/** A suite run's databases are named after its process, so stale ones from dead runs can be found. */
export const RUN_PREFIX = 'relais_t';

export function databaseUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` with a client on the server's maintenance database. */
export async function withAdminClient<T>(config: AppConfig, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(config.database.url, 'postgres'), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(config.database.url).host;
    throw new Error(
      `PostgreSQL is not reachable at ${where} (${(error as Error).message}). Start it: ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or `docker compose up -d postgres`, ' +
        'or point DATABASE_URL at a server.',
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function assertRedisReachable(config: AppConfig): Promise<void> {
  const redis = new Redis({ ...redisSettings(config.redis.url), lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${new URL(config.redis.url).host} (${(error as Error).message}). Start it: ` +
        '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`, ' +
        'or `docker compose up -d redis`, or point REDIS_URL at a server.',
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}

export function portIsOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Starts a private Dovecot from test/dovecot/dovecot.conf in a temporary directory and returns
 * that directory (to stop it later). Needs root, as on CI: Dovecot switches to its own users.
 */
export async function startDovecot(): Promise<string> {
  try {
    execFileSync('dovecot', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `IMAP is not reachable at ${IMAP.host}:${IMAP.port} and Dovecot is not installed. ` +
        'Install it (`apt-get install -y dovecot-imapd`, as .ci/run does) or run an IMAP server there ' +
        `with user "${IMAP.user}" / "${IMAP.password}" (RELAIS_TEST_IMAP_PORT changes the port).`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'relais-dovecot-'));
  chmodSync(dir, 0o755); // Dovecot's unprivileged processes must reach their sockets in here.
  mkdirSync(join(dir, 'mail'));
  execFileSync('chown', ['mail:mail', join(dir, 'mail')]);
  writeFileSync(join(dir, 'users'), `${IMAP.user}:{PLAIN}${IMAP.password}::::::\n`);
  const template = readFileSync(new URL('../dovecot/dovecot.conf', import.meta.url), 'utf8');
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, template.replaceAll('@DIR@', dir).replaceAll('@PORT@', String(IMAP.port)));
  try {
    await runDetached('dovecot', ['-c', conf]);
    await waitFor(() => portIsOpen(IMAP.host, IMAP.port), 10_000, 'Dovecot to listen');
  } catch (error) {
    let log = '';
    try {
      log = readFileSync(join(dir, 'dovecot.log'), 'utf8').slice(-2_000);
    } catch {
      // no log written
    }
    throw new Error(`Could not start the test Dovecot: ${(error as Error).message}\n${log}`, { cause: error });
  }
  return dir;
}

/**
 * Runs a command that daemonizes and resolves when the launcher exits. Its output is not piped:
 * the daemon inherits the launcher's descriptors and would hold a pipe open forever, so waiting
 * for the pipe to close (as `execFile` does) would never return.
 */
function runDetached(command: string, args: string[], timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not return within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  });
}

export async function stopDovecot(dir: string): Promise<void> {
  try {
    await runDetached('dovecot', ['-c', join(dir, 'dovecot.conf'), 'stop']);
    await waitFor(async () => !(await portIsOpen(IMAP.host, IMAP.port)), 10_000, 'Dovecot to stop');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
