import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../errors/domain-error.js';
import { isPhoneCountry, phoneField, toE164 } from './phone-number.js';

describe('phone numbers', () => {
  it.each([
    ['06 98 76 54 32', '+33698765432'],
    ['06.98.76.54.32', '+33698765432'],
    ['0698765432', '+33698765432'],
    ['06-98-76-54-32', '+33698765432'],
    ['+33 6 98 76 54 32', '+33698765432'],
    ['0033 6 98 76 54 32', '+33698765432'],
    ['01 23 45 67 89', '+33123456789'],
    ['+32 470 12 34 56', '+32470123456'],
  ])('reads %s as %s in France', (raw, e164) => {
    expect(toE164(raw)).toBe(e164);
  });

  it('reads national numbers in the given country, and refuses what is no number', () => {
    expect(toE164('0470 12 34 56', 'BE')).toBe('+32470123456');
    expect(toE164('06 98 76', 'FR')).toBeNull();
    expect(toE164('ORANGE')).toBeNull();
    expect(toE164('')).toBeNull();
  });

  it('names the field when refusing, and lets null and undefined through', () => {
    expect(phoneField(null, 'FR', 'mobile')).toBeNull();
    expect(phoneField(undefined, 'FR', 'mobile')).toBeUndefined();
    expect(() => phoneField('12', 'FR', 'fax')).toThrow(DomainError);
    expect(() => phoneField('12', 'FR', 'fax')).toThrow(/^fax "12" is not a valid phone number/);
  });

  it('knows country codes', () => {
    expect(isPhoneCountry('FR')).toBe(true);
    expect(isPhoneCountry('BE')).toBe(true);
    expect(isPhoneCountry('fr')).toBe(false);
    expect(isPhoneCountry('France')).toBe(false);
    expect(isPhoneCountry('XX')).toBe(false);
  });
});
