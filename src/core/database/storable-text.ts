/**
 * The text as PostgreSQL can store it: NUL (refused in text and jsonb) and lone UTF-16 surrogates
 * (refused in jsonb) become U+FFFD. For what outsiders send us signed (Twilio webhooks): refusing
 * it would only make them retry the same bytes until they give up, and the message would be lost.
 */
export function storableText(text: string): string {
  return isStorable(text) ? text : text.toWellFormed().replaceAll('\u0000', '\uFFFD');
}

/** True when PostgreSQL stores the text as it is (the common case, checked without copying it). */
export function isStorable(text: string): boolean {
  return text.isWellFormed() && !text.includes('\u0000');
}
