/** Dates as the company reads them: French, in Europe/Paris whatever the browser's zone. */
const TIME_ZONE = 'Europe/Paris';

const dateTime = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, dateStyle: 'short', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, dateStyle: 'medium' });
const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

export function formatDateTime(value: string | null | undefined): string {
  return value ? dateTime.format(new Date(value)) : '';
}

/** A calendar day (yyyy-mm-dd, no time zone) as French text. */
export function formatDay(day: string | null | undefined): string {
  return day ? dateOnly.format(new Date(`${day}T12:00:00Z`)) : '';
}

/** Today in Paris as yyyy-mm-dd, plus `days`. */
export function parisDay(days = 0): string {
  return isoDay.format(new Date(Date.now() + days * 86_400_000));
}

/** A file's size as French text (octets, Ko, Mo); empty when unknown. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} Ko`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} Mo`;
}
