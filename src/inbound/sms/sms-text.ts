import { isStorable, storableText } from '../../core/database/storable-text.js';

export type SmsKeyword = 'opt-out' | 'opt-in' | 'help';

const KEYWORDS: Record<string, SmsKeyword> = {
  STOP: 'opt-out',
  ARRET: 'opt-out',
  STOPSMS: 'opt-out',
  UNSUBSCRIBE: 'opt-out',
  START: 'opt-in',
  UNSTOP: 'opt-in',
  HELP: 'help',
  AIDE: 'help',
};

/**
 * The keyword an SMS consists of, as carriers read them: the whole text is the word, whatever its
 * case, accents (ARRÊT) or surrounding punctuation ("Stop !"). A sentence containing "stop" is a reply.
 */
export function keywordOf(body: string): SmsKeyword | null {
  const word = body
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toUpperCase()
    .replace(/[\s\p{P}]+/gu, '');
  return Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : null;
}


/**
 * Every key and value of a webhook's form as PostgreSQL can store them (see storableText), so a
 * signed SMS carrying NUL bytes is kept, not refused with a 503 Twilio retries until it gives up.
 * Only for storage: signatures are checked on what was sent.
 */
export function storableParams(params: Record<string, string>): Record<string, string> {
  // Checked in place first: nearly every webhook is storable as sent, and copying the form (with
  // Object.entries) cost seven times as much per webhook as this check.
  for (const key in params) {
    if (isStorable(key) && isStorable(params[key])) continue;
    const out: Record<string, string> = {};
    for (const name in params) out[storableText(name)] = storableText(params[name]);
    return out;
  }
  return params;
}
