import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ConversationEvent, ConversationEntry, OutboxCopy } from '../../src/conversations/conversation.entity.js';
import { DeliveryRelay } from '../../src/outbound/delivery-relay.service.js';
import { aCompany } from '../factories/accounts.factory.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

type Account = 'manager' | 'supervisor' | 'author' | 'operator' | 'client' | 'secretary' | 'otherClient' | 'subcontractor' | 'lateSubcontractor';
type Kind = 'shared' | 'plain' | 'private' | 'remark';

/**
 * Account kind × message kind: who lists, reads, replies to and acts on each message. One policy
 * answers all four; this table is the specification of it.
 */
const CAN_SEE: Record<Kind, Account[]> = {
  // Written by an operator, copied to the circle: the company, the file's client and secretary, the
  // subcontractor who was in the circle before it was posted.
  shared: ['manager', 'supervisor', 'author', 'operator', 'client', 'secretary', 'subcontractor'],
  // Not copied to the circle: the company and the file's accounts, no subcontractor.
  plain: ['manager', 'supervisor', 'author', 'operator', 'client', 'secretary'],
  // Private, CC to one operator: its author, that operator and the client file it is addressed to.
  private: ['author', 'operator', 'client', 'secretary'],
  // A client's remark: managers, supervisors and the client who wrote it (not the secretary).
  remark: ['manager', 'supervisor', 'client'],
};
const ACCOUNTS: Account[] = ['manager', 'supervisor', 'author', 'operator', 'client', 'secretary', 'otherClient', 'subcontractor', 'lateSubcontractor'];
const CLIENT_SIDE: Account[] = ['client', 'secretary', 'otherClient'];
const SUBCONTRACTORS: Account[] = ['subcontractor', 'lateSubcontractor'];

/**
 * What a caller who sees the message may do besides reading and replying (SPEC §1, §3): the
 * company's collaborators everything; subcontractors reply and set as task only (403 otherwise);
 * client and secretary accounts write and reply, and keep their own lists (delete, restore), but
 * neither handle tasks nor VADs (403). Whoever cannot see the message gets 404 for every act.
 */
function expectedAct(account: Account, allowed: boolean, act: 'task.set' | 'task.done' | 'list' | 'vad', ok: number): number {
  if (!allowed) return 404;
  if (SUBCONTRACTORS.includes(account)) return act === 'task.set' ? ok : 403;
  if (CLIENT_SIDE.includes(account)) return act === 'list' ? ok : 403;
  return ok;
}

describe('message visibility', () => {
  const env = useTestApi();
  const as = (token: string) => callerOf(env.api.http)(token);
  let w: CompanyWorld;
  const tokens = {} as Record<Account, string>;
  const messages = {} as Record<Kind, string>;
  let linkId: string;
  let partnerManager: string;
  let partnerCompanyId: string;
  let partnerUserId: string;
  const em = () => env.api.app.get(EntityManager).fork();

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
    tokens.secretary = (await account(w.templates.Secretary, { clientId: w.clientId })).token;
    tokens.otherClient = (await account(w.templates.Client, { clientId: w.otherClientId })).token;

    const partner = await aCompany(env.api.app, 'Sous-traitant');
    partnerManager = `Bearer ${partner.token}`;
    partnerCompanyId = partner.companyId;
    partnerUserId = partner.userId;
    linkId = (await as(w.manager).post('/v1/subcontracting/links', { partnerCompanyId: partner.companyId }).expect(201)).body.id;
    await as(partnerManager).post(`/v1/subcontracting/links/${linkId}/accept`).expect(200);
    await as(w.manager).post(`/v1/structures/${w.copyCircleId}/members`, { userId: partner.userId }).expect(201);
    tokens.subcontractor = partnerManager;

    const compose = (token: string, body: object) => as(token).post(`/v1/clients/${w.clientId}/messages`, body).expect(201);
    messages.shared = (await compose(w.operator, { body: 'Partagé avec le cercle', copyCircle: true })).body.id;
    messages.plain = (await compose(w.operator, { body: 'Sans copie au cercle' })).body.id;
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
    const path = SUBCONTRACTORS.includes(account)
      ? '/v1/subcontracting/messages?limit=200'
      : `/v1/clients/${account === 'otherClient' ? w.otherClientId : w.clientId}/messages?filter=all&limit=200`;
    const response = await as(tokens[account]).get(path).expect(200);
    return response.body.items.map((m: { id: string }) => m.id);
  }

  for (const kind of ['shared', 'plain', 'private', 'remark'] as Kind[]) {
    for (const account of ACCOUNTS) {
      const allowed = CAN_SEE[kind].includes(account);
      it(`${kind} message: ${account} ${allowed ? 'lists, reads and replies' : 'neither lists, reads, replies nor acts (404)'}`, async () => {
        const id = messages[kind];
        const caller = as(tokens[account]);
        expect((await listed(account)).includes(id)).toBe(allowed);
        await caller.get(`/v1/messages/${id}`).expect(allowed ? 200 : 404);
        await caller.post(`/v1/messages/${id}/replies`, { body: `réponse de ${account}` }).expect(allowed ? 201 : 404);
        await caller.put(`/v1/messages/${id}/read`).expect(allowed ? 204 : 404);
        await caller.post(`/v1/messages/${id}/replies`, { body: 'et à faire', setTask: true }).expect(expectedAct(account, allowed, 'task.set', 201));
        await caller.put(`/v1/messages/${id}/task`, { action: 'set' }).expect(expectedAct(account, allowed, 'task.set', 200));
        await caller.put(`/v1/messages/${id}/task`, { action: 'done' }).expect(expectedAct(account, allowed, 'task.done', 200));
        await caller.put(`/v1/messages/${id}/task`, { action: 'cancel' }).expect(expectedAct(account, allowed, 'task.done', 200));
        await caller.del(`/v1/messages/${id}`).expect(expectedAct(account, allowed, 'list', 204));
        await caller.post(`/v1/messages/${id}/restore`).expect(expectedAct(account, allowed, 'list', 204));
        if (!CLIENT_SIDE.includes(account)) {
          // Client-side accounts lack messages.vad.manage: the route refuses them (403) before looking.
          await caller.put(`/v1/messages/${id}/vad`, { transmitted: true }).expect(expectedAct(account, allowed, 'vad', 409));
          await caller.patch(`/v1/messages/${id}`, { vadCity: 'Lyon' }).expect(expectedAct(account, allowed, 'vad', 409));
        }
      });
    }
  }

  it('writes a subcontractor’s reply, history and copies under the message’s company', async () => {
    const replies = await em().find(ConversationEntry, { conversationId: messages.shared, authorId: partnerUserId });
    expect(replies).toHaveLength(2);
    const events = await em().find(ConversationEvent, { conversationId: messages.shared, actorId: partnerUserId });
    expect(events.map((e) => e.type).sort()).toEqual(['replied', 'replied', 'task.set']);
    const copies = await em().find(OutboxCopy, { entryId: { $in: replies.map((r) => r.id) } });
    expect(copies.length).toBeGreaterThan(0);
    for (const row of [...replies, ...events, ...copies]) expect(row.companyId).toBe(w.companyId);
    expect(await em().count(OutboxCopy, { companyId: partnerCompanyId })).toBe(0);
    // The copies' recipients and statuses are the company's business: its staff see them on the thread, the subcontractor none.
    await RequestContext.create(env.api.app.get(EntityManager), () => env.api.app.get(DeliveryRelay).relayBatch());
    expect((await as(w.manager).get(`/v1/messages/${messages.shared}`).expect(200)).body.copies.length).toBeGreaterThan(0);
    expect((await as(partnerManager).get(`/v1/messages/${messages.shared}`).expect(200)).body.copies).toEqual([]);
  });

  it('keeps others’ shared messages out of a subcontractor’s own tasks, urgent, day counts and VAD views', async () => {
    const shared = await as(w.operator)
      .post(`/v1/clients/${w.clientId}/messages`, { body: 'Tout à la fois', copyCircle: true, urgent: true, dueDate: '2026-12-18', vad: true, vadPlannedAt: '2026-12-18T09:00:00Z' })
      .expect(201);
    const ids = async (path: string) => (await as(partnerManager).get(path).expect(200)).body.items.map((m: { id: string }) => m.id);
    expect(await ids('/v1/subcontracting/messages?limit=200')).toContain(shared.body.id);
    for (const path of ['/v1/tasks?limit=200', '/v1/messages/urgent?limit=200', '/v1/messages/unread?limit=200', '/v1/vad/untransmitted?limit=200']) expect(await ids(path)).toEqual([]);
    expect((await as(partnerManager).get('/v1/tasks/day-counts?from=2026-12-01&to=2026-12-31').expect(200)).body).toEqual([]);
    expect((await as(w.manager).get('/v1/tasks/day-counts?from=2026-12-18&to=2026-12-18').expect(200)).body).toEqual([{ date: '2026-12-18', count: 1 }]);
  });

  it('filters the subcontracting view by company, task and urgent', async () => {
    const urgent = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Urgent partagé', urgent: true, copyCircle: true }).expect(201);
    const ids = async (query: string) => (await as(partnerManager).get(`/v1/subcontracting/messages?limit=200${query}`).expect(200)).body.items.map((m: { id: string }) => m.id);
    // The shared message was left a task to do by the subcontractor's "reply + set as task" above.
    expect(await ids('&urgent=true')).toContain(urgent.body.id);
    expect(await ids('&urgent=true')).not.toContain(messages.shared);
    expect(await ids(`&companyId=${w.companyId}&task=true`)).toContain(messages.shared);
    expect(await ids(`&companyId=${w.companyId}&task=true`)).not.toContain(urgent.body.id);
    expect(await ids('&task=false')).toContain(urgent.body.id);
    expect(await ids(`&companyId=${partnerCompanyId}`)).toEqual([]);
  });

  it('names the company and the client file of each shared message (a subcontractor cannot look their ids up)', async () => {
    const page = await as(partnerManager).get(`/v1/subcontracting/messages?limit=200&companyId=${w.companyId}`).expect(200);
    const shared = (page.body.items as { id: string; companyName: string; clientName: string }[]).find((m) => m.id === messages.shared);
    expect(shared).toMatchObject({ companyId: w.companyId, companyName: 'Permanence Test', clientName: 'Cabinet Médical Durand' });
    await as(partnerManager).get(`/v1/clients/${w.clientId}`).expect(404);
  });

  it('loses a subcontractor’s access at once when the link ends', async () => {
    await as(partnerManager).get(`/v1/messages/${messages.shared}`).expect(200);
    await as(w.manager).post(`/v1/subcontracting/links/${linkId}/end`).expect(200);
    await as(partnerManager).get(`/v1/messages/${messages.shared}`).expect(404);
    expect((await as(partnerManager).get('/v1/subcontracting/messages').expect(200)).body.items).toEqual([]);
  });
});
