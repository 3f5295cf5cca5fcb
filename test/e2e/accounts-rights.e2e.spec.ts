import { beforeAll, describe, expect, it } from '@jest/globals';
import { aCompany } from '../factories/accounts.factory.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

describe('accounts and rights templates', () => {
  const env = useTestApi();
  let w: CompanyWorld;
  const as = (token: string) => callerOf(env.api.http)(token);

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
  });

  it('starts every company with the five templates', async () => {
    const response = await as(w.manager).get('/v1/rights-templates').expect(200);
    const byName = Object.fromEntries((response.body as { name: string; kind: string; role: string | null }[]).map((t) => [t.name, t]));
    expect(byName).toMatchObject({
      Manager: { kind: 'collaborator', role: 'manager' },
      Supervisor: { kind: 'collaborator', role: 'supervisor' },
      Operator: { kind: 'collaborator', role: 'operator' },
      Client: { kind: 'client', role: null },
      Secretary: { kind: 'secretary', role: null },
    });
  });

  it('creates accounts from a template: kind, role and permissions come from it', async () => {
    const operator = await as(w.manager).get(`/v1/users/${w.operatorId}`).expect(200);
    expect(operator.body).toMatchObject({ kind: 'collaborator', role: 'operator', clientId: null, rightsTemplateId: w.templates.Operator });
    expect(operator.body.permissions).toContain('messages.write');
    expect(operator.body.permissions).not.toContain('accounts.manage');
    const client = await as(w.manager).get(`/v1/users/${w.clientAccountId}`).expect(200);
    expect(client.body).toMatchObject({ kind: 'client', role: null, clientId: w.clientId });
  });

  it('refuses a duplicate email in the company with 409 user_email_taken', async () => {
    const me = await as(w.operator).get('/v1/me').expect(200);
    const response = await as(w.manager)
      .post('/v1/users', { rightsTemplateId: w.templates.Operator, firstName: 'A', lastName: 'B', email: me.body.email.toUpperCase() })
      .expect(409);
    expect(response.body.code).toBe('user_email_taken');
  });

  it('refuses an email change onto another account’s address', async () => {
    const me = await as(w.manager).get('/v1/me').expect(200);
    const response = await as(w.manager).patch(`/v1/users/${w.operatorId}`, { email: me.body.email }).expect(409);
    expect(response.body.code).toBe('user_email_taken');
  });

  it('deleting a template leaves the accounts it was applied to with their permissions', async () => {
    const template = await as(w.manager).post('/v1/rights-templates', { name: 'Temporaire', kind: 'collaborator', role: 'operator', permissions: ['messages.read'] }).expect(201);
    const user = await as(w.manager)
      .post('/v1/users', { rightsTemplateId: template.body.id, firstName: 'T', lastName: 'Emp', email: 't.emp@example.test' })
      .expect(201);
    await as(w.manager).del(`/v1/rights-templates/${template.body.id}`).expect(204);
    const after = await as(w.manager).get(`/v1/users/${user.body.id}`).expect(200);
    expect(after.body).toMatchObject({ permissions: ['messages.read'], rightsTemplateId: null });
  });

  it('requires a client file for client and secretary accounts, and refuses one for collaborators', async () => {
    const noFile = await as(w.manager).post('/v1/users', { rightsTemplateId: w.templates.Secretary, firstName: 'S', lastName: 'T', email: 's.t@example.test' }).expect(400);
    expect(noFile.body.message).toContain('clientId');
    await as(w.manager)
      .post('/v1/users', { rightsTemplateId: w.templates.Operator, clientId: w.clientId, firstName: 'S', lastName: 'T', email: 's.u@example.test' })
      .expect(400);
  });

  it('lists the accounts of one client file; another company’s file lists nothing', async () => {
    const secretary = await as(w.manager)
      .post('/v1/users', { rightsTemplateId: w.templates.Secretary, clientId: w.clientId, firstName: 'Sarah', lastName: 'Secrétaire', email: 'sarah.sec@example.test' })
      .expect(201);
    const ids = async (token: string, clientId: string) =>
      ((await as(token).get(`/v1/users?clientId=${clientId}`).expect(200)).body.items as { id: string }[]).map((u) => u.id).sort();
    expect(await ids(w.manager, w.clientId)).toEqual([w.clientAccountId, secretary.body.id].sort());
    expect(await ids(w.manager, w.otherClientId)).toEqual([]);

    const rival = await aCompany(env.api.app, 'Permanence Rivale');
    const rivalManager = `Bearer ${rival.token}`;
    const rivalClient = await as(rivalManager).post('/v1/clients', { name: 'Cabinet Rival' }).expect(201);
    const rivalTemplates = Object.fromEntries(((await as(rivalManager).get('/v1/rights-templates').expect(200)).body as { id: string; name: string }[]).map((t) => [t.name, t.id]));
    await as(rivalManager)
      .post('/v1/users', { rightsTemplateId: rivalTemplates.Client, clientId: rivalClient.body.id, firstName: 'Rémi', lastName: 'Rival', email: 'remi.rival@example.test' })
      .expect(201);
    expect(await ids(rivalManager, w.clientId)).toEqual([]);
    expect(await ids(w.manager, rivalClient.body.id)).toEqual([]);

    const malformed = await as(w.manager).get('/v1/users?clientId=dossier-1').expect(400);
    expect(malformed.body).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('clientId') });
  });

  it('refuses what the caller’s permissions do not allow, naming the permission', async () => {
    const response = await as(w.operator).post('/v1/users', { rightsTemplateId: w.templates.Operator, firstName: 'X', lastName: 'Y', email: 'x@example.test' }).expect(403);
    expect(response.body).toMatchObject({ code: 'permission_denied', details: { permission: 'accounts.manage' } });
    expect(response.body.message).toContain('accounts.manage');
    await as(w.clientAccount).get('/v1/users').expect(403);
  });

  it('answers malformed ids with 400 and unknown ids with 404', async () => {
    expect((await as(w.manager).get('/v1/users/not-a-uuid').expect(400)).body.code).toBe('invalid_id');
    expect((await as(w.manager).get('/v1/users/01a209b7-0000-7000-8000-000000000000').expect(404)).body.code).toBe('not_found');
  });

  it('shows a token once, lists tokens without secrets, and a revoked token stops at once', async () => {
    const created = await as(w.manager).post(`/v1/users/${w.operatorId}/tokens`, { name: 'tablette' }).expect(201);
    expect(created.body.token).toMatch(/^rls_/);
    await as(`Bearer ${created.body.token}`).get('/v1/me').expect(200);
    const list = await as(w.manager).get(`/v1/users/${w.operatorId}/tokens`).expect(200);
    expect(list.body.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['poste 1', 'tablette']));
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    await as(w.manager).del(`/v1/users/${w.operatorId}/tokens/${created.body.id}`).expect(204);
    expect((await as(`Bearer ${created.body.token}`).get('/v1/me').expect(401)).body.code).toBe('token_revoked');
    await as(w.operator).get('/v1/me').expect(200);
  });

  it('deactivating an account stops its tokens at once; reactivating restores them', async () => {
    await as(w.manager).patch(`/v1/users/${w.operatorId}`, { active: false }).expect(200);
    expect((await as(w.operator).get('/v1/me').expect(401)).body.code).toBe('account_inactive');
    await as(w.manager).patch(`/v1/users/${w.operatorId}`, { active: true }).expect(200);
    await as(w.operator).get('/v1/me').expect(200);
  });

  it('refuses to deactivate or demote the last manager (409), allows it once there is another', async () => {
    expect((await as(w.manager).patch(`/v1/users/${w.managerId}`, { active: false }).expect(409)).body.code).toBe('last_manager');
    expect((await as(w.manager).post(`/v1/rights-templates/${w.templates.Operator}/apply`, { userId: w.managerId }).expect(409)).body.code).toBe('last_manager');
    const second = await as(w.manager)
      .post('/v1/users', { rightsTemplateId: w.templates.Manager, firstName: 'Second', lastName: 'Manager', email: 'second.manager@example.test' })
      .expect(201);
    await as(w.manager).post(`/v1/rights-templates/${w.templates.Supervisor}/apply`, { userId: second.body.id }).expect(200);
    const demoted = await as(w.manager).get(`/v1/users/${second.body.id}`).expect(200);
    expect(demoted.body.role).toBe('supervisor');
  });

  it('refuses a "manager" template without accounts.manage and rights.manage on the only administrator', async () => {
    const hollow = await as(w.manager)
      .post('/v1/rights-templates', { name: 'Manager sans droits', kind: 'collaborator', role: 'manager', permissions: ['messages.read'] })
      .expect(201);
    const refused = await as(w.manager).post(`/v1/rights-templates/${hollow.body.id}/apply`, { userId: w.managerId }).expect(409);
    expect(refused.body).toMatchObject({ code: 'last_manager', message: expect.stringContaining('accounts.manage') });
    const me = await as(w.manager).get('/v1/me').expect(200);
    expect(me.body.permissions).toEqual(expect.arrayContaining(['accounts.manage', 'rights.manage']));
  });

  it('serializes concurrent demotions and deactivations: the company always keeps an administrator', async () => {
    for (const round of [1, 2, 3, 4]) {
      const company = await aCompany(env.api.app, `Course ${round}`);
      const first = `Bearer ${company.token}`;
      const templates = Object.fromEntries(
        ((await as(first).get('/v1/rights-templates').expect(200)).body as { id: string; name: string }[]).map((t) => [t.name, t.id]),
      );
      const second = await as(first)
        .post('/v1/users', { rightsTemplateId: templates.Manager, firstName: 'Deux', lastName: 'Ième', email: `second.${round}@example.test` })
        .expect(201);
      const secondToken = `Bearer ${(await as(first).post(`/v1/users/${second.body.id}/tokens`, { name: 'race' }).expect(201)).body.token}`;
      const [a, b] =
        round % 2 === 0
          ? await Promise.all([
              as(first).patch(`/v1/users/${second.body.id}`, { active: false }),
              as(secondToken).patch(`/v1/users/${company.userId}`, { active: false }),
            ])
          : await Promise.all([
              as(first).post(`/v1/rights-templates/${templates.Operator}/apply`, { userId: second.body.id }),
              as(secondToken).post(`/v1/rights-templates/${templates.Operator}/apply`, { userId: company.userId }),
            ]);
      // One wins; the other is refused as the last manager (or, if it authenticated after the
      // winner committed, for the permission or the account it no longer has).
      expect([a.status, b.status].filter((status) => status === 200)).toHaveLength(1);
      expect([409, 403, 401]).toContain(a.status === 200 ? b.status : a.status);
      const winner = a.status === 200 ? first : secondToken;
      const managers = await as(winner).get('/v1/users?role=manager&active=true').expect(200);
      expect(managers.body.items).toHaveLength(1);
    }
  });

  it('refuses to grant permissions the caller does not hold, naming them (403)', async () => {
    const recruiterTemplate = await as(w.manager)
      .post('/v1/rights-templates', { name: 'Recruteur', kind: 'collaborator', role: 'supervisor', permissions: ['accounts.read', 'accounts.manage'] })
      .expect(201);
    const readerTemplate = await as(w.manager)
      .post('/v1/rights-templates', { name: 'Lecteur comptes', kind: 'collaborator', role: 'operator', permissions: ['accounts.read'] })
      .expect(201);
    const recruiter = await as(w.manager)
      .post('/v1/users', { rightsTemplateId: recruiterTemplate.body.id, firstName: 'Rita', lastName: 'Recrute', email: 'rita@example.test' })
      .expect(201);
    const token = `Bearer ${(await as(w.manager).post(`/v1/users/${recruiter.body.id}/tokens`, { name: 'rh' }).expect(201)).body.token}`;

    const escalation = await as(token)
      .post('/v1/users', { rightsTemplateId: w.templates.Manager, firstName: 'Mal', lastName: 'Veillant', email: 'mal@example.test' })
      .expect(403);
    expect(escalation.body).toMatchObject({ code: 'permission_denied', details: { permission: expect.any(String) } });
    expect(escalation.body.details.permissions).toEqual(expect.arrayContaining(['rights.manage', 'audit.read', 'settings.manage']));
    expect(escalation.body.details.permissions).not.toContain('accounts.manage');
    expect(escalation.body.message).toContain('rights.manage');
    await as(w.manager).get('/v1/users?limit=200').expect(200).then((list) => {
      expect(list.body.items.map((u: { email: string }) => u.email)).not.toContain('mal@example.test');
    });

    await as(token)
      .post('/v1/users', { rightsTemplateId: readerTemplate.body.id, firstName: 'Léo', lastName: 'Lecteur', email: 'leo@example.test' })
      .expect(201);
  });

  it('refuses applying a template that grants more than the caller holds, even to themselves', async () => {
    const delegate = await as(w.manager)
      .post('/v1/rights-templates', { name: 'Délégué droits', kind: 'collaborator', role: 'supervisor', permissions: ['rights.manage', 'accounts.read'] })
      .expect(201);
    const user = await as(w.manager)
      .post('/v1/users', { rightsTemplateId: delegate.body.id, firstName: 'Dan', lastName: 'Délégué', email: 'dan@example.test' })
      .expect(201);
    const token = `Bearer ${(await as(w.manager).post(`/v1/users/${user.body.id}/tokens`, { name: 'd' }).expect(201)).body.token}`;
    const refused = await as(token).post(`/v1/rights-templates/${w.templates.Manager}/apply`, { userId: user.body.id }).expect(403);
    expect(refused.body.code).toBe('permission_denied');
    expect(refused.body.details.permissions).toContain('accounts.manage');
    expect((await as(w.manager).get(`/v1/users/${user.body.id}`).expect(200)).body.role).toBe('supervisor');
  });

  it('applying a template replaces role and permissions; editing the template later changes nothing until re-applied', async () => {
    const template = await as(w.manager)
      .post('/v1/rights-templates', { name: 'Lecture seule', kind: 'collaborator', role: 'operator', permissions: ['messages.read', 'clients.read'] })
      .expect(201);
    const applied = await as(w.manager).post(`/v1/rights-templates/${template.body.id}/apply`, { userId: w.operatorId }).expect(200);
    expect([...applied.body.permissions].sort()).toEqual(['clients.read', 'messages.read']);
    await as(w.operator).post('/v1/snippets', { title: 'x', text: 'y' }).expect(403);

    await as(w.manager).patch(`/v1/rights-templates/${template.body.id}`, { permissions: ['messages.read', 'clients.read', 'settings.manage'] }).expect(200);
    expect((await as(w.manager).get(`/v1/users/${w.operatorId}`).expect(200)).body.permissions).not.toContain('settings.manage');
    await as(w.operator).post('/v1/snippets', { title: 'x', text: 'y' }).expect(403);

    await as(w.manager).post(`/v1/rights-templates/${template.body.id}/apply`, { userId: w.operatorId }).expect(200);
    await as(w.operator).post('/v1/snippets', { title: 'x', text: 'y' }).expect(201);
    await as(w.manager).post(`/v1/rights-templates/${w.templates.Operator}/apply`, { userId: w.operatorId }).expect(200);
  });

  it('refuses a client template on a collaborator with 422 and the reason', async () => {
    const response = await as(w.manager).post(`/v1/rights-templates/${w.templates.Client}/apply`, { userId: w.operatorId }).expect(422);
    expect(response.body).toMatchObject({ code: 'rights_template_kind_mismatch', details: { accountKind: 'collaborator', templateKind: 'client' } });
  });

  it('validates templates: unknown permissions, a role on a client template, unknown fields', async () => {
    await as(w.manager).post('/v1/rights-templates', { name: 'X', kind: 'collaborator', role: 'operator', permissions: ['messages.fly'] }).expect(400);
    await as(w.manager).post('/v1/rights-templates', { name: 'Y', kind: 'client', role: 'manager', permissions: [] }).expect(400);
    await as(w.manager).post('/v1/rights-templates', { name: 'Z', kind: 'client', permissions: [], color: 'red' }).expect(400);
    expect((await as(w.manager).post('/v1/rights-templates', { name: 'Manager', kind: 'collaborator', role: 'manager', permissions: [] }).expect(409)).body.code).toBe('conflict');
  });
});
