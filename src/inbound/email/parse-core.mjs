// @ts-check
/**
 * Parsing of inbound mail: raw RFC 5322 bytes to what classification, threading and the reply
 * need. Plain JavaScript (typed by JSDoc, checked by tsc) importing only mailparser, so the same
 * code runs in the worker's main thread (through parse-mail.ts) and in the parsing thread
 * (parse-thread.mjs), which then needs no TypeScript loader.
 */
import { Buffer } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { simpleParser } from 'mailparser';
import { htmlToText } from './html-text.mjs';

/**
 * The parts of a mail that classification, threading and the reply need, decoded.
 * @typedef {object} ParsedInbound
 * @property {string | null} messageId
 * @property {string[]} referencedIds Message-IDs from In-Reply-To then References, without angle brackets.
 * @property {string | null} fromAddress
 * @property {string | null} fromName
 * @property {string[]} recipients Every recipient address (To, Cc, Delivered-To, X-Original-To), lower-case.
 * @property {string} subject
 * @property {string} text
 * @property {string | null} html
 * @property {string | null} returnPath
 * @property {Map<string, string>} headers Lower-case header name → the raw header lines' values.
 * @property {string[]} authenticationResults Each Authentication-Results header's value on its own (joined, they would not parse).
 * @property {string} contentType
 * @property {import('mailparser').Attachment[]} attachments
 */

const MESSAGE_ID = /<([^<>\s]+)>/g;
const REPLACEMENT = '\uFFFD';
const MAX_RECIPIENTS = 20_000;

/**
 * Message-IDs in a header value, brackets removed; a bare id without brackets is accepted too.
 * @param {string | undefined | null} value
 * @returns {string[]}
 */
export function messageIds(value) {
  if (!value) return [];
  const found = [...value.matchAll(MESSAGE_ID)].map((match) => match[1]);
  if (found.length > 0) return found;
  const bare = value.trim();
  return bare && !/\s/.test(bare) ? [bare] : [];
}

/**
 * @param {import('mailparser').AddressObject | import('mailparser').AddressObject[] | undefined} value
 * @returns {string[]}
 */
function addresses(value) {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  /** @type {string[]} */
  const out = [];
  for (const object of list) {
    for (const entry of object.value) {
      if (entry.address) out.push(entry.address.toLowerCase());
      for (const member of entry.group ?? []) if (member.address) out.push(member.address.toLowerCase());
    }
  }
  return out;
}

const TEXT_TYPE = /^Content-Type:[ \t]*text\/[^;\r\n]*((?:[^\r\n]|\r?\n[ \t])*)/gim;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** @param {string} charset */
function knownCharset(charset) {
  try {
    new TextDecoder(charset);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether bytes labelled (or taken) as UTF-8 are not UTF-8: they do not decode, and not one
 * multibyte sequence in them does either. A UTF-8 text with one stray byte keeps its label (the
 * stray byte alone becomes U+FFFD); a Latin-1 text mislabelled as UTF-8 has no valid sequence.
 * @param {Buffer} bytes
 */
function notUtf8(bytes) {
  try {
    UTF8.decode(bytes);
    return false;
  } catch {
    return !/[\u0080-\uFFFC\uFFFE-\u{10FFFF}]/u.test(bytes.toString('utf8'));
  }
}

/**
 * @param {string} body the part's body as latin1 (one character per byte)
 * @param {string} headers
 * @returns {Buffer}
 */
function decodedBytes(body, headers) {
  const encoding = /^Content-Transfer-Encoding:[ \t]*([\w-]+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    const unfolded = body.replace(/=\r?\n/g, '');
    return Buffer.from(unfolded.replace(/=([0-9A-Fa-f]{2})/g, (_, /** @type {string} */ hex) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  }
  return Buffer.from(body, 'latin1');
}

/**
 * Relabels as windows-1252 each text part (and a mail without Content-Type) whose bytes are not
 * UTF-8 although it says so, says nothing, or names a charset nobody knows: mail clients that omit
 * or misstate the charset almost always wrote Latin-1/windows-1252, and a superset decodes both.
 * The decision is per part: one stray byte in a UTF-8 part leaves that part (and the others) UTF-8,
 * the stray byte alone replaced. Returns null when no part needs it.
 * @param {Buffer} raw
 * @returns {Buffer | null}
 */
function relabelMislabelledParts(raw) {
  const text = raw.toString('latin1');
  const boundaries = [...text.matchAll(/boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/gi)].map((m) => `--${m[1] ?? m[2]}`);
  /** The end of a body starting at `from`: the next boundary line, or the end of the mail. */
  const bodyEnd = (/** @type {number} */ from) => {
    let end = text.length;
    for (const boundary of boundaries) {
      const at = text.indexOf(`\n${boundary}`, from);
      if (at >= 0 && at < end) end = at;
    }
    return end;
  };
  /** @type {{ start: number, end: number, replacement: string }[]} */
  const edits = [];
  for (const match of text.matchAll(TEXT_TYPE)) {
    const headerStart = text.lastIndexOf('\n\n', match.index) + 1;
    const blank = /\r?\n\r?\n/g;
    blank.lastIndex = match.index;
    const headerEnd = blank.exec(text);
    if (!headerEnd) continue;
    const headers = text.slice(Math.max(0, headerStart), headerEnd.index);
    const bodyStart = headerEnd.index + headerEnd[0].length;
    const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(match[1])?.[1]?.toLowerCase() ?? '';
    // A part in a charset of its own (ISO-8859-1, KOI8-R…) decodes as declared; UTF-8, ASCII, none
    // or an unknown name are the labels mail clients get wrong.
    if (charset && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(charset) && knownCharset(charset)) continue;
    if (!notUtf8(decodedBytes(text.slice(bodyStart, bodyEnd(bodyStart)), headers))) continue;
    const params = match[1].replace(/;\s*charset\s*=\s*("[^"]*"|[^;\s]*)/i, '');
    edits.push({ start: match.index, end: match.index + match[0].length, replacement: `${match[0].slice(0, match[0].length - match[1].length)}${params}; charset=windows-1252` });
  }
  let patched = text;
  for (const edit of edits.reverse()) patched = patched.slice(0, edit.start) + edit.replacement + patched.slice(edit.end);
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd >= 0 ? text.slice(0, headerEnd) : text;
  if (!/^Content-Type:/im.test(head)) {
    const body = headerEnd >= 0 ? text.slice(headerEnd).replace(/^\r?\n\r?\n/, '') : '';
    if (notUtf8(decodedBytes(body, head))) {
      patched = `Content-Type: text/plain; charset=windows-1252\r\n${patched}`;
      edits.push({ start: 0, end: 0, replacement: '' });
    }
  }
  return edits.length > 0 ? Buffer.from(patched, 'latin1') : null;
}

/**
 * @param {string} text
 * @param {string} char
 */
function count(text, char) {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/**
 * The decoded text parts of a parsed mail (its text and its HTML), where replacement characters show.
 * @param {import('mailparser').ParsedMail} mail
 * @returns {string}
 */
function decodedText(mail) {
  return `${mail.text ?? ''}${typeof mail.html === 'string' ? mail.html : ''}`;
}

/**
 * Parses raw RFC 5322 bytes; never throws on content (mailparser is lenient), only on I/O bugs.
 * @param {Buffer} raw
 * @returns {Promise<ParsedInbound>}
 */
export async function parseMail(raw) {
  // An HTML-only mail's text is converted below, as the reply's is (mailparser's own conversion
  // doubles the blank lines typed in Gmail, Outlook and Apple Mail).
  const options = { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, skipHtmlToText: true, maxHtmlLengthToParse: 2_000_000 };
  let mail = await simpleParser(raw, options);
  if (decodedText(mail).includes(REPLACEMENT)) {
    const relabelled = relabelMislabelledParts(raw);
    if (relabelled) {
      const retry = await simpleParser(relabelled, options);
      if (count(decodedText(retry), REPLACEMENT) < count(decodedText(mail), REPLACEMENT)) mail = retry;
    }
  }
  /** @type {Map<string, string>} */
  const headers = new Map();
  /** @type {string[]} */
  const authenticationResults = [];
  for (const line of mail.headerLines ?? []) {
    const value = line.line.slice(line.line.indexOf(':') + 1).trim();
    headers.set(line.key, headers.has(line.key) ? `${headers.get(line.key)}, ${value}` : value);
    if (line.key === 'authentication-results' && authenticationResults.length < 50) authenticationResults.push(value.slice(0, 8_000));
  }
  const recipients = [
    ...addresses(mail.to),
    ...addresses(mail.cc),
    ...(headers.get('delivered-to') ?? '').split(',').map((a) => a.trim().toLowerCase()),
    ...(headers.get('x-original-to') ?? '').split(',').map((a) => a.trim().toLowerCase()),
  ].filter((address) => address.includes('@'));
  const from = mail.from?.value[0];
  const html = typeof mail.html === 'string' ? mail.html : null;
  return {
    messageId: messageIds(mail.messageId)[0] ?? null,
    referencedIds: [...messageIds(mail.inReplyTo), ...(Array.isArray(mail.references) ? mail.references : messageIds(mail.references ?? null))]
      .flatMap((id) => messageIds(id))
      .slice(0, 100),
    fromAddress: from?.address?.toLowerCase() ?? null,
    fromName: from?.name || null,
    // Thousands of recipients are kept (the reply token may be anywhere among them), within a bound.
    recipients: [...new Set(recipients)].slice(0, MAX_RECIPIENTS),
    subject: (mail.subject ?? '').slice(0, 998),
    text: mail.text || (html ? htmlToText(html) : ''),
    html,
    returnPath: headers.get('return-path') ?? null,
    headers,
    authenticationResults,
    contentType: (headers.get('content-type') ?? 'text/plain').toLowerCase(),
    attachments: mail.attachments ?? [],
  };
}
