import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';
import { DomainError } from '../errors/domain-error.js';

/** Where a company is when nobody said otherwise: Relais started with French permanences. */
export const DEFAULT_COUNTRY = 'FR';

/** An ISO 3166 alpha-2 code libphonenumber knows the numbering plan of (FR, BE, CH…). */
export function isPhoneCountry(value: string): value is CountryCode {
  return /^[A-Z]{2}$/.test(value) && isSupportedCountry(value);
}

/**
 * The number in E.164 (+33698765432), or null when the text is no valid phone number. A national
 * number (06 98 76 54 32, 06.98.76.54.32, 0698765432) is read in `country`; one starting with +
 * or 00 in its own. Validity is checked against the numbering plan, not only the digit count.
 */
export function toE164(raw: string, country: string = DEFAULT_COUNTRY): string | null {
  const region = isPhoneCountry(country) ? country : DEFAULT_COUNTRY;
  const parsed = parsePhoneNumberFromString(raw.trim().replace(/^00(?=[1-9])/, '+'), region);
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * The one parser of every phone typed into the API: E.164, or a 400 `validation_failed` naming the
 * field. null and undefined pass through (a cleared or untouched field).
 */
export function phoneField<T extends string | null | undefined>(raw: T, country: string, field: string): T extends string ? string : T;
export function phoneField(raw: string | null | undefined, country: string, field: string): string | null | undefined {
  if (raw === null || raw === undefined) return raw;
  const number = toE164(raw, country);
  if (!number) {
    throw new DomainError('validation_failed', `${field} "${raw}" is not a valid phone number (e.g. 06 12 34 56 78 or +33612345678)`, {
      field,
      country,
    });
  }
  return number;
}
