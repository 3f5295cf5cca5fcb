/** Dates as the product's French readers write them (seed 000: "A faire le j/mm/aaaa"), in Paris time. */

const TIME_ZONE = 'Europe/Paris';
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
