import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Clock } from '../../src/core/clock.js';
import { aCompany } from '../factories/accounts.factory.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { anIp, signIn, withSession } from '../harness/sessions.js';
import { waitFor } from '../harness/services.js';
import { type CapturedMail, type SmtpListener, startSmtpListener } from '../harness/smtp-listener.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

const PUBLIC = 'https://relais.example.test';
const PASSWORD = 'un mot de passe tout neuf';

/** Console passwords set through a link sent by email (issue 20): invitations by an admin, resets by anyone. */
describe('console passwords set through emailed links', () => {
  let smtp: SmtpListener;
  beforeAll(async () => {
    smtp = await startSmtpListener();
  });
  const env = useTestApi((config) => ({
    ...config,
    publicBaseUrl: PUBLIC,
    smtp: { url: `smtp://127.0.0.1:${smtp.port}`, poolMax: 1, timeoutMs: 5_000 },
    signIn: { ...config.signIn, maxAttemptsPerEmail: 3 },
  }));
  afterAll(() => smtp.close());
  const as = (authorization: string) => callerOf(env.api.http)(authorization);
  let w: CompanyWorld;

  beforeAll(async () => {
    await env.ctx.startWorker();
    w = await aCompanyWorld(env.api.app, env.api.http, 'Permanence Mots de Passe');
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** A new operator of `w` (no password yet). */
  async function anOperator(): Promise<{ id: string; email: string }> {
    const email = `nouvelle.${Math.random().toString(36).slice(2, 8)}@example.test`;
    const user = await as(w.manager).post('/v1/users', { rightsTemplateId: w.templates.Operator, firstName: 'Nina', lastName: 'Nouvelle', email }).expect(201);
    return { id: user.body.id, email };
  }

  /** The mails sent to `address` so far, waiting until there are `count`. */
  async function mailsTo(address: string, count = 1): Promise<CapturedMail[]> {
    const to = () => smtp.messages.filter((mail) => mail.envelope.to.includes(address));
    await waitFor(() => Promise.resolve(to().length >= count), 10_000, `${count} mail(s) to ${address}`);
    return to();
  }

  const tokenIn = (mail: CapturedMail): string => {
    const link = /https:\/\/relais\.example\.test\/console\/password\?token=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '');
    if (!link) throw new Error(`no link in: ${mail.parsed.text}`);
    return link[1];
  };

  it('invites an account by email; the link sets its password once, and it signs in', async () => {
    await as(w.manager).put('/v1/channels/email-sender', { address: 'accueil@permanence.test', name: 'Permanence Mots de Passe' }).expect(200);
    const person = await anOperator();
    expect((await as(w.operator).post(`/v1/users/${person.id}/invitation`, {})).status).toBe(403);
    const invited = await as(w.manager).post(`/v1/users/${person.id}/invitation`, {}).expect(202);
    expect(invited.text).toBe('');
    const audit = await as(w.manager).get(`/v1/audit?action=user.invite&targetId=${person.id}`).expect(200);
    expect(audit.body.items).toMatchObject([{ action: 'user.invite', actorId: w.managerId, after: { email: person.email } }]);

    const [mail] = await mailsTo(person.email);
    expect(mail.parsed.subject).toBe('Permanence Mots de Passe : créez votre mot de passe pour la console Relais');
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: 'accueil@permanence.test', name: 'Permanence Mots de Passe' });
    expect(mail.parsed.text).toContain('Bonjour Nina Nouvelle,');
    expect(mail.parsed.text).toContain('Ce lien est valable 7 jours');
    const token = tokenIn(mail);
    // Handlebars escapes the '=' of the link in HTML (&#x3D;), which the browser reads back as '='.
    expect(String(mail.parsed.html).replaceAll('&#x3D;', '=')).toContain(`href="${PUBLIC}/console/password?token=${token}"`);

    // A weak password is refused without using the link up.
    expect((await env.api.http.post('/v1/password').send({ token, password: 'trop court' }).expect(400)).body.code).toBe('weak_password');
    expect((await env.api.http.post('/v1/password').send({ token, password: 'x'.repeat(257) }).expect(400)).body.code).toBe('weak_password');
    await env.api.http.post('/v1/password').send({ token, password: PASSWORD }).expect(204);
    const session = await signIn(env.api.http, person.email, PASSWORD);
    expect(session.body).toMatchObject({ account: { id: person.id } });

    const reused = await env.api.http.post('/v1/password').send({ token, password: 'un autre mot de passe encore' }).expect(400);
    expect(reused.body.code).toBe('invalid_password_token');
    expect((await env.api.http.post('/v1/password').send({ token: 'n'.repeat(43), password: PASSWORD }).expect(400)).body.code).toBe('invalid_password_token');
    await signIn(env.api.http, person.email, PASSWORD);
  });

  it('resets a forgotten password without ever telling whether the address has an account', async () => {
    const person = await anOperator();
    await as(w.manager).post(`/v1/users/${person.id}/invitation`, {}).expect(202);
    await env.api.http.post('/v1/password').send({ token: tokenIn((await mailsTo(person.email))[0]), password: PASSWORD }).expect(204);
    const before = await signIn(env.api.http, person.email, PASSWORD);

    const unknown = await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: 'personne.inconnue@example.test' });
    const known = await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: person.email.toUpperCase() });
    expect({ status: known.status, text: known.text }).toEqual({ status: 202, text: '' });
    expect({ status: unknown.status, text: unknown.text }).toEqual({ status: 202, text: '' });

    const reset = (await mailsTo(person.email, 2))[1];
    expect(reset.parsed.subject).toBe('Permanence Mots de Passe : réinitialisation de votre mot de passe Relais');
    expect(reset.parsed.text).toContain('Ce lien est valable 1 heure');
    await env.api.http.post('/v1/password').send({ token: tokenIn(reset), password: 'mon nouveau mot de passe' }).expect(204);
    // The sessions opened with the old password end; the old password no longer signs in.
    expect((await withSession(env.api.http, before).get('/v1/me').expect(401)).body.code).toBe('not_signed_in');
    expect((await env.api.http.post('/v1/session').set('X-Forwarded-For', anIp()).send({ email: person.email, password: PASSWORD }).expect(401)).body.code).toBe('invalid_credentials');
    await signIn(env.api.http, person.email, 'mon nouveau mot de passe');
    expect(smtp.messages.some((mail) => mail.envelope.to.includes('personne.inconnue@example.test'))).toBe(false);
  });

  it('uses up every open link of the account when one of them sets the password', async () => {
    const person = await anOperator();
    await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: person.email }).expect(202);
    await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: person.email }).expect(202);
    const [first, second] = (await mailsTo(person.email, 2)).map(tokenIn);
    expect(first).not.toBe(second);
    await env.api.http.post('/v1/password').send({ token: second, password: PASSWORD }).expect(204);
    expect((await env.api.http.post('/v1/password').send({ token: first, password: 'un autre mot de passe encore' }).expect(400)).body.code).toBe('invalid_password_token');
    await signIn(env.api.http, person.email, PASSWORD);
  });

  it('lets a reset link expire after an hour, and limits reset requests per address', async () => {
    const person = await anOperator();
    await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: person.email }).expect(202);
    const token = tokenIn((await mailsTo(person.email))[0]);
    const later = Date.now() + 61 * 60_000;
    jest.spyOn(env.api.app.get(Clock), 'now').mockImplementation(() => new Date(later));
    expect((await env.api.http.post('/v1/password').send({ token, password: PASSWORD }).expect(400)).body.code).toBe('invalid_password_token');
    jest.restoreAllMocks();

    await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: person.email }).expect(202);
    await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: person.email }).expect(202);
    const limited = await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: person.email }).expect(429);
    expect(limited.body.code).toBe('too_many_attempts');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The same answer for an address without an account: the limit tells nothing either.
    for (let i = 0; i < 3; i += 1) await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: 'fantome@example.test' }).expect(202);
    await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: 'fantome@example.test' }).expect(429);
  });

  it('sends no link to a deactivated account, and its links stop working', async () => {
    const person = await anOperator();
    await as(w.manager).post(`/v1/users/${person.id}/invitation`, {}).expect(202);
    const token = tokenIn((await mailsTo(person.email))[0]);
    await as(w.manager).patch(`/v1/users/${person.id}`, { active: false }).expect(200);
    expect((await env.api.http.post('/v1/password').send({ token, password: PASSWORD }).expect(400)).body.code).toBe('invalid_password_token');
    expect((await as(w.manager).post(`/v1/users/${person.id}/invitation`, {}).expect(409)).body.code).toBe('conflict');
    await env.api.http.post('/v1/password-resets').set('X-Forwarded-For', anIp()).send({ email: person.email }).expect(202);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await mailsTo(person.email)).length).toBe(1);
    // Another company's account is as unknown as a missing one.
    const other = await aCompany(env.api.app, 'Permanence Ailleurs');
    expect((await as(w.manager).post(`/v1/users/${other.userId}/invitation`, {})).status).toBe(404);
  });

  it('gives the first manager a link at bootstrap that sets their password', async () => {
    const company = await aCompany(env.api.app, 'Permanence Neuve');
    const url = new URL(company.invitationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC}/console/password`);
    await env.api.http.post('/v1/password').send({ token: url.searchParams.get('token'), password: PASSWORD }).expect(204);
    const email = (await as(`Bearer ${company.token}`).get('/v1/me').expect(200)).body.email;
    expect((await signIn(env.api.http, email, PASSWORD)).body).toMatchObject({ account: { id: company.userId, role: 'manager' } });
  });
});
