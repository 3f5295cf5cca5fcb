import { htmlToText } from './html-text.mjs';
import type { ParsedInbound } from './parse-mail.js';
import { trimReply, type TrimResult } from './reply-trimmer.js';

/**
 * Where HTML mail clients put the quoted history: Gmail (gmail_quote), Outlook (divRplyFwdMsg,
 * appendonsend, the top-bordered header block), Apple Mail and Thunderbird (blockquote type=cite,
 * moz-cite-prefix), Yahoo (yahoo_quoted). Everything from the first one on is history.
 */
const QUOTED_HTML = [
  /<div[^>]*class=["']?[^"'>]*gmail_quote/i,
  /<div[^>]*id=["']?divRplyFwdMsg/i,
  /<div[^>]*id=["']?appendonsend/i,
  /<hr[^>]*id=["']?stopSpelling/i,
  /<div[^>]*class=["']?[^"'>]*moz-cite-prefix/i,
  /<div[^>]*class=["']?[^"'>]*yahoo_quoted/i,
  /<div[^>]*style=["'][^"']*border-top:\s*solid\s+#(?:E1E1E1|B5C4DF)/i,
  /<blockquote/i,
];

export { htmlToText };

/** The HTML up to the quoted history, or null when the HTML carries no quoting marker. */
export function cutQuotedHtml(html: string): string | null {
  let cutAt = -1;
  for (const marker of QUOTED_HTML) {
    const found = html.search(marker);
    if (found >= 0 && (cutAt < 0 || found < cutAt)) cutAt = found;
  }
  return cutAt < 0 ? null : html.slice(0, cutAt);
}

export interface ReplyText {
  /** What the person wrote. */
  body: string;
  /** The whole text of the mail, quoted history included. */
  original: string;
}

/**
 * The lines of `text` that hold exactly the words of `written` (blank space aside), or null when
 * they do not line up (the text part says more, or other words, than the HTML before the quote).
 */
export function linesHolding(text: string, written: string): string | null {
  const target = written.replace(/\s+/g, '');
  if (target === '') return null;
  const lines = text.split('\n');
  let seen = '';
  for (let i = 0; i < lines.length; i++) {
    seen += lines[i].replace(/\s+/g, '');
    if (seen.length === target.length) return seen === target ? lines.slice(0, i + 1).join('\n') : null;
    if (seen.length > target.length || !target.startsWith(seen)) return null;
  }
  return null;
}

/**
 * The trimmed reply of a mail. The HTML's quoting markers say most reliably where the history
 * starts; the text part says how the person spaced what they wrote (converted HTML doubles blank
 * lines), so the text part's lines holding the words before the quote are taken when they line up,
 * else the converted HTML before the quote. Without a marker, the plain text (the text part, or the
 * converted HTML of an HTML-only mail) is trimmed line by line.
 */
export function trimmedReply(mail: ParsedInbound): TrimResult & { original: string } {
  const original = (mail.text || (mail.html ? htmlToText(mail.html) : '')).replace(/\r\n?/g, '\n').trim();
  const beforeQuote = mail.html ? cutQuotedHtml(mail.html) : null;
  let source = original;
  if (beforeQuote !== null) {
    const written = htmlToText(beforeQuote);
    source = linesHolding(original, written) ?? written;
  }
  return { ...trimReply(source, { sender: { name: mail.fromName, address: mail.fromAddress } }), original };
}

/**
 * The reply's text: what the person wrote, and a mail they forwarded as they sent it (a forward is
 * their message, not our thread's history). A reply the trimmer leaves empty shows whole.
 */
export function replyText(mail: ParsedInbound): ReplyText {
  const trimmed = trimmedReply(mail);
  let body = trimmed.text;
  if (trimmed.forwarded !== null) body = trimmed.forwardOnly ? trimmed.forwarded : `${trimmed.text}\n\n${trimmed.forwarded}`;
  return { body: body.trim().length > 0 ? body : trimmed.original, original: trimmed.original };
}
