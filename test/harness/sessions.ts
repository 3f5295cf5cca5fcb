import type TestAgent from 'supertest/lib/agent.js';

/** A signed-in console session, as a browser holds it: the cookie and the CSRF token the sign-in answered. */
export interface TestSession {
  cookie: string;
  csrfToken: string;
  body: Record<string, unknown>;
}

let nextIp = 1;
/** A client address of its own (X-Forwarded-For, trusted from loopback), so per-IP attempt limits do not mix specs' requests. */
export function anIp(): string {
  nextIp += 1;
  return `198.51.100.${nextIp % 250}`;
}

/** Signs in through POST /v1/session; throws unless it answers 200. */
export async function signIn(http: TestAgent, email: string, password: string, ip = anIp()): Promise<TestSession> {
  const response = await http.post('/v1/session').set('X-Forwarded-For', ip).send({ email, password });
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}: ${response.text}`);
  return { cookie: sessionCookieOf(response.headers['set-cookie']), csrfToken: response.body.csrfToken, body: response.body };
}

/** `relais_session=…` out of a Set-Cookie header. */
export function sessionCookieOf(setCookie: string | string[] | undefined): string {
  const line = [setCookie ?? []].flat().find((value) => value.startsWith('relais_session='));
  if (!line) throw new Error('no relais_session cookie was set');
  return line.split(';')[0];
}

/** Requests made with a session, as the console makes them: the cookie always, the CSRF header on writes. */
export function withSession(http: TestAgent, session: TestSession) {
  return {
    get: (path: string) => http.get(path).set('Cookie', session.cookie),
    post: (path: string, body?: object) => http.post(path).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken).send(body),
    patch: (path: string, body: object) => http.patch(path).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken).send(body),
    put: (path: string, body?: object) => http.put(path).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken).send(body),
    del: (path: string) => http.delete(path).set('Cookie', session.cookie).set('X-CSRF-Token', session.csrfToken),
  };
}
