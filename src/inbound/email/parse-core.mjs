// @ts-check
/**
 * Parsing of inbound mail: raw RFC 5322 bytes to what classification, threading and the reply
 * need. Plain JavaScript (typed by JSDoc, checked by tsc) importing only mailparser, so the same
 * code runs in the worker's main thread (through parse-mail.ts) and in the parsing thread
 * (parse-thread.mjs), which then needs no TypeScript loader.
 */
import { Buffer } from 'node:buffer';
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

/**
 * Relabels every text part (and a mail without Content-Type) as windows-1252. Used only when the
 * declared charset (or none, or an unknown one) left undecodable bytes: mail clients that omit or
 * misstate the charset almost always wrote Latin-1/windows-1252, and a superset decodes both.
 * @param {Buffer} raw
 * @returns {Buffer}
 */
function relabelAsWindows1252(raw) {
  const text = raw.toString('latin1');
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd >= 0 ? text.slice(0, headerEnd) : text;
  let patched = text.replace(/^(Content-Type:[ \t]*text\/[^;\r\n]*)((?:[^\r\n]|\r?\n[ \t])*)/gim, (_, /** @type {string} */ type, /** @type {string} */ params) => {
    return `${type}${params.replace(/;\s*charset\s*=\s*("[^"]*"|[^;\s]*)/i, '')}; charset=windows-1252`;
  });
  if (!/^Content-Type:/im.test(head)) patched = `Content-Type: text/plain; charset=windows-1252\r\n${patched}`;
  return Buffer.from(patched, 'latin1');
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
 * What a reader reads of a parsed mail: its text part, or its HTML when it has none.
 * @param {import('mailparser').ParsedMail} mail
 * @returns {string}
 */
function readable(mail) {
  return mail.text || (typeof mail.html === 'string' ? mail.html : '');
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
  if (readable(mail).includes(REPLACEMENT)) {
    const retry = await simpleParser(relabelAsWindows1252(raw), options);
    if (count(readable(retry), REPLACEMENT) < count(readable(mail), REPLACEMENT)) mail = retry;
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
