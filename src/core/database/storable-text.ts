/**
 * The text as PostgreSQL can store it: NUL (refused in text and jsonb) and lone UTF-16 surrogates
 * (refused in jsonb) become U+FFFD. For what outsiders send us signed (Twilio webhooks): refusing
 * it would only make them retry the same bytes until they give up, and the message would be lost.
 */
export function storableText(text: string): string {
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD');
}
