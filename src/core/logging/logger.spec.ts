import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger.js';
import { requestContext } from './request-context.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'info', role: 'test' }, stream), lines };
}

describe('logger', () => {
  it('writes JSON lines with the request id of the request being served', () => {
    const { logger, lines } = capture();
    requestContext.run({ requestId: 'req-42' }, () => logger.info('serving'));
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ level: 'info', role: 'test', requestId: 'req-42', msg: 'serving' });
  });

  it('censors personal data and secrets in known fields', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer rls_secretsecretsecretsecretsecretsecret1234567' } },
        user: { email: 'marie@example.fr', mobile: '+33612345678' },
        message: { body: 'Madame Dupont a rappelé pour son traitement', subject: 'Rappel' },
        token: 'rls_abc',
      },
      'created',
    );
    const text = lines.join('');
    for (const secret of ['rls_secret', 'marie@example.fr', '+33612345678', 'Madame Dupont', 'rls_abc']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('Rappel');
  });

  it('scrubs addresses, phone numbers and tokens out of free text and errors', () => {
    const { logger, lines } = capture();
    logger.warn('reply from jean.martin@exemple.fr (06 12 34 56 78, +33 6 98 76 54 32) refused');
    logger.error({ err: new Error('token rls_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA unknown for 0612345678') }, 'failed');
    const text = lines.join('');
    for (const secret of ['jean.martin@exemple.fr', '06 12 34 56 78', '+33 6 98 76 54 32', 'rls_AAAA', '0612345678']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted-email]');
    expect(text).toContain('[redacted-phone]');
    expect(text).toContain('refused');
  });

  it('leaves ids, dates and counts alone', () => {
    const { logger, lines } = capture();
    logger.info('job 01a209b7-9db3-7309-9f75-db3b606787d9 done in 125 ms on 2026-11-23, 3 attempts');
    expect(JSON.parse(lines[0]).msg).toBe('job 01a209b7-9db3-7309-9f75-db3b606787d9 done in 125 ms on 2026-11-23, 3 attempts');
  });
});
