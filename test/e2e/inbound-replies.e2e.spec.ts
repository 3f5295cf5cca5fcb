import { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { InboundReplies } from '../../src/messages/inbound-replies.js';
import { ReplyAlerts } from '../../src/outbound/reply-alerts.service.js';
import type { InboundReplyInput } from '../../src/messages/messages.service.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** The batch write of inbound replies (email and SMS backlogs) on the real database. */
describe('inbound replies written as a batch', () => {
  const env = useTestApi();

  it('makes one reply and one history line per inbound key, ever: a key seen again, in the same call or a later one, answers its first reply', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Lots');
    const thread = (await callerOf(http)(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Lot', body: 'b', copies: [] }).expect(201)).body.id as string;
    const replies = app.get(InboundReplies);
    const sql = <T>(query: string, params: unknown[] = []) => app.get(EntityManager).fork().getConnection().execute<T[]>(query, params);
    const input = (key: string, body: string): InboundReplyInput => ({ messageId: thread, origin: 'email', inboundKey: `email:${key}`, senderAddress: 'contact@durand.test', body });

    const first = await replies.appendMany([input('a', 'premier A'), input('b', 'B'), input('a', 'second A')]);
    expect(first.map((r) => [r.inboundKey, r.created])).toEqual([['email:a', true], ['email:b', true]]);

    const again = await replies.appendMany([input('c', 'C'), input('a', 'A encore')]);
    expect(again.map((r) => [r.inboundKey, r.created])).toEqual([['email:c', true], ['email:a', false]]);
    expect(again[1].replyId).toBe(first[0].replyId);

    const rows = await sql<{ id: string; inbound_key: string; body: string }>(`select id, inbound_key, body from message_reply where message_id = ? order by inbound_key`, [thread]);
    expect(rows.map((r) => [r.inbound_key, r.body])).toEqual([['email:a', 'premier A'], ['email:b', 'B'], ['email:c', 'C']]);
    expect(rows.map((r) => r.id)).toEqual([first[0].replyId, first[1].replyId, again[0].replyId]);
    const history = await sql<{ reply_id: string }>(`select details->>'replyId' as reply_id from message_event where message_id = ? and type = 'replied' order by 1`, [thread]);
    expect(history.map((h) => h.reply_id)).toEqual(rows.map((r) => r.id).sort());
  });

  it('alerts each thread’s author and the managers of a batch of replies, but never a reply’s own author, once each', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Alertes');
    const as = callerOf(http);
    const byOperator = (await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'A', body: 'b', copies: [] }).expect(201)).body.id as string;
    const byManager = (await as(world.manager).post(`/v1/clients/${world.clientId}/messages`, { subject: 'B', body: 'b', copies: [] }).expect(201)).body.id as string;
    const input = (messageId: string, key: string, authorUserId: string | null): InboundReplyInput => ({
      messageId, origin: 'email', inboundKey: `email:alerts-${key}`, senderAddress: 'contact@durand.test', body: key, authorUserId,
    });
    const alerts = app.get(ReplyAlerts);
    let made = 0;
    const appended = await app.get(InboundReplies).appendMany(
      [input(byOperator, 'client', null), input(byOperator, 'operator', world.operatorId), input(byManager, 'client-b', null)],
      async (sql, rows) => {
        made = (await alerts.record(rows.map((r) => r.replyId), (query, params) => sql(query, params))).length;
      },
    );
    const told = async (replyId: string) =>
      (await app.get(EntityManager).fork().getConnection().execute<{ recipient_user_id: string }[]>(
        `select recipient_user_id from delivery where kind = 'reply_alert' and reply_id = ? order by recipient_user_id`, [replyId],
      )).map((r) => r.recipient_user_id);
    expect(await told(appended[0].replyId)).toEqual([world.managerId, world.operatorId].sort());
    expect(await told(appended[1].replyId)).toEqual([world.managerId]);
    expect(await told(appended[2].replyId)).toEqual([world.managerId]);
    expect(made).toBe(4);
    // Recorded again (a re-run): nothing more.
    expect(await alerts.record(appended.map((r) => r.replyId), (query, params) => boundSql(app.get(EntityManager).fork(), query, params))).toEqual([]);
  });
});
