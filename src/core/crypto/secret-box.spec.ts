import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box.js';

const box = (key = randomBytes(32)) => new SecretBox(key.toString('base64'));

describe('SecretBox', () => {
  it('opens what it sealed, and never stores the plain text', () => {
    const b = box();
    const sealed = b.seal('twilio-auth-token-ÉÀ');
    expect(sealed).not.toContain('twilio');
    expect(sealed).not.toBe(b.seal('twilio-auth-token-ÉÀ'));
    expect(b.open(sealed)).toBe('twilio-auth-token-ÉÀ');
  });

  it('refuses a value sealed with another key or tampered with', () => {
    const sealed = box().seal('secret');
    expect(() => box().open(sealed)).toThrow();
    const b = box();
    const parts = b.seal('secret').split(':');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => b.open(parts.join(':'))).toThrow();
    expect(() => b.open('plain-text')).toThrow('Not a sealed secret');
  });
});
