import { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { User } from '../../src/accounts/user.entity.js';
import { aCompany, aUser } from '../factories/accounts.factory.js';
import { useTestApi } from '../harness/test-context.js';

describe('identity: bearer tokens and /v1/me', () => {
  const env = useTestApi();

  it('answers /v1/me with the account, company and token of the caller', async () => {
    const company = await aCompany(env.api.app, 'Permanence Dupont');
    const response = await env.api.http.get('/v1/me').set('Authorization', `Bearer ${company.token}`).expect(200);
    expect(response.body).toMatchObject({
      id: company.userId,
      company: { id: company.companyId, name: 'Permanence Dupont' },
      kind: 'collaborator',
      role: 'manager',
      active: true,
      token: { name: 'bootstrap', hint: company.token.slice(0, 8) },
    });
    expect(JSON.stringify(response.body)).not.toContain(company.token);
  });

  it('refuses a request without a token', async () => {
    const response = await env.api.http.get('/v1/me').expect(401);
    expect(response.body).toEqual({ code: 'missing_token', message: expect.any(String) });
  });

  it.each([
    ['an unknown token', `Bearer rls_${'A'.repeat(43)}`],
    ['a malformed token', 'Bearer not-a-token'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('refuses %s with invalid_token', async (_, header) => {
    const response = await env.api.http.get('/v1/me').set('Authorization', header).expect(401);
    expect(response.body.code).toBe('invalid_token');
  });

  it('refuses a revoked token at once, and only that token', async () => {
    const company = await aCompany(env.api.app);
    const other = await aUser(env.api.app, company.companyId);
    const em = env.api.app.get(EntityManager).fork();
    const me = await env.api.http.get('/v1/me').set('Authorization', `Bearer ${company.token}`).expect(200);

    await env.api.http
      .delete(`/v1/users/${company.userId}/tokens/${me.body.token.id}`)
      .set('Authorization', `Bearer ${company.token}`)
      .expect(204);

    const refused = await env.api.http.get('/v1/me').set('Authorization', `Bearer ${company.token}`).expect(401);
    expect(refused.body.code).toBe('token_revoked');
    await env.api.http.get('/v1/me').set('Authorization', `Bearer ${other.token}`).expect(200);
    expect(await em.count(User, { companyId: company.companyId })).toBe(2);
  });

  it('does not let one company revoke the token of another', async () => {
    const mine = await aCompany(env.api.app);
    const theirs = await aCompany(env.api.app);
    const theirToken = await env.api.http.get('/v1/me').set('Authorization', `Bearer ${theirs.token}`).expect(200);
    const refused = await env.api.http
      .delete(`/v1/users/${theirs.userId}/tokens/${theirToken.body.token.id}`)
      .set('Authorization', `Bearer ${mine.token}`)
      .expect(404);
    expect(refused.body.code).toBe('not_found');
    await env.api.http.get('/v1/me').set('Authorization', `Bearer ${theirs.token}`).expect(200);
  });

  it('refuses the token of a deactivated account', async () => {
    const company = await aCompany(env.api.app);
    const { user, token } = await aUser(env.api.app, company.companyId, { active: false });
    const response = await env.api.http.get('/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(response.body.code).toBe('account_inactive');
    expect(user.active).toBe(false);
  });
});
