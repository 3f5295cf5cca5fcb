import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { renderConfigTable, withConfigTable } from './config-doc.js';
import { VARIABLES } from './config.schema.js';
import { ConfigError, loadConfig } from './load-config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('runs on local-development defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      http: { port: 3000 },
      database: { url: 'postgres://postgres@127.0.0.1:5432/relais' },
      redis: { url: 'redis://127.0.0.1:6379/0' },
      queue: { prefix: 'relais', concurrency: 5 },
    });
  });

  it('reads and converts what is set', () => {
    const config = loadConfig({ HTTP_PORT: '8080', WORKER_CONCURRENCY: '12', LOG_LEVEL: 'debug' });
    expect(config.http.port).toBe(8080);
    expect(config.queue.concurrency).toBe(12);
    expect(config.logLevel).toBe('debug');
  });

  it.each([
    ['HTTP_PORT', 'abc', 'HTTP_PORT must be a number (got "abc")'],
    ['HTTP_PORT', '70000', 'HTTP_PORT must be at most 65535 (got "70000")'],
    ['WORKER_CONCURRENCY', '2.5', 'WORKER_CONCURRENCY must be a whole number (got "2.5")'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    ['QUEUE_PREFIX', 'Has Spaces', 'QUEUE_PREFIX must be 1-40 characters among a-z, 0-9, _ and - (got "Has Spaces")'],
  ])('names a malformed %s', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([message]);
  });

  it('never echoes a secret it refuses', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/relais' });
    expect(problems).toEqual(['DATABASE_URL must be a postgres:// or postgresql:// URL']);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('requires the connection URLs in production instead of defaulting to loopback', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'DATABASE_URL is required in production',
      'REDIS_URL is required in production',
      'SECRETS_KEY is required in production',
      'PUBLIC_BASE_URL is required in production',
      'SMTP_URL is required in production',
      'INBOUND_EMAIL_DOMAIN is required in production',
      'OUTBOUND_MESSAGE_ID_DOMAIN is required in production',
    ]);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://db/relais',
        REDIS_URL: 'redis://cache:6379',
        SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
        PUBLIC_BASE_URL: 'https://relais.example.fr',
        SMTP_URL: 'smtp://relay.example.fr:587',
        INBOUND_EMAIL_DOMAIN: 'reponses.relais.example.fr',
        OUTBOUND_MESSAGE_ID_DOMAIN: 'relais.example.fr',
      }),
    ).not.toThrow();
  });

  it('is given by docker-compose.yml everything production requires, so `docker compose up` starts', () => {
    const compose = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    // The environment shared by the api, worker and migrate services (the `x-relais` anchor).
    const shared = /^x-relais:[\s\S]*?^ {2}environment:\n((?: {4}.*\n)+)/m.exec(compose)?.[1] ?? '';
    const env = Object.fromEntries(
      [...shared.matchAll(/^ {4}([A-Z_]+): (.+)$/gm)].map(([, name, value]) => [name, value.trim()]),
    );
    const required = Object.entries(VARIABLES).filter(([, spec]) => 'requiredInProduction' in spec && spec.requiredInProduction);
    expect(required.map(([name]) => name).filter((name) => !(name in env))).toEqual([]);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('puts every problem on one line', () => {
    const error = new ConfigError(problemsOf({ HTTP_PORT: 'x', LOG_LEVEL: 'y' }));
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/^Invalid configuration: LOG_LEVEL .*; HTTP_PORT /);
  });

  it('is documented in the README, generated from the schema (npm run docs:config)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
    for (const name of Object.keys(VARIABLES)) expect(renderConfigTable()).toContain(`\`${name}\``);
  });
});
