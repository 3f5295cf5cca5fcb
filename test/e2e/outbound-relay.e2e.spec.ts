import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { DeliveryRelay } from '../../src/outbound/delivery-relay.service.js';
import { ThreadTags } from '../../src/conversations/thread-tags.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

/** The relay on its own (no worker here): outbox rows written with their message become deliveries. */
describe('outbound relay', () => {
  const env = useTestApi();

  it('composing writes one outbox row per recipient and channel; three relays draining at once take each row once', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Relais');
    const as = callerOf(http);
    const sql = <T>(query: string, params: unknown[] = []) => app.get(EntityManager).fork().getConnection().execute<T[]>(query, params);
    expect((await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@relais-batch.test', name: 'Relais' })).status).toBe(200);
    for (let i = 0; i < 8; i += 1) {
      const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: `Lot ${i}`, body: 'b', cc: [world.managerId], copies: ['email'] });
      expect(res.status).toBe(201);
      const rows = await sql<{ recipient_type: string; recipient_user_id: string | null; channel: string }>(
        `select recipient_type, recipient_user_id, channel from outbox_copy where conversation_id = ? order by recipient_type`,
        [res.body.id],
      );
      expect(rows).toEqual([
        { recipient_type: 'client', recipient_user_id: null, channel: 'email' },
        { recipient_type: 'user', recipient_user_id: world.managerId, channel: 'email' },
      ]);
    }
    const [{ n: pending }] = await sql<{ n: number }>(`select count(*)::int as n from outbox_copy where status = 'pending'`);
    expect(pending).toBeGreaterThanOrEqual(16);

    const relay = app.get(DeliveryRelay);
    const em = app.get(EntityManager);
    const taken = await Promise.all([1, 2, 3].map(() => RequestContext.create(em, () => relay.relayBatch())));
    // A relay keeps the rows it took locked until it committed them as relayed: the others skip them.
    expect(taken.reduce((a, b) => a + b, 0)).toBe(pending);
    const [counts] = await sql<{ copies: number; deliveries: number; left: number }>(
      `select (select count(*)::int from outbox_copy) as copies, (select count(*)::int from delivery) as deliveries,
              (select count(*)::int from outbox_copy where status = 'pending') as left`,
    );
    expect(counts).toEqual({ copies: counts.copies, deliveries: counts.copies, left: 0 });
  });

  it('thread tags: made in bulk where missing, one per thread, the same to concurrent callers', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Tags');
    const as = callerOf(http);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: `Tag ${i}`, body: 'b', copies: [] })).body.id as string);
    const addressing = app.get(ThreadTags);
    const one = await addressing.tagFor(world.companyId, ids[0]);
    const threads = new Map(ids.map((id) => [id, world.companyId]));
    const [first, second] = await Promise.all([addressing.tagsFor(threads), addressing.tagsFor(threads)]);
    expect(first).toEqual(second);
    expect(first.get(ids[0])).toBe(one);
    expect(new Set(first.values()).size).toBe(5);
    for (const tag of first.values()) expect(tag).toMatch(/^R-[0-9A-Z]{5}$/);
    const rows = await app.get(EntityManager).fork().getConnection().execute<{ n: number }[]>(
      `select count(*)::int as n from thread_tag where conversation_id in (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    expect(rows[0].n).toBe(5);
  });
});
