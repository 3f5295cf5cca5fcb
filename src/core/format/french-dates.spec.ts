import { describe, expect, it } from '@jest/globals';
import { frenchDateTime, frenchDay, frenchLongDay, frenchPaddedDay, frenchShortDateTime } from './french-dates.js';

describe('French dates', () => {
  it('prints calendar dates as j/mm/aaaa', () => {
    expect(frenchDay('2026-12-04')).toBe('4/12/2026');
    expect(frenchDay('2027-01-15')).toBe('15/01/2027');
  });

  it('prints instants in Paris time, winter and summer, across midnight', () => {
    expect(frenchDateTime(new Date('2026-12-04T13:30:00Z'))).toBe('4/12/2026 à 14:30');
    expect(frenchDateTime('2026-07-01T08:05:00Z')).toBe('1/07/2026 à 10:05');
    expect(frenchDateTime('2026-12-31T23:30:00Z')).toBe('1/01/2027 à 00:30');
  });

  it('prints the short, padded and long forms copies, views and digests use, in Paris time', () => {
    expect(frenchShortDateTime(new Date('2026-12-04T13:30:00Z'))).toBe('04/12/2026 14:30');
    expect(frenchShortDateTime(new Date('2026-07-01T22:15:00Z'))).toBe('02/07/2026 00:15');
    expect(frenchPaddedDay(new Date('2026-12-04T23:30:00Z'))).toBe('05/12/2026');
    expect(frenchLongDay('2026-12-04')).toBe('4 décembre 2026');
    expect(frenchLongDay('2027-03-01')).toBe('1 mars 2027');
  });
});
