import { createHash, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request } from 'express';
import { hashSecret, hasSecretShape } from '../token-secret.js';

/** The console's session cookie. Its value is a secret of token-secret.ts: set in the cookie, never stored. */
export const SESSION_COOKIE = 'relais_session';

export function hashSessionSecret(secret: string): string {
  return hashSecret('session:', secret);
}

/**
 * The CSRF token of a session: derived from its secret (one-way), so it is the same for the whole
 * session, needs no storage, and cannot be turned back into the cookie. A page of ours reads it from
 * the sign-in answer; a page of another site can neither read it nor the cookie.
 */
export function csrfTokenOf(secret: string): string {
  return createHash('sha256').update(`csrf:${secret}`).digest('base64url');
}

export function csrfMatches(secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(csrfTokenOf(secret));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The session secret the request's Cookie header carries, if it has the shape of one. */
export function sessionSecretOf(request: Request): string | null {
  const header = request.header('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(at + 1).trim();
    return hasSecretShape(value) ? value : null;
  }
  return null;
}

/** httpOnly (scripts never see it), SameSite=Strict (other sites never send it), Secure except in development and tests (plain http on localhost). */
export function sessionCookieOptions(env: 'development' | 'test' | 'production'): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: env === 'production' };
}
