/**
 * Personal data and secrets never reach the logs. Every object logged is walked whatever its depth:
 * a field whose name says it holds an address, a number, a message body or a secret is censored
 * whole, and every other string is scrubbed of anything shaped like an email address, a phone
 * number or a bearer token, because an error message or a job payload can quote user input.
 */

/** Words that, anywhere in a field name (camelCase, snake_case or kebab-case), mark it as sensitive. */
const SENSITIVE_WORDS = new Set([
  'authorization',
  'cookie',
  'token',
  'tokens',
  'password',
  'secret',
  'secrets',
  'signature',
  'apikey',
  'email',
  'emails',
  'mobile',
  'phone',
  'phones',
  'fax',
  'body',
  'text',
  'html',
]);

/** A last word that makes the field a reference or a figure, not the data itself (tokenId, emailCount). */
const HARMLESS_LAST_WORDS = new Set(['id', 'ids', 'count', 'hint', 'at', 'length', 'type', 'kind']);

/** Bound on the walk: a log line is not the place for a deeper structure (nor a cycle). */
const MAX_DEPTH = 8;

export const CENSORED = '[redacted]';

/** Serialized request headers (pino-http) are class instances the walk leaves alone: censor them by path. */
export const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-twilio-signature"]'];

const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g;
// International (+33 6 12 34 56 78, +1 415 555 2671, +33612345678) and French national
// (06 12 34 56 78, 06.12.34.56.78) forms; never inside a longer token such as a UUID or a date.
const PHONE = /(?<![\w-])(?:\+\d{1,3}(?:[\s.-]?\(0\))?(?:[\s.-]?\d{1,4}){2,6}|0\d(?:[\s.-]?\d{2}){4})(?![\w-])/g;
const BEARER = /\b(Bearer\s+)\S+/gi;
const API_TOKEN = /\brls_[\w-]{16,}/g;

/** A run of percent-encoded bytes (`%40`, `%2B33…`, `%C3%A9`). */
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/**
 * Percent-encoded text decoded where it decodes, so that `jean%40example.fr` or `%2B33612345678`
 * (a query string, a provider's error quoting a URL) is seen, and scrubbed, as what it stands for.
 */
function decodePercent(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(PERCENT_RUN, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run; // not UTF-8: left as it is
    }
  });
}

export function scrub(text: string): string {
  return decodePercent(text)
    .replace(BEARER, '$1[redacted]')
    .replace(API_TOKEN, '[redacted-token]')
    .replace(EMAIL, '[redacted-email]')
    .replace(PHONE, '[redacted-phone]');
}

/** Query parameters holding what someone searched for: a name, an address, a number. */
const SEARCH_PARAMS = new Set(['q', 'query', 'search', 'term']);

/**
 * A request URL fit for a log line: the path scrubbed, each query value decoded (`+` as a space)
 * and censored whole when its name marks it as personal (a search term, an email, a phone),
 * scrubbed otherwise, so filters such as `filter=unread` stay readable.
 */
export function scrubUrl(url: string): string {
  const mark = url.indexOf('?');
  // Segment by segment: an email's local part may hold a "/", which would swallow the path.
  const path = (mark < 0 ? url : url.slice(0, mark)).split('/').map(scrub).join('/');
  if (mark < 0) return path;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const key = scrub(equals < 0 ? pair : pair.slice(0, equals));
      if (equals < 0) return key;
      const value = pair.slice(equals + 1).replaceAll('+', ' ');
      const name = key.toLowerCase();
      return `${key}=${SEARCH_PARAMS.has(name) || isSensitiveKey(name) ? CENSORED : scrub(value)}`;
    })
    .join('&');
  return `${path}?${query}`;
}

export function isSensitiveKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0 || HARMLESS_LAST_WORDS.has(words[words.length - 1])) return false;
  return words.some((word) => SENSITIVE_WORDS.has(word)) || SENSITIVE_WORDS.has(words.join(''));
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A copy of a value fit for a log line. Plain objects, arrays and errors are copied with sensitive
 * fields censored and strings scrubbed; other class instances (requests, responses, buffers) are
 * returned as they are, for their own pino serializers to reduce.
 */
export function scrubValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) {
    seen.add(value);
    const copy: Record<string, unknown> = { type: value.name, message: scrub(value.message) };
    if (value.stack) copy.stack = scrub(value.stack);
    if (value.cause !== undefined) copy.cause = scrubValue(value.cause, depth + 1, seen);
    return copy;
  }
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((item) => scrubValue(item, depth + 1, seen));
  }
  if (!isPlainObject(value)) return value;
  seen.add(value);
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = isSensitiveKey(key) && field !== null && field !== undefined ? CENSORED : scrubValue(field, depth + 1, seen);
  }
  return copy;
}
