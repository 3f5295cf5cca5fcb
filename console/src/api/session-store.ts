import { useSyncExternalStore } from 'react';
import type { components } from './schema';

/** The signed-in account as GET /v1/me shows it (the session's body carries the same view). */
export type Account = components['schemas']['MeResponse'];

/** POST/GET /v1/session's answer: the account, the CSRF token for writes, the two expiries. */
export type Session = components['schemas']['SessionResponse'];

/** undefined: not known yet (the first GET /v1/session is on its way); null: signed out. */
type State = Session | null | undefined;

let state: State = undefined;
const listeners = new Set<() => void>();

export const sessionStore = {
  get: (): State => state,
  set: (next: State): void => {
    state = next;
    for (const listener of listeners) listener();
  },
  // Arrows, not methods: React calls subscribe and get detached from the store.
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSession(): State {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

/** Whether the account holds a permission: the console shows a screen only then (the API still decides). */
export function can(session: Session | null | undefined, permission: string): boolean {
  return Boolean(session?.account.permissions.includes(permission));
}
