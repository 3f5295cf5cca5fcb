import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { twilioSigned } from './twilio-signature.js';

const TOKEN = 'auth-token-of-the-account';
const URL = 'https://relais.example.test/webhooks/twilio/sms';
const FORM = { AccountSid: 'AC' + '1'.repeat(32), MessageSid: 'SM' + '2'.repeat(32), From: '+33612345678', To: '+33756781234', Body: 'Oui, à demain 9 h' };

/** Twilio's algorithm written out here, independently of the library the verifier uses. */
function signatureOf(token: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((key) => key + params[key]).join('');
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64');
}

describe('Twilio webhook signatures', () => {
  const signature = signatureOf(TOKEN, URL, FORM);

  it('accepts the signature Twilio makes for this URL, form and token', () => {
    expect(twilioSigned(TOKEN, signature, URL, FORM)).toBe(true);
    expect(twilioSigned(TOKEN, signature, URL, { ...FORM })).toBe(true);
  });

  it('refuses a changed field, an added field, another URL or another token', () => {
    expect(twilioSigned(TOKEN, signature, URL, { ...FORM, Body: 'Non' })).toBe(false);
    expect(twilioSigned(TOKEN, signature, URL, { ...FORM, NumMedia: '0' })).toBe(false);
    expect(twilioSigned(TOKEN, signature, 'https://relais.example.test/webhooks/twilio/status', FORM)).toBe(false);
    expect(twilioSigned('another-token', signature, URL, FORM)).toBe(false);
  });

  it('refuses a request with no signature, or when the account’s token is unknown', () => {
    expect(twilioSigned(TOKEN, undefined, URL, FORM)).toBe(false);
    expect(twilioSigned(TOKEN, '', URL, FORM)).toBe(false);
    expect(twilioSigned(null, signature, URL, FORM)).toBe(false);
    expect(twilioSigned('', signature, URL, FORM)).toBe(false);
  });
});
