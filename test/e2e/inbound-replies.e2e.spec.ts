import { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { InboundAppend, type InboundEntryInput } from '../../src/conversations/inbound-append.js';
import { ReplyAlerts } from '../../src/outbound/reply-alerts.service.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** The batch write of inbound replies (email and SMS backlogs) on the real database. */
describe('inbound replies written as a batch', () => {
  const env = useTestApi();

  it('makes one reply and one history line per inbound key, ever: a key seen again, in the same call or a later one, answers its first reply', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Lots');
    const thread = (await callerOf(http)(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Lot', body: 'b', copies: [] }).expect(201)).body.id as string;
    const replies = app.get(InboundAppend);
    const sql = <T>(query: string, params: unknown[] = []) => app.get(EntityManager).fork().getConnection().execute<T[]>(query, params);
    const input = (key: string, body: string): InboundEntryInput => ({ conversationId: thread, origin: 'email', inboundKey: `email:${key}`, senderAddress: 'contact@durand.test', body });

    const first = await replies.appendMany([input('a', 'premier A'), input('b', 'B'), input('a', 'second A')]);
    expect(first.map((r) => [r.inboundKey, r.created])).toEqual([['email:a', true], ['email:b', true]]);

    const again = await replies.appendMany([input('c', 'C'), input('a', 'A encore')]);
    expect(again.map((r) => [r.inboundKey, r.created])).toEqual([['email:c', true], ['email:a', false]]);
    expect(again[1].entryId).toBe(first[0].entryId);

    const rows = await sql<{ id: string; inbound_key: string; body: string }>(`select id, inbound_key, body from conversation_entry where conversation_id = ? order by inbound_key`, [thread]);
    expect(rows.map((r) => [r.inbound_key, r.body])).toEqual([['email:a', 'premier A'], ['email:b', 'B'], ['email:c', 'C']]);
    expect(rows.map((r) => r.id)).toEqual([first[0].entryId, first[1].entryId, again[0].entryId]);
    const history = await sql<{ entry_id: string }>(`select details->>'replyId' as entry_id from conversation_event where conversation_id = ? and type = 'replied' order by 1`, [thread]);
    expect(history.map((h) => h.entry_id)).toEqual(rows.map((r) => r.id).sort());
  });

  it('alerts each thread’s author and the managers of a batch of replies, but never a reply’s own author, once each', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Alertes');
    const as = callerOf(http);
    const byOperator = (await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'A', body: 'b', copies: [] }).expect(201)).body.id as string;
    const byManager = (await as(world.manager).post(`/v1/clients/${world.clientId}/messages`, { subject: 'B', body: 'b', copies: [] }).expect(201)).body.id as string;
    const input = (conversationId: string, key: string, authorUserId: string | null): InboundEntryInput => ({
      conversationId, origin: 'email', inboundKey: `email:alerts-${key}`, senderAddress: 'contact@durand.test', body: key, authorUserId,
    });
    const alerts = app.get(ReplyAlerts);
    let made = 0;
    const appended = await app.get(InboundAppend).appendMany(
      [input(byOperator, 'client', null), input(byOperator, 'operator', world.operatorId), input(byManager, 'client-b', null)],
      async (em, rows) => {
        made = (await alerts.record(rows.map((r) => r.entryId), em)).length;
      },
    );
    const told = async (replyId: string) =>
      (await app.get(EntityManager).fork().getConnection().execute<{ recipient_user_id: string }[]>(
        `select recipient_user_id from delivery where kind = 'reply_alert' and entry_id = ? order by recipient_user_id`, [replyId],
      )).map((r) => r.recipient_user_id);
    expect(await told(appended[0].entryId)).toEqual([world.managerId, world.operatorId].sort());
    expect(await told(appended[1].entryId)).toEqual([world.managerId]);
    expect(await told(appended[2].entryId)).toEqual([world.managerId]);
    expect(made).toBe(4);
    // Recorded again (a re-run): nothing more.
    expect(await alerts.record(appended.map((r) => r.entryId), app.get(EntityManager).fork())).toEqual([]);
  });
});
