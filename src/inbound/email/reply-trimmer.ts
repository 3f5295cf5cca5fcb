import { anyOf, CONTACT_LINE, FROM_HEADER, HEADER_NAMES_INLINE } from './trimming-patterns.js';
import { BLANK, classify, isQuotedIntroduction, type Kind } from './trimming-lines.js';

const isContactLine = anyOf(CONTACT_LINE);

export interface TrimOptions {
  /** The sender's display name and address: a signature block naming them is cut more surely. */
  sender?: { name?: string | null; address?: string | null } | null;
}

export interface TrimResult {
  /** What the person wrote (a forwarded mail with nothing written above it: that mail's text). */
  text: string;
  /** Whether anything was removed. */
  trimmed: boolean;
  /** A forwarded mail, from its banner on, as the person sent it; null when nothing was forwarded. */
  forwarded: string | null;
  /** Whether the person wrote nothing above the forwarded mail. */
  forwardOnly: boolean;
}

/** Index past a quote block starting at `start`: quote lines and the blank lines between them. */
function quoteEnd(kinds: Kind[], start: number): number {
  let end = start;
  for (let k = start; k < kinds.length; k++) {
    if (kinds[k] === 'q') end = k + 1;
    else if (kinds[k] !== 'e') break;
  }
  return end;
}

function nextNonEmpty(kinds: Kind[], from: number): number {
  let k = from;
  while (k < kinds.length && kinds[k] === 'e') k++;
  return k;
}

/** A rule above where history starts (Outlook's "_____" over "From:", blank lines between or not) goes with it. */
function withRuleAbove(kinds: Kind[], at: number): number {
  let k = at - 1;
  while (k >= 0 && kinds[k] === 'e' && at - k <= 3) k--;
  return k >= 0 && kinds[k] === 'r' ? k : at;
}

/** Whether at most `most` lines with something on them follow `at` (looks no further than that). */
function fewLinesAfter(kinds: Kind[], at: number, most: number): boolean {
  let count = 0;
  for (let k = at + 1; k < kinds.length; k++) {
    if (kinds[k] !== 'e' && ++count > most) return false;
  }
  return true;
}

/**
 * Whether a quoted mail's header block starts at `start`: at least two header lines, one of them the
 * sender's with an address, or three with a sender or an address; names alone on a line with their
 * value on the next ("De:\nx@y.fr", "Copie\n: a b") and one wrapped value count. One line holding
 * several headers (a mangled Outlook block) counts when it names an address.
 */
function headerBlockAt(lines: string[], kinds: Kind[], start: number): boolean {
  let count = 0;
  let from = false;
  let address = false;
  let wrapped = false;
  let k = start;
  while (k < lines.length && k < start + 24) {
    const line = lines[k];
    if (kinds[k] === 'h') {
      count++;
      from ||= FROM_HEADER.test(line);
      address ||= /@|mailto:|&lt;/.test(line);
      if (count === 1 && address && (line.match(HEADER_NAMES_INLINE)?.length ?? 0) >= 3) return true;
      k++;
      // The value on the next line ("De:\nsender@example.fr").
      if (/[:：][ \t*]*$/.test(line) && k < lines.length && (kinds[k] === 't' || kinds[k] === 'x')) {
        address ||= /@/.test(lines[k]);
        k++;
      }
      continue;
    }
    if (kinds[k] === 'n' && k + 1 < lines.length && /^[ \t]*[:：]/.test(lines[k + 1])) {
      count++;
      from ||= FROM_HEADER.test(`${line.trim()}:`);
      address ||= /@/.test(lines[k + 1]);
      k += 2;
      continue;
    }
    // A long value wrapped onto one line of its own, between two headers.
    if (count > 0 && !wrapped && kinds[k] === 't' && kinds[k + 1] === 'h') {
      wrapped = true;
      k++;
      continue;
    }
    break;
  }
  return (count >= 2 && from && address) || (count >= 3 && (from || address));
}

function nameTokens(name: string | null | undefined): string[] {
  return (name ?? '')
    .toLowerCase()
    .split(/[^\p{L}'’-]+/u)
    .filter((token) => token.length >= 2);
}

/**
 * Where a signature block without delimiter starts among the last lines, or -1: a paragraph (not
 * the first) whose first line is short and names the sender, with more lines under it; or whose
 * lines hold at least three contact details (phone, fax, address, web, IBAN/VAT, logo). A paragraph
 * announced by a colon ("Mes coordonnées :") is what the person wrote, not a signature.
 */
function signatureBlockStart(lines: string[], options: TrimOptions): number {
  const window = Math.max(0, lines.length - 40);
  const tokens = nameTokens(options.sender?.name);
  const address = options.sender?.address?.toLowerCase() ?? null;
  const domain = address?.split('@')[1] ?? null;
  // Only the last lines are looked at; whether anything was written above them is one look.
  let seenText = false;
  for (let p = 0; p < window && !seenText; p++) seenText = lines[p].trim() !== '';
  let previous = '';
  for (let p = window - 1; p >= 0 && previous === ''; p--) previous = lines[p].trim();
  for (let p = window; p < lines.length; p++) {
    const line = lines[p].trim();
    if (line === '') continue;
    const paragraphStart = p === 0 || lines[p - 1].trim() === '';
    if (paragraphStart && seenText && line.length <= 60 && !/\p{L}[ \t]*[:：]$/u.test(previous) && !/[:：]$/.test(line)) {
      const rest = lines.slice(p).filter((l) => l.trim() !== '');
      const lower = line.toLowerCase();
      const named = tokens.length >= 2 && tokens.every((token) => lower.includes(token));
      if (named && rest.length >= 3) return p;
      const head = rest.slice(0, 10);
      const contacts = head.filter((l) => l.length <= 120 && isContactLine(l)).length;
      const block = head.join('\n').toLowerCase();
      const mentionsSender = !options.sender || tokens.some((token) => block.includes(token)) || (address !== null && block.includes(address)) || (domain !== null && block.includes(domain.split('.')[0]));
      if (contacts >= 3 && mentionsSender) return p;
    }
    seenText = true;
    previous = line;
  }
  return -1;
}

/**
 * Keeps what the person wrote in a reply: drops quoted history with its introduction ("On …
 * wrote:", "Le … a écrit :"), the unquoted history under an introduction, an Outlook header block
 * ("De : … Envoyé : …") or an "Original Message" banner, signatures after a delimiter, mobile
 * footers ("Envoyé de mon iPhone") and signature blocks of contact details; keeps what the person
 * wrote between and after quoted blocks (inline answers) and returns a forwarded mail apart.
 *
 * One pass over the lines, each classified once by patterns that look at no more than MAX_PROBE
 * characters of it; look-aheads are bounded (a broken introduction, a header block) or consume what
 * they look at (a quote block). The time is linear in the size of the text.
 *
 * Where the corpora we measure against (../shared/corpus) contradict each other, the choice is:
 * - the person's words under a quote are kept (Discourse's trimmer drops a few lines there as a
 *   probable signature: losing a reply is worse than showing a sign-off);
 * - a dash sign-off closing the mail ("—Ryan", "--Daniel") is a signature, as most parsers' tests
 *   have it (Discourse's corpus keeps one);
 * - a rule above a quoted header block goes with it, blank lines between or not (one Dutch case
 *   keeps it);
 * - a forwarded mail with nothing above it gives that mail's text (quotequail expects nothing);
 * - a bare closing formula ("Freundliche Grüsse") is the person's (EdgeTier drops it).
 */
export function trimReply(input: string, options: TrimOptions = {}): TrimResult {
  return trim(input, options, true);
}

function trim(input: string, options: TrimOptions, unwrapForward: boolean): TrimResult {
  const normalized = input.replace(/\r\n?/g, '\n');
  if (normalized.trim() === '') return { text: '', trimmed: false, forwarded: null, forwardOnly: false };
  const { lines, kinds } = classify(normalized.split('\n'));
  const n = lines.length;
  const removed = new Uint8Array(n);
  // Introductions with the quote under them: the introduction always goes; the quote goes unless
  // the person wrote both above and under it (then it is what they answer, kept as context).
  const quoted: { quote: number; end: number; wroteAbove: boolean }[] = [];
  let cutAt = n;
  let forwardAt = -1;
  let wrote = false;

  for (let i = 0; i < n; i++) {
    const kind = kinds[i];
    if (kind === 'e' || kind === 's') continue;
    if (kind === 'q') {
      const end = quoteEnd(kinds, i);
      // A quote opening with an introduction ("> On … wrote:") is quoted history as a whole.
      if (isQuotedIntroduction(lines[i])) removed.fill(1, i, end);
      i = end - 1;
      continue;
    }
    if (kind === 'i' || kind === 'w') {
      const next = nextNonEmpty(kinds, i + 1);
      if (next < n && kinds[next] === 'q') {
        const end = quoteEnd(kinds, next);
        removed.fill(1, withRuleAbove(kinds, i), i + 1);
        quoted.push({ quote: i + 1, end, wroteAbove: wrote });
        i = end - 1;
        continue;
      }
      if (kind === 'i' && wrote) {
        // Written words, then an introduction and no quote: the rest is the history, unquoted.
        cutAt = withRuleAbove(kinds, i);
        break;
      }
      // An introduction with nothing written above it and no quote: what follows is the person's.
      if (kind === 'i') removed[i] = 1;
      else wrote = true;
      continue;
    }
    if (kind === 'f') {
      cutAt = withRuleAbove(kinds, i);
      forwardAt = i;
      break;
    }
    if (kind === 'o' || kind === 'd') {
      cutAt = withRuleAbove(kinds, i);
      break;
    }
    if ((kind === 'h' || kind === 'n') && headerBlockAt(lines, kinds, i)) {
      cutAt = withRuleAbove(kinds, i);
      break;
    }
    if (kind === 'x' && (i === 0 || kinds[i - 1] === 'e')) {
      // "--Daniel" closing the mail, or standing over a rule or history: the signature.
      const next = nextNonEmpty(kinds, i + 1);
      if (next >= n || 'rqiofdh'.includes(kinds[next])) {
        cutAt = i;
        break;
      }
    }
    if (kind === 'r' && /_{5}/.test(lines[i]) && wrote && fewLinesAfter(kinds, i, 4)) {
      // Outlook's and mailing lists' "_____" over a few closing lines: a signature.
      cutAt = i;
      break;
    }
    wrote = true;
  }

  // Whether the person wrote anything (not quote, not blank) at or after each line, up to the cut.
  const writtenAfter = new Uint8Array(cutAt + 1);
  for (let i = cutAt - 1; i >= 0; i--) {
    const kind = kinds[i];
    writtenAfter[i] = writtenAfter[i + 1] || (!removed[i] && kind !== 'e' && kind !== 'q' && kind !== 's') ? 1 : 0;
  }
  for (const { quote, end, wroteAbove } of quoted) {
    if (quote >= cutAt) break;
    if (!wroteAbove || !writtenAfter[Math.min(end, cutAt)]) removed.fill(1, quote, Math.min(end, cutAt));
  }

  // Keep the lines above the cut, less removed history and mobile footers; a quote under the last
  // words (bottom of the mail) is history too, one above or between them is kept.
  const kept: string[] = [];
  let keptWritten = 0;
  let writtenAtLast = 0;
  let lastText = -1;
  for (let i = 0; i < cutAt; i++) {
    const kind = kinds[i];
    if (removed[i] || kind === 's') continue;
    if (kind !== 'e') keptWritten++;
    // A quote or a rule (an HTML <hr> converted) under the last words is not part of them.
    if (kind !== 'e' && kind !== 'q' && kind !== 'r') {
      lastText = kept.length;
      writtenAtLast = keptWritten;
    }
    kept.push(lines[i]);
  }
  kept.length = lastText >= 0 ? lastText + 1 : kept.length;

  const signature = signatureBlockStart(kept, options);
  const writtenLines = signature >= 0 ? kept.slice(0, signature) : kept;
  let text = tidy(writtenLines);

  let forwarded: string | null = null;
  const forwardOnly = forwardAt >= 0 && text === '';
  if (forwardAt >= 0) {
    forwarded = tidy(lines.slice(forwardAt));
    // Nothing written above a forwarded mail: what the person sent is that mail's text (once: a
    // chain of forwards is not unwrapped level by level, which would cost the square of its size).
    if (forwardOnly && unwrapForward) text = forwardedBody(lines, kinds, forwardAt, options);
  }
  // Trimmed when a line with something on it is not in the text (blank space aside).
  let all = 0;
  for (let i = 0; i < n; i++) if (kinds[i] !== 'e') all++;
  return { text, trimmed: signature >= 0 || (lastText >= 0 ? writtenAtLast : keptWritten) !== all, forwarded, forwardOnly };
}

/** A forwarded mail's text under its banner and header block. */
function forwardedBody(lines: string[], kinds: Kind[], banner: number, options: TrimOptions): string {
  let k = nextNonEmpty(kinds, banner + 1);
  if (k < lines.length && (kinds[k] === 'h' || kinds[k] === 'n')) {
    let wrapped = false;
    while (k < lines.length && kinds[k] !== 'e') {
      if (kinds[k] !== 'h' && kinds[k] !== 'n') {
        if (wrapped || kinds[k + 1] === 'e' || k + 1 >= lines.length) break;
        wrapped = true;
      }
      k++;
    }
  }
  return trim(lines.slice(k).join('\n'), options, false).text;
}

/** Line ends without trailing blanks, and no blank lines before or after the text. */
function tidy(lines: string[]): string {
  let first = 0;
  while (first < lines.length && BLANK.test(lines[first])) first++;
  let last = lines.length - 1;
  while (last >= first && BLANK.test(lines[last])) last--;
  const out = new Array<string>(Math.max(0, last - first + 1));
  for (let i = first; i <= last; i++) {
    const line = lines[i];
    const end = line.charCodeAt(line.length - 1);
    // Trailing blanks (and the zero-width ones HTML conversion leaves) are nobody's words.
    out[i - first] = end === 32 || end === 9 || end === 0xa0 || end === 0x200b || end === 0x200e || end === 0x200f || end === 0x202c ? line.replace(TRAILING_BLANKS, '') : line;
  }
  return out.join('\n');
}

const TRAILING_BLANKS = /[\s\u00a0\u200b\p{Cf}]+$/u;
