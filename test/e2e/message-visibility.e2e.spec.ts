import { beforeAll, describe, expect, it } from '@jest/globals';
import { aCompany } from '../factories/accounts.factory.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

type Account = 'manager' | 'supervisor' | 'author' | 'operator' | 'client' | 'otherClient' | 'subcontractor' | 'lateSubcontractor';
type Kind = 'shared' | 'private' | 'remark';

/**
 * Account kind × message kind: who lists, reads, replies to and acts on each message. One policy
 * answers all four; this table is the specification of it.
 */
const CAN_SEE: Record<Kind, Account[]> = {
  // Written by an operator, copied to the circle: the company, the file's client, the subcontractor
  // who was in the circle before it was posted.
  shared: ['manager', 'supervisor', 'author', 'operator', 'client', 'subcontractor'],
  // Private, CC to one operator: its author, that operator and the client it is addressed to.
  private: ['author', 'operator', 'client'],
  // A client's remark: managers, supervisors and the client who wrote it.
  remark: ['manager', 'supervisor', 'client'],
};
const ACCOUNTS: Account[] = ['manager', 'supervisor', 'author', 'operator', 'client', 'otherClient', 'subcontractor', 'lateSubcontractor'];

describe('message visibility', () => {
  const env = useTestApi();
  const as = (token: string) => callerOf(env.api.http)(token);
  let w: CompanyWorld;
  const tokens = {} as Record<Account, string>;
  const messages = {} as Record<Kind, string>;
  let linkId: string;
  let partnerManager: string;

  async function account(rightsTemplateId: string, extra: object = {}): Promise<{ id: string; token: string }> {
    const email = `${Math.random().toString(36).slice(2, 10)}@example.test`;
    const user = await as(w.manager).post('/v1/users', { rightsTemplateId, firstName: 'A', lastName: 'B', email, ...extra }).expect(201);
    const token = await as(w.manager).post(`/v1/users/${user.body.id}/tokens`, { name: 't' }).expect(201);
    return { id: user.body.id, token: `Bearer ${token.body.token}` };
  }

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
    const operator = await account(w.templates.Operator);
    tokens.manager = w.manager;
    tokens.supervisor = (await account(w.templates.Supervisor)).token;
    tokens.author = w.operator;
    tokens.operator = operator.token;
    tokens.client = w.clientAccount;
    tokens.otherClient = (await account(w.templates.Client, { clientId: w.otherClientId })).token;

    const partner = await aCompany(env.api.app, 'Sous-traitant');
    partnerManager = `Bearer ${partner.token}`;
    linkId = (await as(w.manager).post('/v1/subcontracting/links', { partnerCompanyId: partner.companyId }).expect(201)).body.id;
    await as(partnerManager).post(`/v1/subcontracting/links/${linkId}/accept`).expect(200);
    await as(w.manager).post(`/v1/structures/${w.copyCircleId}/members`, { userId: partner.userId }).expect(201);
    tokens.subcontractor = partnerManager;

    const compose = (token: string, body: object) => as(token).post(`/v1/clients/${w.clientId}/messages`, body).expect(201);
    messages.shared = (await compose(w.operator, { body: 'Partagé avec le cercle', copyCircle: true })).body.id;
    messages.private = (await compose(w.operator, { body: 'Privé', private: true, copyCircle: true, cc: [operator.id] })).body.id;
    messages.remark = (await compose(w.clientAccount, { body: 'Remarque', remark: true })).body.id;

    // Joins the circle after the messages were posted: sees none of them.
    const late = await as(partnerManager)
      .post('/v1/users', { rightsTemplateId: await operatorTemplateOf(partnerManager), firstName: 'L', lastName: 'T', email: 'late@example.test' })
      .expect(201);
    const lateToken = await as(partnerManager).post(`/v1/users/${late.body.id}/tokens`, { name: 't' }).expect(201);
    tokens.lateSubcontractor = `Bearer ${lateToken.body.token}`;
    await as(w.manager).post(`/v1/structures/${w.copyCircleId}/members`, { userId: late.body.id }).expect(201);
  });

  async function operatorTemplateOf(manager: string): Promise<string> {
    const templates = await as(manager).get('/v1/rights-templates').expect(200);
    return (templates.body as { id: string; name: string }[]).find((t) => t.name === 'Operator')!.id;
  }

  async function listed(account: Account): Promise<string[]> {
    const path = account.endsWith('ubcontractor')
      ? '/v1/subcontracting/messages?limit=200'
      : `/v1/clients/${account === 'otherClient' ? w.otherClientId : w.clientId}/messages?limit=200`;
    const response = await as(tokens[account]).get(path).expect(200);
    return response.body.items.map((m: { id: string }) => m.id);
  }

  for (const kind of ['shared', 'private', 'remark'] as Kind[]) {
    for (const account of ACCOUNTS) {
      const allowed = CAN_SEE[kind].includes(account);
      it(`${kind} message: ${account} ${allowed ? 'lists, reads and replies' : 'neither lists, reads nor replies'}`, async () => {
        expect((await listed(account)).includes(messages[kind])).toBe(allowed);
        await as(tokens[account]).get(`/v1/messages/${messages[kind]}`).expect(allowed ? 200 : 404);
        await as(tokens[account]).post(`/v1/messages/${messages[kind]}/replies`, { body: `réponse de ${account}` }).expect(allowed ? 201 : 404);
        if (!['client', 'otherClient'].includes(account)) {
          await as(tokens[account]).put(`/v1/messages/${messages[kind]}/read`).expect(allowed ? 204 : 404);
          await as(tokens[account]).put(`/v1/messages/${messages[kind]}/task`, { action: 'set' }).expect(allowed ? 200 : 404);
        }
      });
    }
  }

  it('filters the subcontracting view by company, task and urgent', async () => {
    const urgent = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Urgent partagé', urgent: true, copyCircle: true }).expect(201);
    const byUrgent = await as(partnerManager).get('/v1/subcontracting/messages?urgent=true').expect(200);
    expect(byUrgent.body.items.map((m: { id: string }) => m.id)).toEqual([urgent.body.id]);
    const byCompany = await as(partnerManager).get(`/v1/subcontracting/messages?companyId=${w.companyId}&task=true`).expect(200);
    expect(byCompany.body.items.map((m: { id: string }) => m.id)).toEqual([messages.shared]);
  });

  it('loses a subcontractor’s access at once when the link ends', async () => {
    await as(partnerManager).get(`/v1/messages/${messages.shared}`).expect(200);
    await as(w.manager).post(`/v1/subcontracting/links/${linkId}/end`).expect(200);
    await as(partnerManager).get(`/v1/messages/${messages.shared}`).expect(404);
    expect((await as(partnerManager).get('/v1/subcontracting/messages').expect(200)).body.items).toEqual([]);
  });
});
