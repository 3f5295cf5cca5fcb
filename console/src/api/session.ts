import { send } from './client';
import { type Session, sessionStore } from './session-store';

/**
 * The sign-in contract (POST/GET/DELETE /v1/session, password links): sent with plain fetch so the
 * console does not depend on these routes being in the generated schema.
 */
export async function loadSession(): Promise<void> {
  try {
    sessionStore.set(await (early() ?? send<Session>('GET', '/v1/session')));
  } catch {
    // Not signed in (401), or the API unreachable: either way the sign-in page is where to start.
    sessionStore.set(null);
  }
}

declare global {
  interface Window {
    /** GET /v1/session as index.html started it, before this code loaded. */
    relaisSession?: Promise<Response>;
  }
}

/** The session request index.html already sent, once (a later load asks again). */
function early(): Promise<Session> | undefined {
  const pending = window.relaisSession;
  if (!pending) return undefined;
  window.relaisSession = undefined;
  return pending.then(async (response) => {
    if (!response.ok) throw new Error(`GET /v1/session: ${response.status}`);
    return (await response.json()) as Session;
  });
}

export async function signIn(email: string, password: string): Promise<void> {
  sessionStore.set(await send<Session>('POST', '/v1/session', { email, password }));
}

export async function signOut(): Promise<void> {
  try {
    await send<void>('DELETE', '/v1/session');
  } finally {
    sessionStore.set(null);
  }
}

export function requestPasswordReset(email: string): Promise<void> {
  return send<void>('POST', '/v1/password-resets', { email });
}

export function setPassword(token: string, password: string): Promise<void> {
  return send<void>('POST', '/v1/password', { token, password });
}
