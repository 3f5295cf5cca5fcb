import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { routeTable, type RouteEntry } from '../../src/core/http/route-table.js';
import { InboundAppend } from '../../src/conversations/inbound-append.js';
import { QuarantineService } from '../../src/inbound/quarantine/quarantine.service.js';
import { DeliveryRelay } from '../../src/outbound/delivery-relay.service.js';
import { aCompany } from '../factories/accounts.factory.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { useTestApi } from '../harness/test-context.js';
import { useTwilioEndpoint } from '../harness/use-twilio-endpoint.js';

/**
 * The isolation matrix, generated from the application's route table: a manager of company B
 * (who holds every permission) calls every /v1 route with company A's ids. Routes with an id in
 * the path must answer 404 (never 200, never a 403 that would confirm the id exists); routes
 * without one must act on B only and never return A's rows. A new route without a case here fails.
 */
describe('tenant isolation matrix', () => {
  // Twilio confirms the SMS numbers A and B register (one account, a token each).
  const twilio = useTwilioEndpoint({
    accounts: { [`AC${'ab'.repeat(16)}`]: ['auth-token-of-company-a', 'auth-token-of-company-b'] },
    owned: { [`AC${'ab'.repeat(16)}`]: ['+33756799001', '+33756799002'] },
  });
  const env = useTestApi(twilio.configure);
  let a: CompanyWorld;
  let b: CompanyWorld;
  let aLinkId: string;
  let thirdCompanyId: string;
  let aIds: string[];
  let aDeliveryId: string;
  let aOptOutId: string;
  let aSmsNumberId: string;
  let aMailboxId: string;
  let aQuarantineId: string;
  let aRuleId: string;
  let aNoteId: string;
  let aDiscussionId: string;
  let aInterventionId: string;
  let aExchangeId: string;
  let aEntryId: string;

  beforeAll(async () => {
    a = await aCompanyWorld(env.api.app, env.api.http, 'Permanence A');
    b = await aCompanyWorld(env.api.app, env.api.http, 'Permanence B');
    thirdCompanyId = (await aCompany(env.api.app, 'Permanence C')).companyId;
    aLinkId = (await env.api.http.post('/v1/subcontracting/links').set('Authorization', a.manager).send({ partnerCompanyId: thirdCompanyId }).expect(201)).body.id;
    await env.api.http.post(`/v1/structures/${a.structureId}/members`).set('Authorization', a.manager).send({ userId: a.operatorId }).expect(201);
    // Outbound: A's copy relayed to a delivery, an opt-out and a template override of A; B's own senders.
    await RequestContext.create(env.api.app.get(EntityManager), () => env.api.app.get(DeliveryRelay).relayBatch());
    aDeliveryId = (await env.api.http.get('/v1/deliveries').set('Authorization', a.manager).expect(200)).body.items[0].id;
    aOptOutId = (await env.api.http.post('/v1/opt-outs').set('Authorization', a.manager).send({ channel: 'email', address: 'stop@a.test' }).expect(201)).body.id;
    await env.api.http.put('/v1/outbound-templates/email.copy.html').set('Authorization', a.manager).send({ source: `${A_TEMPLATE_MARKER} {{tag}}` }).expect(200);
    await env.api.http.put('/v1/channels/email-sender').set('Authorization', b.manager).send({ address: 'accueil@b.test', name: 'B' }).expect(200);
    await env.api.http.put('/v1/channels/fax').set('Authorization', b.manager).send({ addressPattern: '{number}@fax.b.test' }).expect(200);
    aSmsNumberId = (await env.api.http.post('/v1/channels/sms-numbers').set('Authorization', a.manager).send({ phoneNumber: '+33756799001', accountSid: SMS_ACCOUNT, authToken: 'auth-token-of-company-a' }).expect(201)).body.id;
    // Inbound email: a mailbox of A (not watched: no worker here) and an item in A's quarantine.
    const mailbox = { name: 'A', host: '127.0.0.1', port: 3143, secure: false, username: 'a', password: 'password-of-company-a', active: false };
    aMailboxId = (await env.api.http.post('/v1/channels/mailboxes').set('Authorization', a.manager).send(mailbox).expect(201)).body.id;
    aQuarantineId = (await env.api.app.get(QuarantineService).quarantine({ companyId: a.companyId, channel: 'email', sourceId: a.messageId, reason: 'no_thread' })).id;
    aRuleId = (await env.api.http.post('/v1/routing-rules').set('Authorization', a.manager).send({ name: 'Devis de A', conditions: { subjectKeywords: ['devis'] }, action: { type: 'open_message', clientId: a.clientId } }).expect(201)).body.id;
    // An intervention of A with one exchange (a draft, so it is sendable, editable and deletable).
    aInterventionId = (await env.api.http.post('/v1/interventions').set('Authorization', a.manager).send({ clientId: a.clientId, contactId: a.contactId, title: 'DIT de A' }).expect(201)).body.id;
    aExchangeId = (await env.api.http.post(`/v1/interventions/${aInterventionId}/exchanges`).set('Authorization', a.manager).send({ type: 'call', detail: 'Échange de A', draft: true }).expect(201)).body.id;
    await env.api.http.put('/v1/exchange-types/call').set('Authorization', a.manager).send({ label: A_TEMPLATE_MARKER }).expect(200);
    aNoteId = (await env.api.http.post('/v1/notes').set('Authorization', a.manager).send({ clientId: a.clientId, text: 'Note de A', alert: true }).expect(201)).body.id;
    // A discussion of A about A's worker, shown on its portal.
    aDiscussionId = (await env.api.http.post('/v1/discussions').set('Authorization', a.manager).send({ workerId: a.workerId, title: 'Discussion de A', body: 'Message de A', visible: true }).expect(201)).body.id;
    // A reply of A received by email with a file (its bytes are not needed: B must not even learn it exists).
    [{ entryId: aEntryId }] = await env.api.app.get(InboundAppend).appendMany([
      { conversationId: a.messageId, origin: 'email', inboundKey: 'email:a-file', senderAddress: 'contact@a.test', body: 'Pièce de A', attachments: [{ name: 'a.pdf', contentType: 'application/pdf', size: 3, location: `${a.companyId}/a/1-a.pdf` }] },
    ]);
    aIds = [a.companyId, aEntryId, a.workerId, aDiscussionId, a.managerId, a.operatorId, a.clientAccountId, a.clientId, a.otherClientId, a.contactId, a.instructionId,
      a.customTemplateId, a.structureId, a.copyCircleId, a.snippetId, a.tokenId, aLinkId, a.messageId, a.messageTemplateId,
      ...Object.values(a.templates), aDeliveryId, aOptOutId, aSmsNumberId, aMailboxId, aQuarantineId, aRuleId, aInterventionId, aExchangeId, aNoteId];
  });

  /** Which of A's ids goes in each path parameter, by the segment before it. */
  const pathIds = (): Record<string, string> => ({
    'users/:id': a.operatorId,
    'tokens/:tokenId': a.tokenId,
    'clients/:id': a.clientId,
    'contacts/:contactId': a.contactId,
    'instructions/:instructionId': a.instructionId,
    'rights-templates/:id': a.customTemplateId,
    'structures/:id': a.structureId,
    'members/:userId': a.operatorId,
    'snippets/:id': a.snippetId,
    'links/:id': aLinkId,
    'clients/:clientId': a.clientId,
    'messages/:id': a.messageId,
    'message-templates/:id': a.messageTemplateId,
    'deliveries/:id': aDeliveryId,
    'opt-outs/:id': aOptOutId,
    'sms-numbers/:id': aSmsNumberId,
    'mailboxes/:id': aMailboxId,
    'quarantine/:id': aQuarantineId,
    'routing-rules/:id': aRuleId,
    'notes/:id': aNoteId,
    'discussions/:id': aDiscussionId,
    'interventions/:id': aInterventionId,
    'exchanges/:id': aExchangeId,
    'entries/:entryId': aEntryId,
    // A position in the entry's files, not a record.
    'attachments/:index': '0',
    // Not a record of A: every company has the built-in types; B renames its own, never A's.
    'exchange-types/:key': 'call',
    // Not a record of A: every company has these templates; B sees its own version, never A's.
    'outbound-templates/:name': 'email.copy.html',
  });

  /** A body valid for each route that takes one, so validation cannot answer before the lookup. */
  const bodies = (): Record<string, object> => ({
    'POST /v1/clients': { name: 'Client B' },
    'PATCH /v1/clients/:id': { name: 'Renamed by B' },
    'POST /v1/clients/:id/contacts': { name: 'Contact by B' },
    'PATCH /v1/clients/:id/contacts/:contactId': { name: 'Renamed by B' },
    'POST /v1/clients/:id/instructions': { text: 'Instruction by B' },
    'PATCH /v1/clients/:id/instructions/:instructionId': { text: 'Changed by B' },
    'PATCH /v1/me': { firstName: 'Bernard' },
    'PATCH /v1/users/:id': { active: false },
    'POST /v1/users/:id/tokens': { name: 'stolen' },
    'POST /v1/rights-templates': { name: 'B template', kind: 'collaborator', role: 'operator', permissions: ['messages.read'] },
    'PATCH /v1/rights-templates/:id': { permissions: [] },
    'POST /v1/rights-templates/:id/apply': { userId: b.operatorId },
    // A's template, named in the body of a route without a path id: must be as unknown as in a path.
    'POST /v1/users': { rightsTemplateId: a.templates.Operator, firstName: 'X', lastName: 'Y', email: 'x.y@example.test' },
    'POST /v1/structures': { name: 'Structure B' },
    'PATCH /v1/structures/:id': { name: 'Renamed by B' },
    'POST /v1/structures/:id/members': { userId: b.operatorId },
    // Links span two companies by design: B may ask any company, here a third one.
    'POST /v1/subcontracting/links': { partnerCompanyId: thirdCompanyId },
    // A's message template as a default: as unknown to B as any other id of A.
    'PATCH /v1/settings/company': { messageInfo: 'B info', defaultMessageTemplateId: a.messageTemplateId },
    'PATCH /v1/settings/me': { messageInfo: 'mine', defaultMessageTemplateId: a.messageTemplateId },
    'PATCH /v1/users/:id/settings': { messageInfo: 'set by B' },
    'PUT /v1/banner': { text: 'Bannière B', audience: 'collaborators' },
    'POST /v1/snippets': { title: 'B', text: 'Phrase de B' },
    'PATCH /v1/snippets/:id': { title: 'Renamed by B' },
    'POST /v1/clients/:clientId/messages': { body: 'Message by B' },
    'POST /v1/messages/:id/replies': { body: 'Reply by B' },
    'PUT /v1/messages/:id/task': { action: 'set' },
    'PUT /v1/messages/:id/vad': { transmitted: true },
    'PATCH /v1/messages/:id': { vadCity: 'Ville de B' },
    'POST /v1/message-templates': { name: 'B', subject: 'B', body: 'B' },
    'PATCH /v1/message-templates/:id': { name: 'Renamed by B' },
    'POST /v1/deliveries/:id/retry': {},
    'POST /v1/opt-outs': { channel: 'sms', address: '+33699999999' },
    'PUT /v1/outbound-templates/:name': { source: 'B {{message.subject}}' },
    'POST /v1/outbound-templates/:name/preview': {},
    'PUT /v1/channels/email-sender': { address: 'accueil@b.test', name: 'B' },
    'PUT /v1/channels/fax': { addressPattern: '{number}@fax.b.test' },
    'POST /v1/channels/sms-numbers': { phoneNumber: '+33756799002', accountSid: SMS_ACCOUNT, authToken: 'auth-token-of-company-b' },
    'PATCH /v1/channels/sms-numbers/:id': { authToken: 'token-b-would-plant-on-a' },
    'POST /v1/channels/mailboxes': { name: 'B', host: '127.0.0.1', port: 3143, secure: false, username: 'b', password: 'password-of-b', active: false },
    'PATCH /v1/channels/mailboxes/:id': { password: 'password-b-would-plant-on-a' },
    'POST /v1/channels/mailboxes/:id/test': {},
    'POST /v1/quarantine/:id/assign': { messageId: b.messageId },
    'POST /v1/quarantine/:id/discard': { reason: 'discarded by B' },
    'POST /v1/quarantine/:id/open': { clientId: b.clientId },
    'POST /v1/quarantine/:id/rerun': {},
    // Per-id results: an id nobody has (A's is refused alike, see the routing spec), answered 200 with its own refusal.
    'POST /v1/quarantine/bulk': { action: 'discard', ids: ['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'], reason: 'bulk by B' },
    'POST /v1/routing-rules': { name: 'Rule of B', conditions: { channel: 'sms' }, action: { type: 'drop' } },
    // A's client file named in B's note: as unknown as in a path.
    'POST /v1/notes': { clientId: a.clientId, text: 'Note de B' },
    'PATCH /v1/notes/:id': { text: 'Changée par B' },
    'POST /v1/notes/:id/dismiss': {},
    // A's client file named in B's discussion: as unknown as in a path.
    'POST /v1/discussions': { clientId: a.clientId, title: 'Discussion de B', body: 'Message de B' },
    'PATCH /v1/discussions/:id': { visible: false },
    'POST /v1/discussions/:id/replies': { body: 'Réponse de B' },
    'PATCH /v1/routing-rules/:id': { name: 'Renamed by B', enabled: false },
    // A's rule named in B's reorder: as unknown as in a path.
    'POST /v1/routing-rules/reorder': { ids: [aRuleId] },
    // A's quarantined item, tried against B's rules: as unknown to B as any other id of A.
    'POST /v1/routing-rules/dry-run': { quarantineItemId: aQuarantineId },
    'POST /v1/interventions': { clientId: b.clientId, title: 'DIT de B' },
    'PATCH /v1/interventions/:id': { title: 'Renamed by B' },
    'POST /v1/interventions/:id/exchanges': { type: 'call', detail: 'Échange de B' },
    'PATCH /v1/exchanges/:id': { detail: 'Changed by B' },
    'POST /v1/exchanges/:id/send': {},
    'PUT /v1/exchange-types/:key': { label: 'Appel de B' },
    // Signing in names no record: B's manager has no password, so this is refused like any wrong one.
    'POST /v1/session': { email: 'nobody@example.test', password: 'not a password of anyone' },
    'POST /v1/password-resets': { email: 'nobody@example.test' },
    'POST /v1/password': { token: 'not-a-link-token', password: 'not a password of anyone' },
    'POST /v1/users/:id/invitation': {},
  });

  /** Query strings a GET needs to be valid. */
  const queries: Record<string, string> = {
    'GET /v1/tasks/day-counts': '?from=2026-01-01&to=2026-12-31',
    'GET /v1/clients/:clientId/messages/digest.pdf': '?from=2026-01-01&to=2026-12-31',
  };

  /** Routes without a path id whose body names one of A's records: refused as unknown. */
  const bodyNamesA = new Set(['POST /v1/users', 'PATCH /v1/settings/company', 'PATCH /v1/settings/me', 'POST /v1/routing-rules/dry-run', 'POST /v1/routing-rules/reorder', 'POST /v1/notes', 'POST /v1/discussions']);

  /** Signing-in routes called with B's bearer token, not a session: refused, whatever company. */
  const publicRefusals: Record<string, number> = { 'POST /v1/session': 401, 'GET /v1/session': 401, 'POST /v1/password': 400 };

  /** Routes whose path parameter names something every company has (a template name), not a record of A. */
  const sharedNames = new Set(['PUT /v1/exchange-types/:key', 'GET /v1/outbound-templates/:name', 'PUT /v1/outbound-templates/:name', 'DELETE /v1/outbound-templates/:name', 'POST /v1/outbound-templates/:name/preview']);
  const A_TEMPLATE_MARKER = 'Override of company A';
  const SMS_ACCOUNT = `AC${'ab'.repeat(16)}`;

  /** The route's path with A's ids in it, or the parameters nobody said which id of A to use for. */
  function fill(route: RouteEntry): { url: string; missing: string[] } {
    const ids = pathIds();
    const missing: string[] = [];
    const url = route.path.replace(/([\w-]+)\/:(\w+)/g, (whole, segment: string) => {
      const id = ids[whole];
      if (!id) missing.push(whole);
      return `${segment}/${id}`;
    });
    return { url, missing };
  }

  it('covers every /v1 route and never lets B see or touch A', async () => {
    // The live-event stream never ends; its isolation has a spec of its own (messages).
    const routes = routeTable(env.api.app).filter((route) => route.path.startsWith('/v1/') && !route.sse);
    const writes = new Set(['POST', 'PUT', 'PATCH']);
    const failures: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const body = bodies()[key];
      if (writes.has(route.method) && !body && !route.path.match(/\/(accept|end|restore|read)$/)) {
        failures.push(`${key}: no sample body (add one to bodies)`);
        continue;
      }
      const { url, missing } = fill(route);
      if (missing.length > 0) {
        failures.push(`${key}: no id of company A for ${missing.join(', ')} (add it to pathIds)`);
        continue;
      }
      const request = env.api.http[route.method.toLowerCase() as 'get'](url + (queries[key] ?? '')).set('Authorization', b.manager);
      const response = await (body ? request.send(body) : request);
      if (publicRefusals[key]) {
        if (response.status !== publicRefusals[key]) failures.push(`${key} → ${response.status}, expected ${publicRefusals[key]}`);
        continue;
      }
      const mustBeUnknown = (route.path.includes('/:') && !sharedNames.has(key)) || bodyNamesA.has(key);
      if (mustBeUnknown && response.status !== 404) failures.push(`${key} → ${response.status}, expected 404`);
      if (!mustBeUnknown && (response.status < 200 || response.status >= 300)) failures.push(`${key} → ${response.status}: ${response.text}`);
      const leaked = aIds.filter((id) => response.text.includes(id));
      if (leaked.length > 0) failures.push(`${key} leaked ${leaked.length} id(s) of company A`);
      if (response.text.includes(A_TEMPLATE_MARKER)) failures.push(`${key} leaked company A's template override`);
    }
    expect(failures).toEqual([]);
    // 75 when issue 3 closed; other issues add theirs (each needing its ids and bodies above).
    expect(routes.length).toBeGreaterThanOrEqual(75);
  });

  it('leaves A exactly as it was', async () => {
    const client = await env.api.http.get(`/v1/clients/${a.clientId}`).set('Authorization', a.manager).expect(200);
    expect(client.body.name).toBe('Cabinet Médical Durand');
    await env.api.http.get('/v1/me').set('Authorization', a.operator).expect(200);
    const template = await env.api.http.get(`/v1/rights-templates/${a.customTemplateId}`).set('Authorization', a.manager).expect(200);
    expect(template.body.permissions).toEqual(['messages.read']);
    const members = await env.api.http.get(`/v1/structures/${a.structureId}/members`).set('Authorization', a.manager).expect(200);
    expect(members.body.map((m: { userId: string }) => m.userId)).toEqual([a.operatorId]);
    const contacts = await env.api.http.get(`/v1/clients/${a.clientId}/contacts`).set('Authorization', a.manager).expect(200);
    expect(contacts.body).toHaveLength(1);
    const thread = await env.api.http.get(`/v1/messages/${a.messageId}`).set('Authorization', a.manager).expect(200);
    expect(thread.body).toMatchObject({ replies: [{ id: aEntryId, body: 'Pièce de A' }], task: { state: 'none' }, vad: null, deleted: false });
    const intervention = await env.api.http.get(`/v1/interventions/${aInterventionId}`).set('Authorization', a.manager).expect(200);
    expect(intervention.body.title).toBe('DIT de A');
    const exchange = await env.api.http.get(`/v1/exchanges/${aExchangeId}`).set('Authorization', a.manager).expect(200);
    expect(exchange.body).toMatchObject({ detail: 'Échange de A', status: 'draft' });
    const discussion = await env.api.http.get(`/v1/discussions/${aDiscussionId}`).set('Authorization', a.manager).expect(200);
    expect(discussion.body).toMatchObject({ title: 'Discussion de A', visible: true, replyCount: 0 });
  });

  it('never shows A’s discussions to B’s portal accounts (client, worker), nor lets them answer one', async () => {
    for (const portal of [b.clientAccount, b.worker]) {
      expect((await env.api.http.get(`/v1/discussions/${aDiscussionId}`).set('Authorization', portal)).status).toBe(404);
      expect((await env.api.http.get(`/v1/discussions/${aDiscussionId}/replies`).set('Authorization', portal)).status).toBe(404);
      expect((await env.api.http.post(`/v1/discussions/${aDiscussionId}/replies`).set('Authorization', portal).send({ body: 'Intrus' })).status).toBe(404);
      const listed = await env.api.http.get('/v1/discussions').set('Authorization', portal).expect(200);
      expect(listed.text).not.toContain(aDiscussionId);
    }
  });

  it('also refuses A’s records named in a body under B’s own path', async () => {
    const applyToA = await env.api.http
      .post(`/v1/rights-templates/${b.templates.Manager}/apply`)
      .set('Authorization', b.manager)
      .send({ userId: a.operatorId });
    expect(applyToA.status).toBe(404);
    const clientOfA = await env.api.http
      .post('/v1/users')
      .set('Authorization', b.manager)
      .send({ rightsTemplateId: b.templates.Client, clientId: a.clientId, firstName: 'X', lastName: 'Y', email: 'spy@example.test' });
    expect(clientOfA.status).toBe(404);
  });
});
