/**
 * Personal data and secrets never reach the logs. Known keys are censored whole (pino `redact`);
 * free text is scrubbed of anything shaped like an email address, a phone number or a bearer token,
 * because an error message can quote user input.
 */
export const REDACTED_KEYS = [
  'authorization',
  'cookie',
  'token',
  'password',
  'secret',
  'email',
  'mobile',
  'phone',
  'body',
  'text',
  'html',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  ...REDACTED_KEYS.flatMap((key) => [key, `*.${key}`]),
];

const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g;
// International (+33 6 12 34 56 78) and French national (06 12 34 56 78, 06.12.34.56.78) forms.
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d{2}){4,6}\b|\+\d{8,15}\b/g;
const BEARER = /\b(Bearer\s+)\S+/gi;
const API_TOKEN = /\brls_[\w-]{16,}/g;

export function scrub(text: string): string {
  return text
    .replace(BEARER, '$1[redacted]')
    .replace(API_TOKEN, '[redacted-token]')
    .replace(EMAIL, '[redacted-email]')
    .replace(PHONE, '[redacted-phone]');
}
