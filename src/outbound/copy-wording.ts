/** How copies word dates and subjects for their French readers (seed 000: "A faire le j/mm/aaaa"). */

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

/** What a copy's subject says when the message has none. */
export interface SubjectSource {
  subject: string;
  body: string;
  vad: boolean;
  task: boolean;
}

const FIRST_WORDS_MAX = 60;

/** The body's first words, cut at a word boundary, on one line. */
function firstWords(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  if (line.length <= FIRST_WORDS_MAX) return line;
  const cut = line.slice(0, FIRST_WORDS_MAX + 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > 20 ? cut.slice(0, space) : cut.slice(0, FIRST_WORDS_MAX)).replace(/[\s,;:.!?-]+$/, '')}…`;
}

/**
 * The message's subject, or — when it has none — its type and first words ("Demande de VAD : …"),
 * so a copy never goes out with the bare thread tag as its subject.
 */
export function copySubject(message: SubjectSource): string {
  const subject = message.subject.replace(/\s+/g, ' ').trim();
  if (subject) return subject;
  // Urgency is not repeated here: the subject template already starts with "URGENT ·".
  const type = message.vad ? 'Demande de VAD' : message.task ? 'Tâche' : 'Message';
  const words = firstWords(message.body);
  return words ? `${type} : ${words}` : type;
}
