/** What a copy's subject says when the message has none (dates are worded by core/format/french-dates). */
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
