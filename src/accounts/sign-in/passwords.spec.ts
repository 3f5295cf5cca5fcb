import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../../core/errors/domain-error.js';
import { assertAcceptablePassword, hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';

describe('console passwords', () => {
  it('are stored as argon2id PHC strings with OWASP parameters and a salt of their own', async () => {
    const [one, two] = [await hashPassword('un mot de passe assez long'), await hashPassword('un mot de passe assez long')];
    expect(one).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(one).not.toBe(two);
    expect(await verifyPassword('un mot de passe assez long', one)).toBe(true);
    expect(await verifyPassword('un mot de passe assez lonG', one)).toBe(false);
    expect(await verifyPassword('un mot de passe assez long', two)).toBe(true);
  });

  it('match nothing against a malformed stored value or the dummy hash', async () => {
    expect(await verifyPassword('quoi que ce soit', 'not a phc string')).toBe(false);
    expect(await verifyPassword('quoi que ce soit', '$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA')).toBe(false);
    expect(await verifyAgainstDummy('quoi que ce soit')).toBe(false);
  });

  it('have 12 to 256 characters, counted as people count them', () => {
    const refused = (password: string) => {
      try {
        assertAcceptablePassword(password);
        return null;
      } catch (error) {
        return (error as DomainError).code;
      }
    };
    expect(refused('a'.repeat(11))).toBe('weak_password');
    expect(refused('a'.repeat(12))).toBeNull();
    expect(refused('🔑'.repeat(12))).toBeNull();
    expect(refused('a'.repeat(256))).toBeNull();
    expect(refused('a'.repeat(257))).toBe('weak_password');
  });
});
