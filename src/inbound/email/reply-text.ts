import { convert } from 'html-to-text';
import type { ParsedInbound } from './parse-mail.js';
import { trimReply } from './reply-trimmer.js';

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

const HTML_TO_TEXT = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
  ],
  limits: { maxDepth: 200, maxInputLength: 2_000_000 },
};

export function htmlToText(html: string): string {
  return convert(html, HTML_TO_TEXT);
}

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
 * The reply's text: from the HTML when its quoting markers are there (the most reliable cut), else
 * from the plain text (mailparser's, or converted from an HTML-only mail), trimmed line by line.
 */
export function replyText(mail: ParsedInbound): ReplyText {
  const original = (mail.text || (mail.html ? htmlToText(mail.html) : '')).replace(/\r\n?/g, '\n').trim();
  const beforeQuote = mail.html ? cutQuotedHtml(mail.html) : null;
  const source = beforeQuote !== null ? htmlToText(beforeQuote) : original;
  const body = trimReply(source).text;
  return { body: body.trim().length > 0 ? body : original, original };
}
