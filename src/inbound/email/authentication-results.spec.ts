import { describe, expect, it } from '@jest/globals';
import { buildMail } from '../../../test/fixtures/mail/builder.js';
import { authenticateSender, parseAuthenticationResults } from './authentication-results.js';
import { parseMail } from './parse-mail.js';

const MX = 'mx.relais.test';
const FROM = 'contact@durand.test';
const verdict = (headers: string[], trusted: string | null = MX, from = FROM) => authenticateSender(headers, trusted, from).verdict;

describe('Authentication-Results (RFC 8601)', () => {
  it('reads the authserv-id, each method, its result and properties, through comments, quotes and folding', () => {
    const header = parseAuthenticationResults(
      'mx.relais.test 1 (our border MX);\r\n\tdkim=pass (2048-bit key) header.d=durand.test header.i=@durand.test header.s=sel1;\r\n spf=softfail (ip 192.0.2.1 not allowed) smtp.mailfrom="x;y@durand.test";\r\n dmarc=FAIL reason="policy; quarantine" header.from=durand.test',
    );
    expect(header).toEqual({
      authservId: 'mx.relais.test',
      results: [
        { method: 'dkim', result: 'pass', props: { 'header.d': 'durand.test', 'header.i': '@durand.test', 'header.s': 'sel1' } },
        { method: 'spf', result: 'softfail', props: { 'smtp.mailfrom': 'x;y@durand.test' } },
        { method: 'dmarc', result: 'fail', props: { 'header.from': 'durand.test' } },
      ],
    });
  });

  it('reads "none", a versioned method and a quoted authserv-id; refuses a header without an id', () => {
    expect(parseAuthenticationResults('mx.relais.test; none')).toEqual({ authservId: 'mx.relais.test', results: [] });
    expect(parseAuthenticationResults('"mx.relais.test"; dkim/1=pass header.d=durand.test')?.results).toEqual([
      { method: 'dkim', result: 'pass', props: { 'header.d': 'durand.test' } },
    ]);
    expect(parseAuthenticationResults('   ')).toBeNull();
    expect(parseAuthenticationResults('(only a comment)')).toBeNull();
  });

  it('dmarc=fail for the From domain: unverified, even beside a dkim pass', () => {
    expect(verdict([`${MX}; dkim=pass header.d=durand.test; dmarc=fail header.from=durand.test`])).toBe('unverified');
    expect(authenticateSender([`${MX}; dmarc=fail header.from=durand.test`], MX, FROM).detail).toContain('dmarc=fail');
  });

  it('an aligned dkim pass (header.d, header.i, a subdomain) or spf pass, or dmarc=pass: verified', () => {
    expect(verdict([`${MX}; dkim=pass header.d=durand.test`])).toBe('verified');
    expect(verdict([`${MX}; dkim=pass header.i=@mail.durand.test`])).toBe('verified');
    expect(verdict([`${MX}; dkim=pass header.d=durand.test`], MX, 'contact@cabinet.durand.test')).toBe('verified');
    expect(verdict([`${MX}; spf=pass smtp.mailfrom=bounces@durand.test`])).toBe('verified');
    expect(verdict([`${MX}; dmarc=pass header.from=durand.test`])).toBe('verified');
  });

  it('a pass for another domain proves nothing: dkim=pass d=attacker with spf=fail and dkim=fail is unverified', () => {
    expect(verdict([`${MX}; dkim=pass header.d=attacker.test; spf=pass smtp.mailfrom=x@attacker.test`])).toBe('unknown');
    expect(verdict([`${MX}; dkim=pass header.d=attacker.test; dkim=fail header.d=durand.test; spf=fail smtp.mailfrom=contact@durand.test`])).toBe('unverified');
    // A look-alike suffix is not a subdomain.
    expect(verdict([`${MX}; dkim=pass header.d=xdurand.test`])).toBe('unknown');
  });

  it('dkim=fail and spf=fail or softfail with no pass: unverified; one failure alone, or none/neutral: unknown', () => {
    expect(verdict([`${MX}; dkim=fail header.d=durand.test; spf=fail smtp.mailfrom=contact@durand.test`])).toBe('unverified');
    expect(verdict([`${MX}; dkim=fail header.d=durand.test; spf=softfail smtp.mailfrom=contact@durand.test`])).toBe('unverified');
    expect(verdict([`${MX}; dkim=fail header.d=durand.test; spf=none`])).toBe('unknown');
    expect(verdict([`${MX}; spf=fail smtp.mailfrom=contact@durand.test`])).toBe('unknown');
    expect(verdict([`${MX}; dkim=none; spf=neutral; dmarc=none`])).toBe('unknown');
    expect(verdict([`${MX}; dkim=fail header.d=durand.test; spf=fail smtp.mailfrom=contact@durand.test; spf=pass smtp.mailfrom=contact@durand.test`])).toBe('verified');
  });

  it('counts only the headers of the trusted authserv-id (any case): a pass the sender wrote himself changes nothing', () => {
    const forged = `${MX}.evil; dkim=pass header.d=durand.test; dmarc=pass header.from=durand.test`;
    const real = `${MX.toUpperCase()}; dmarc=fail header.from=durand.test`;
    expect(verdict([forged, real])).toBe('unverified');
    expect(verdict([forged])).toBe('unknown');
    expect(verdict([`other.mx; dmarc=fail header.from=durand.test`])).toBe('unknown');
  });

  it('without a trusted authserv-id, or without any header, behaviour stays as before (unknown)', () => {
    expect(verdict([`${MX}; dmarc=fail header.from=durand.test`], null)).toBe('unknown');
    expect(verdict([])).toBe('unknown');
    expect(verdict([`${MX}; none`])).toBe('unknown');
  });

  it('gets every Authentication-Results header of a parsed mail, unjoined', async () => {
    const mail = await parseMail(
      buildMail({
        headers: {
          'Authentication-Results': `${MX};\r\n dkim=fail header.d=durand.test`,
          'X-Other': 'x',
          'authentication-results': `${MX}; spf=fail smtp.mailfrom=contact@durand.test`,
        },
      }),
    );
    expect(mail.authenticationResults).toHaveLength(2);
    expect(verdict(mail.authenticationResults)).toBe('unverified');
  });
});
