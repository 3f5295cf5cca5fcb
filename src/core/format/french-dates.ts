/**
 * Dates as the product's French readers write them (seed 000: "A faire le j/mm/aaaa"), in Paris
 * time: the one locale of the product. Every date shown (copies, PDF digests, views) and every
 * "calendar day" a query compares (`at time zone TIME_ZONE`) goes through here.
 */

/** The one time zone calendar days and shown times are read in. */
export const TIME_ZONE = 'Europe/Paris';
const SHORT = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, dateStyle: 'short', timeStyle: 'short' });
const LONG_DAY = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, dateStyle: 'long' });
const PADDED_DAY = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const DAY_PARTS = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, day: 'numeric', month: '2-digit', year: 'numeric' });
const TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });

/** A calendar date (yyyy-mm-dd, no time zone to apply) as j/mm/aaaa: 2026-12-04 → 4/12/2026. */
export function frenchDay(isoDate: string): string {
  const [year, month, day] = isoDate.slice(0, 10).split('-');
  return `${Number(day)}/${month}/${year}`;
}

/** An instant as the Paris reader's j/mm/aaaa à HH:MM: 2026-12-04T13:30Z → 4/12/2026 à 14:30. */
export function frenchDateTime(at: Date | string): string {
  const instant = typeof at === 'string' ? new Date(at) : at;
  const parts = Object.fromEntries(DAY_PARTS.formatToParts(instant).map((part) => [part.type, part.value]));
  return `${Number(parts.day)}/${parts.month}/${parts.year} à ${TIME.format(instant)}`;
}

/** An instant as dd/mm/aaaa HH:MM in Paris time: 2026-12-04T13:30Z → 04/12/2026 14:30. */
export function frenchShortDateTime(at: Date): string {
  return SHORT.format(at);
}

/** An instant's Paris day as dd/mm/aaaa: 2026-12-04T23:30Z → 05/12/2026. */
export function frenchPaddedDay(at: Date): string {
  return PADDED_DAY.format(at);
}

/** A calendar date (yyyy-mm-dd) written out: 2026-12-04 → 4 décembre 2026. */
export function frenchLongDay(isoDate: string): string {
  return LONG_DAY.format(new Date(`${isoDate.slice(0, 10)}T12:00:00Z`));
}
