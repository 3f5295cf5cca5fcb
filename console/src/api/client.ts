import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { sessionStore } from './session-store';

/** An API refusal: `{code, message}` as every /v1 route answers it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Writes carry the session's CSRF token; a 401 anywhere means the session is over: back to sign-in. */
const session: Middleware = {
  onRequest({ request }) {
    const current = sessionStore.get();
    if (!SAFE.has(request.method) && current) request.headers.set('X-CSRF-Token', current.csrfToken);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && sessionStore.get()) sessionStore.set(null);
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(session);

/** The body of an answer, or an ApiError with the API's code and message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { code?: string; message?: string };
  throw new ApiError(response.status, body.code ?? 'http_error', body.message ?? `Erreur ${response.status}`);
}

/** The body of an answer, or null when the API answers 404 (nothing set yet); any other refusal is an ApiError. */
export async function unwrapOrNull<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T | null> {
  try {
    return (await unwrap(call)) ?? null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** For the few routes sent as plain fetch (sign-in before a session exists): same CSRF and 401 rules. */
export async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers = new Headers({ Accept: 'application/json' });
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  const current = sessionStore.get();
  if (!SAFE.has(method) && current) headers.set('X-CSRF-Token', current.csrfToken);
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (json ?? {}) as { code?: string; message?: string };
    throw new ApiError(response.status, error.code ?? 'http_error', error.message ?? `Erreur ${response.status}`);
  }
  return json as T;
}
