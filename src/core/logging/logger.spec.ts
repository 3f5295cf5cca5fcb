import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger.js';
import { scrubUrl } from './redact.js';
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

  it('censors sensitive fields and scrubs strings at any depth, under any key', () => {
    const { logger, lines } = capture();
    const payload = {
      job: {
        data: {
          delivery: {
            recipients: [{ contactEmail: 'paul@exemple.fr', faxNumber: '+33140000000' }, { to: 'lea@exemple.fr', note: 'ring 06 11 22 33 44' }],
            message: { bodyText: 'Le patient souhaite être rappelé', accessToken: 'abc', tokenId: '01a209b7-0000-7000-8000-000000000001' },
            twilio: { authToken: 'tw-secret', apiKey: 'SK123', sid: 'SM42' },
          },
        },
      },
    };
    logger.info(payload, 'queued');
    logger.info('payload %o', { deep: { deeper: { recipient: 'nina@exemple.fr' } } });
    logger.child({ userEmail: 'child@exemple.fr' }).info('bound');
    const text = lines.join('');
    for (const secret of ['paul@exemple.fr', '+33140000000', 'lea@exemple.fr', '06 11 22 33 44', 'souhaite', 'abc"', 'tw-secret', 'SK123', 'nina@exemple.fr', 'child@exemple.fr']) {
      expect(text).not.toContain(secret);
    }
    const line = JSON.parse(lines[0]);
    expect(line.job.data.delivery.message).toEqual({ bodyText: '[redacted]', accessToken: '[redacted]', tokenId: '01a209b7-0000-7000-8000-000000000001' });
    expect(line.job.data.delivery.recipients[1]).toEqual({ to: '[redacted-email]', note: 'ring [redacted-phone]' });
    expect(JSON.parse(lines[2])).toMatchObject({ userEmail: '[redacted]', msg: 'bound' });
    expect(line.job.data.delivery.twilio.sid).toBe('SM42');
    expect(payload.job.data.delivery.twilio.authToken).toBe('tw-secret');
  });

  it('survives cycles and nested errors', () => {
    const { logger, lines } = capture();
    const looped: Record<string, unknown> = { name: 'loop' };
    looped.self = looped;
    const error = new Error('send to bob@exemple.fr failed', { cause: new Error('rejected +33698765432') });
    logger.error({ looped, attempt: { error } }, 'failed');
    logger.error(new Error('first-arg error for eve@exemple.fr'));
    const text = lines.join('');
    for (const secret of ['bob@exemple.fr', '+33698765432', 'eve@exemple.fr']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0]).looped.self).toBe('[circular]');
    expect(JSON.parse(lines[1])).toMatchObject({ err: { type: 'Error', message: 'first-arg error for [redacted-email]' }, msg: 'first-arg error for [redacted-email]' });
  });

  it('leaves ids, dates and counts alone', () => {
    const { logger, lines } = capture();
    const text = 'job 01a209b7-9db3-7309-9f75-db3b606787d9 (after 01a209b7-0000-7000-8000-000000000001) done in 125 ms on 2026-11-23, 3 attempts';
    logger.info(text);
    expect(JSON.parse(lines[0]).msg).toBe(text);
  });

  it('decodes percent-encoded text before scrubbing it: query strings, provider errors', () => {
    const { logger, lines } = capture();
    logger.warn("Twilio refused: The 'To' number %2B33612345678 is not valid (To=%2B33698765432&From=jean.martin%40exemple.fr)");
    logger.error({ err: new Error('GET /v1/opt-outs?address=marie%40example.fr failed') }, 'failed');
    const text = lines.join('');
    for (const secret of ['33612345678', '33698765432', 'jean.martin', 'marie%40', 'marie@']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted-phone]');
    expect(text).toContain('[redacted-email]');
  });

  it('logs request URLs without search terms, addresses or numbers, encoded or not, keeping the filters', () => {
    const url = '/v1/clients?q=Dupont%20Marie&email=jean%40example.fr&phone=%2B33612345678&filter=unread&note=appeler+06+12+34+56+78&limit=20';
    const logged = scrubUrl(url);
    for (const secret of ['Dupont', 'jean', '%40', '33612345678', '06 12 34 56 78']) expect(logged).not.toContain(secret);
    expect(logged).toBe('/v1/clients?q=[redacted]&email=[redacted]&phone=[redacted]&filter=unread&note=appeler [redacted-phone]&limit=20');
    expect(scrubUrl('/v1/users/lea%40example.fr/tokens')).toBe('/v1/users/[redacted-email]/tokens');
    expect(scrubUrl('/v1/messages?filter=unread')).toBe('/v1/messages?filter=unread');
    expect(scrubUrl('/v1/clients?q=%E9%ZZ')).toBe('/v1/clients?q=[redacted]');
  });
});
