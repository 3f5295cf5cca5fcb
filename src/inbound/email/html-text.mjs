// @ts-check
/**
 * HTML mail to the text a reader saw. Plain JavaScript (typed by JSDoc) so that parse-core.mjs,
 * which also runs in the parsing thread without a TypeScript loader, converts HTML-only mail the
 * same way reply-text.ts converts the part before the quote.
 */
import { compile } from 'html-to-text';

/** @type {import('html-to-text').HtmlToTextOptions} */
const OPTIONS = {
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'head', format: 'skip' },
    // Outlook (Word) writes each typed line as a MsoNormal paragraph with no margin: one line, not
    // a paragraph; an empty line is such a paragraph holding a non-breaking space.
    { selector: 'p.MsoNormal', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  ],
  limits: { maxDepth: 200, maxInputLength: 2_000_000 },
};
/** Compiled once: `convert` would compile the selectors again for every mail. */
const convert = compile(OPTIONS);

/**
 * A block holding only a line break (`<div><br></div>`) is how Gmail, Outlook on the web and Apple
 * Mail write an empty line the person typed: a browser shows one empty line. It is given a
 * zero-width space, which the converter keeps as a line of its own and which is then removed.
 */
const BREAK_ONLY_BLOCK = /(<(div|p)\b[^>]*>)\s*<br\b[^>]*>\s*(<\/\2\s*>)/gi;
/** A line break that ends a block with text before it draws nothing in a browser. */
const BREAK_ENDING_BLOCK = /<br\b[^>]*>(\s*<\/(?:div|p|li|h[1-6]|td)\s*>)/gi;
/** Lines made only of blanks (spaces, no-break spaces, the zero-width spaces put in above). */
const BLANK_LINE = /^[ \t\u00a0\u200b]+$/gm;

/**
 * @param {string} html
 * @returns {string}
 */
export function htmlToText(html) {
  const prepared = html.replace(BREAK_ONLY_BLOCK, '$1\u200b$3').replace(BREAK_ENDING_BLOCK, '$1');
  try {
    return convert(prepared).replace(BLANK_LINE, '');
  } catch {
    // HTML the converter cannot read is no reason to lose the mail: its text stays empty.
    return '';
  }
}
