import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { DomainError } from '../../core/errors/domain-error.js';

const derive = promisify(argon2);

/**
 * OWASP's argon2id settings (19 MiB, 2 passes, one lane): about a tenth of a second per hash on
 * this kind of machine, slow enough to make guessing a stolen hash costly.
 */
const PARAMS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 } as const;
const SALT_BYTES = 16;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Refuses a password too short to resist guessing, or long enough to make hashing a denial of service. */
export function assertAcceptablePassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) throw new DomainError('weak_password', `The password must have at least ${PASSWORD_MIN_LENGTH} characters`, { minLength: PASSWORD_MIN_LENGTH });
  if (length > PASSWORD_MAX_LENGTH) throw new DomainError('weak_password', `The password must have at most ${PASSWORD_MAX_LENGTH} characters`, { maxLength: PASSWORD_MAX_LENGTH });
}

/** An argon2id hash of the password as a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), what is stored. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive('argon2id', { message: password, nonce: salt, ...PARAMS });
  return `$argon2id$v=19$m=${PARAMS.memory},t=${PARAMS.passes},p=${PARAMS.parallelism}$${b64(salt)}$${b64(hash)}`;
}

/** Whether the password matches a stored PHC string (with the parameters it was hashed with). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = PHC.exec(stored);
  if (!match) return false;
  const [, memory, passes, parallelism, salt, expected] = match;
  const wanted = Buffer.from(expected, 'base64');
  const hash = await derive('argon2id', {
    message: password,
    nonce: Buffer.from(salt, 'base64'),
    memory: Number(memory),
    passes: Number(passes),
    parallelism: Number(parallelism),
    tagLength: wanted.length,
  });
  return hash.length === wanted.length && timingSafeEqual(hash, wanted);
}

/**
 * A hash no password matches, verified when the email is unknown (or has no password yet) so the
 * answer takes as long as a wrong password: timing does not tell which addresses have accounts.
 */
let dummy: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'));
  await verifyPassword(password, await dummy);
  return false;
}

/** PHC strings use base64 without padding. */
function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
