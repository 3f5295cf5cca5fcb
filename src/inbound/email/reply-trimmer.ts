import { anyOf, DELIMITER, EMBEDDED, EMBEDDED_END, EMBEDDED_START, ENDS_WITH_COLON, HAS_MARKER_WORD, HEADER, QUOTE, SIGNATURE } from './trimming-patterns.js';

/**
 * Keeps what the person wrote in a reply: drops quoted history, "On … wrote:" / "Le … a écrit :"
 * introductions, Outlook header blocks ("De : … Envoyé : …"), signatures after a delimiter and
 * mobile footers ("Envoyé de mon iPhone"). The approach is Discourse's email_reply_trimmer: each
 * line gets a kind letter and a few patterns over the letter string decide what to cut.
 *
 * Kinds: e empty, d delimiter, s signature, b embedded-mail marker, h header, q quote, t text.
 */
type Kind = 'e' | 'd' | 's' | 'b' | 'h' | 'q' | 't';

const isSignature = anyOf(SIGNATURE);
const isEmbedded = anyOf(EMBEDDED);

function kindOf(line: string): Kind {
  // Lines of bare quote marks count as empty (a long chain of empty nested quotes is nothing written).
  if (/^[\s\u00a0\u200b>]*$/u.test(line)) return 'e';
  if (DELIMITER.some((re) => re.test(line))) return 'd';
  if (isSignature(line)) return 's';
  if (isEmbedded(line)) return 'b';
  if (HEADER.test(line)) return 'h';
  if (QUOTE.test(line)) return 'q';
  return 't';
}

/** Joins an introduction broken over up to three lines ("On Mon, …, X <\nx@y> wrote:"). */
function joinBrokenIntroductions(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let joined = 0;
    if (EMBEDDED_START.test(line) && !EMBEDDED_END.test(line)) {
      // Once the marker word is seen, any line ending with a colon closes the introduction.
      let marked = HAS_MARKER_WORD.test(line);
      // Dated introductions may be split by blank lines ("On 31 Mar 2016 X\n\n<\nmailto:…\n> wrote:").
      const blanksAllowed = /\d/.test(line);
      for (let extra = 1; extra <= 4 && i + extra < lines.length; extra++) {
        const next = lines[i + extra];
        if (next.trim() === '' && !blanksAllowed) break;
        if (EMBEDDED_END.test(next) || (marked && ENDS_WITH_COLON.test(next))) {
          joined = extra;
          break;
        }
        marked ||= HAS_MARKER_WORD.test(next);
      }
    }
    if (joined === 0) {
      out.push(line);
      continue;
    }
    // Same number of lines as before (blank fillers), so the kinds still line up with the input.
    out.push(lines.slice(i, i + joined + 1).map((part, n) => (n === 0 ? part : part.replace(/^[\s>]+/, ''))).join(' '));
    for (let n = 0; n < joined; n++) out.push('');
    i += joined;
  }
  return out;
}

/** Lines inside ``` fences are text whatever they look like (code, not a signature delimiter). */
function kindsOf(lines: string[]): Kind[] {
  let inCode = false;
  return lines.map((line) => {
    if (/^[ \t]*```/.test(line)) {
      inCode = !inCode;
      return 't';
    }
    return inCode ? 't' : kindOf(line);
  });
}

/** Applies one cut: keeps lines [0, end) of both the pattern and the lines. */
function cut(state: { pattern: string; lines: string[] }, end: number): void {
  state.pattern = state.pattern.slice(0, end);
  state.lines = state.lines.slice(0, end);
}

function removeAll(state: { pattern: string; lines: string[] }, kind: Kind): void {
  const keep = [...state.pattern].map((k) => k !== kind);
  state.lines = state.lines.filter((_, i) => keep[i]);
  state.pattern = state.pattern.replaceAll(kind, '');
}

export interface TrimResult {
  /** What the person wrote. */
  text: string;
  /** Whether anything was removed. */
  trimmed: boolean;
}

export function trimReply(input: string): TrimResult {
  const normalized = input.replace(/\r\n?/g, '\n');
  if (normalized.trim() === '') return { text: '', trimmed: false };
  const lines = joinBrokenIntroductions(normalized.split('\n'));
  const state = { pattern: kindsOf(lines).join(''), lines };

  // Everything after a signature delimiter is signature.
  const delimiter = state.pattern.indexOf('d');
  if (delimiter >= 0) cut(state, delimiter);
  removeAll(state, 's');

  // Bottom-posting: the reply written after a quoted mail ("On … wrote: > … \n\n reply").
  // (Discourse's /^(b[^t]+)*b[bqeh]+t[et]*$/, written without its exponential backtracking.)
  const start = state.pattern.search(/t[et]*$/);
  const head = start > 0 ? state.pattern.slice(0, start) : '';
  if (/^b[^t]*$/.test(head) && /b[bqeh]+$/.test(head)) {
    state.pattern = state.pattern.slice(start);
    state.lines = state.lines.slice(start);
  }
  // Text, then an introduction followed by no quote: the rest is the quoted mail, unquoted.
  let match = /te*b[^q]*$/.exec(state.pattern);
  if (match && !/^b[^q]*$/.test(state.pattern)) cut(state, match.index + 1);
  // Text, then an introduction and a quote with little text after it.
  match = /te*b[eqbh]*([te]*)$/.exec(state.pattern);
  if (match && [...match[1]].filter((k) => k === 't').length < 7) cut(state, match.index + 1);
  // Text, then a quote running to the end.
  match = /t[eqbh]*[qbh]+$/.exec(state.pattern);
  if (match && /t/.test(state.pattern.slice(0, match.index + 1))) cut(state, match.index + 1);
  removeAll(state, 'b');

  // A header block whose lines wrap ("Subject: a long\nsubject") counts as headers throughout.
  const wrapped = /h+[hte]+h+e/.exec(state.pattern);
  if (wrapped) {
    const chars = [...state.pattern];
    for (let i = wrapped.index; i < wrapped.index + wrapped[0].length; i++) chars[i] = 'h';
    state.pattern = chars.join('');
  }
  // Three headers in a row after some text: a quoted mail starts there.
  match = /t[eq]*h{3,}/.exec(state.pattern);
  if (match) cut(state, match.index + 1);
  removeAll(state, 'h');

  // Trailing quotes after text.
  if (state.pattern.includes('t')) {
    const trailing = /[eq]+$/.exec(state.pattern);
    if (trailing) cut(state, trailing.index);
  }

  // Leading and trailing empty lines (bare quote marks included) are nobody's words.
  const first = state.pattern.search(/[^e]/);
  const last = state.pattern.search(/[^e]e*$/);
  const kept = first < 0 ? [] : state.lines.slice(first, last + 1);
  const text = kept.join('\n').trimEnd();
  return { text, trimmed: text !== normalized.replace(/^\s*\n/, '').trimEnd() };
}
