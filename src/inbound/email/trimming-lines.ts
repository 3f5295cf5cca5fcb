import {
  anyOf,
  BANNER,
  DASH_NAME,
  FORWARD_INTRODUCTION,
  FORWARD_WORDS,
  HEADER,
  HEADER_NAME_ALONE,
  INTRODUCTION,
  INTRODUCTION_START,
  MARKER_WORDS,
  MARKERS,
  MAX_PROBE,
  QUOTE,
  RULE,
  SIGNATURE,
  SIGNATURE_DELIMITER,
  WEAK_INTRODUCTION,
} from './trimming-patterns.js';

/**
 * The reply trimmer's lines, each with its kind, classified once by patterns that look at no more
 * than MAX_PROBE characters of it (reply-trimmer.ts decides what to keep from them).
 *
 * Kinds: e empty, q quote, i introduction, w weak introduction ("X wrote:", only before a quote),
 * o "Original Message" banner, f forward banner, h header, n header name alone, d signature
 * delimiter, r rule, s mobile footer, x dash sign-off ("--Daniel"), t text.
 */
export type Kind = 'e' | 'q' | 'i' | 'w' | 'o' | 'f' | 'h' | 'n' | 'd' | 'r' | 's' | 'x' | 't';

const isSignature = anyOf(SIGNATURE);
const isIntroduction = anyOf(INTRODUCTION);
const isForwardIntroduction = anyOf(FORWARD_INTRODUCTION);
export const BLANK = /^[\s\u00a0\u200b\p{Cf}>]*$/u;

/** A marker word closing the line ("… wrote", "… a écrit"), looked for in the line's last characters only. */
const ENDS_WITH_MARKER = new RegExp(String.raw`(?:${MARKER_WORDS})[\s\p{Cf}*-]*$`, 'iu');

/**
 * Whether a line may be an introduction, found without a pattern: every form names a marker word
 * ("wrote", "a écrit"…) or is a dated form with an address or a time zone, Outlook's "On … sent:",
 * Apple Mail's Polish one or the Chinese one. Most lines fail here, before the introduction patterns.
 */
function mayIntroduce(line: string): boolean {
  // Every form ends with a colon, an address, a marker word, or has a time zone.
  const colon = line.includes(':') || line.includes('：');
  if (!colon && !line.endsWith('>') && !line.includes('GMT') && !ENDS_WITH_MARKER.test(line.slice(-30))) return false;
  const lower = line.toLowerCase();
  for (const marker of MARKERS) if (lower.includes(marker)) return true;
  if (lower.includes('sent') || lower.includes('wiadomość') || line.includes('写道')) return true;
  return /^[ \t>]*\d/.test(line) && (line.includes('@') || line.includes('GMT'));
}

function kindOf(line: string): Kind {
  if (line.length > MAX_PROBE) {
    // Introductions, banners and footers are short; a long line is text (or a quoted one).
    return QUOTE.test(line.slice(0, MAX_PROBE)) ? 'q' : 't';
  }
  if (line.length === 0) return 'e';
  // The first character rules most kinds out without running their patterns (most lines are text).
  const first = line.charCodeAt(0);
  // Five characters or fewer, opening with a letter or digit, without a colon: no introduction,
  // header, footer or banner is that short.
  if (line.length <= 5 && ((first >= 48 && first <= 57) || (first >= 65 && first <= 90) || (first >= 97 && first <= 122)) && !line.includes(':') && !line.includes('>')) return 't';
  const spaced = first === 32 || first === 9 || first === 0xa0 || first === 0x200b || (first >= 0x200e && first <= 0x202e) || first === 0x3e; // blank, Cf, '>'
  // Lines of bare quote marks count as empty (a chain of empty nested quotes is nothing written).
  if (spaced && BLANK.test(line)) return 'e';
  const dashed = spaced || DASH_FIRST.has(first);
  if (dashed && SIGNATURE_DELIMITER.test(line)) return 'd';
  if (dashed && RULE.test(line)) return 'r';
  const gt = line.indexOf('>');
  if (gt >= 0 && gt <= 24 && QUOTE.test(line)) return 'q';
  if (line.length >= 8 && line.length <= 200 && isSignature(line)) return 's';
  if (line.length >= 14 && line.length <= 80 && isForwardIntroduction(line)) return 'f';
  if (line.includes('--') && BANNER.test(line)) return FORWARD_WORDS.test(line) ? 'f' : 'o';
  if (mayIntroduce(line)) {
    if (isIntroduction(line)) return 'i';
    if (WEAK_INTRODUCTION.test(line)) return 'w';
  }
  if ((line.includes(':') || line.includes('：')) && HEADER.test(line)) return 'h';
  if (dashed && DASH_NAME.test(line)) return 'x';
  return 't';
}

/** First characters of separator lines, signature delimiters and dash sign-offs. */
const DASH_FIRST = new Set([...'-_=+~#*—–•ᐧ'].map((c) => c.charCodeAt(0)));

/**
 * Lines classified at most. Nobody types twenty thousand lines above the history they answer: past
 * them (a pasted log, a long quoted history, a hostile mail) lines are only told apart as blank,
 * quoted or text, so the work on any body stays bounded and the mailbox is never held up by it.
 */
const MAX_CLASSIFIED_LINES = 20_000;

/** Where an introduction opens inside a line that starts with the person's words ("Thanks! On … wrote:"). */
const INLINE_INTRODUCTION = /[.!?)]?[ \t]+(?=(?:On|Le|Am|Op|El|Em|Il|W dniu)[ \t])/gu;

/**
 * The lines with their kinds. An introduction broken over up to five lines ("On Mon, …, X <\nx@y>
 * wrote:", "Le 2 févr. 2022 à 09:10,\ntest@maif.fr\na écrit :") becomes one line, and one sharing its
 * line with the reply ("ok On … wrote:") becomes two; anything else keeps its lines as they are.
 */
export function classify(input: string[]): { lines: string[]; kinds: Kind[] } {
  const lines: string[] = [];
  const kinds: Kind[] = [];
  const classified = Math.min(input.length, MAX_CLASSIFIED_LINES);
  for (let i = 0; i < classified; i++) {
    const line = input[i];
    const kind = kindOf(line);
    if ((kind === 't' || kind === 'h' || kind === 'x') && line.length >= 6 && line.length <= MAX_PROBE && INTRODUCTION_START.test(line)) {
      // Dated introductions may be split by blank lines ("On 31 Mar 2016 X\n\n<\nmailto:…\n> wrote:").
      const blanksAllowed = /\d/.test(line);
      let joined = line;
      let found = 0;
      for (let extra = 1; extra <= 4 && i + extra < input.length; extra++) {
        const next = input[i + extra];
        if (next.trim() === '' && !blanksAllowed) break;
        joined = `${joined} ${next.replace(/^[\s>]+/, '')}`.trimEnd();
        if (joined.length > MAX_PROBE) break;
        const joinedKind = kindOf(joined);
        // A weak introduction ("X wrote:") is one only over a quote: otherwise the lines stay as written.
        if (joinedKind === 'i' || (joinedKind === 'w' && quoteFollows(input, i + extra + 1))) {
          found = extra;
          break;
        }
      }
      if (found > 0) {
        lines.push(joined);
        kinds.push(kindOf(joined));
        i += found;
        continue;
      }
    }
    if ((kind === 't' || kind === 'i') && line.length <= MAX_PROBE && mayIntroduce(line)) {
      // A whole introduction is one too: it splits only after a sentence ended ("Merci ! Le … a écrit :").
      const split = splitIntroduction(line, kind === 'i');
      if (split) {
        lines.push(split[0], split[1]);
        kinds.push(kindOf(split[0]), 'i');
        continue;
      }
    }
    lines.push(line);
    // A header name alone, its colon opening the next line ("Copie\n: a b").
    const next = input[i + 1];
    kinds.push(kind === 't' && next !== undefined && opensWithColon(next) && line.length <= 40 && HEADER_NAME_ALONE.test(line) ? 'n' : kind);
  }
  // Past the bound, lines are told apart only as blank, quoted or text.
  for (let i = classified; i < input.length; i++) {
    const line = input[i];
    lines.push(line);
    kinds.push(line.trim() === '' ? 'e' : /^[ \t]*>/.test(line) ? 'q' : 't');
  }
  return { lines, kinds };
}

function opensWithColon(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 58 || c === 0xff1a || ((c === 32 || c === 9) && /^[ \t]*[:：]/.test(line));
}

function quoteFollows(input: string[], from: number): boolean {
  for (let k = from; k < input.length && k < from + 4; k++) {
    if (input[k].trim() !== '') return QUOTE.test(input[k]);
  }
  return false;
}

function splitIntroduction(line: string, afterSentence: boolean): [string, string] | null {
  INLINE_INTRODUCTION.lastIndex = 0;
  for (let tries = 0; tries < 3; tries++) {
    const found = INLINE_INTRODUCTION.exec(line);
    if (!found) return null;
    const head = line.slice(0, found.index + found[0].length).trimEnd();
    const tail = line.slice(found.index + found[0].length);
    if (/\p{L}/u.test(head) && (!afterSentence || /[.!?…]$/u.test(head)) && isIntroduction(tail)) return [head, tail];
  }
  return null;
}

/** A quote whose first line is an introduction ("> On … wrote:"): quoted history, all of it. */
export function isQuotedIntroduction(line: string): boolean {
  const unquoted = line.replace(/^[ \t>]+/, '');
  return unquoted.length <= MAX_PROBE && isIntroduction(unquoted);
}

