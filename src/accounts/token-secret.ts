import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'rls_';
const SHAPE = /^rls_[A-Za-z0-9_-]{43}$/;

/** A new bearer token: "rls_" and 256 random bits, base64url. Shown once, never stored. */
export function generateTokenSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hasTokenShape(candidate: string): boolean {
  return SHAPE.test(candidate);
}

export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Enough of the token to recognise it in a list, too little to use it. */
export function tokenHint(secret: string): string {
  return secret.slice(0, PREFIX.length + 4);
}
