import { createHash, randomBytes } from 'node:crypto';

/**
 * The secrets Relais hands out and keeps only a hash of: API tokens, session cookies, password
 * links. Each is 256 random bits, base64url (43 characters); each kind hashes with a prefix of
 * its own, so a secret of one kind never matches a stored hash of another.
 */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A new secret: 256 random bits, base64url. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hasSecretShape(candidate: string): boolean {
  return SECRET_SHAPE.test(candidate);
}

/** Hex SHA-256 of `prefix` and the secret: what is stored. */
export function hashSecret(prefix: string, secret: string): string {
  return createHash('sha256').update(`${prefix}${secret}`).digest('hex');
}

const PREFIX = 'rls_';

/** A new bearer token: "rls_" and a secret. Shown once, never stored. */
export function generateTokenSecret(): string {
  return PREFIX + generateSecret();
}

export function hasTokenShape(candidate: string): boolean {
  return candidate.startsWith(PREFIX) && hasSecretShape(candidate.slice(PREFIX.length));
}

/** A bearer token's hash (no prefix of its own: its "rls_" is already part of the hashed text). */
export function hashTokenSecret(secret: string): string {
  return hashSecret('', secret);
}

/** Enough of the token to recognise it in a list, too little to use it. */
export function tokenHint(secret: string): string {
  return secret.slice(0, PREFIX.length + 4);
}
