import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { describe, expect, it } from '@jest/globals';
import { DeliveryRelay } from '../../src/outbound/delivery-relay.service.js';
import { aCompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

interface Copy {
  id: string;
  entryId: string | null;
  channel: string;
  address: string | null;
  status: string;
  failureReason: string | null;
  optedOut: boolean;
}

describe('a thread shows its staff where each copy stands', () => {
  const env = useTestApi();

  it('lists the copies of the first post and of each reply with their status; client accounts see none; retry stays for outbound.manage', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Copies');
    const as = callerOf(http);
    const sql = <T>(query: string, params: unknown[] = []) => app.get(EntityManager).fork().getConnection().execute<T[]>(query, params);
    const relay = () => RequestContext.create(app.get(EntityManager), () => app.get(DeliveryRelay).relayBatch());
    await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@copies.test', name: 'Copies' }).expect(200);
    const thread = (await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Rappel', body: 'Rappeler Mme Roux.', copies: ['email'] }).expect(201)).body.id as string;
    await relay();
    const reply = (await as(world.operator).post(`/v1/messages/${thread}/replies`, { body: 'Fait.', copies: ['email', 'sms'] }).expect(201)).body.replies[0].id as string;
    await relay();

    const copies = async (caller: string): Promise<Copy[]> => (await as(caller).get(`/v1/messages/${thread}`).expect(200)).body.copies as Copy[];
    const seen = await copies(world.operator);
    expect(seen.filter((c) => c.entryId === null).map((c) => c.channel)).toEqual(['email']);
    expect(seen.filter((c) => c.entryId === reply).map((c) => c.channel).sort()).toEqual(['email', 'sms']);
    expect(seen.every((c) => c.status === 'pending' || c.status === 'skipped' || c.status === 'failed')).toBe(true);
    expect(await copies(world.manager)).toEqual(seen);
    // The client's own account reads the thread, not where its copies went.
    expect(await copies(world.clientAccount)).toEqual([]);

    // One copy failed at the provider, another skipped because its address opted out.
    const [first, second] = seen;
    await sql(`update delivery set status = 'failed', failure_reason = 'mailbox unavailable' where id = ?`, [first.id]);
    await sql(`update delivery set status = 'skipped', failure_reason = 'opted_out' where id = ?`, [second.id]);
    const after = await copies(world.operator);
    expect(after.find((c) => c.id === first.id)).toMatchObject({ status: 'failed', failureReason: 'mailbox unavailable', optedOut: false });
    expect(after.find((c) => c.id === second.id)).toMatchObject({ status: 'skipped', optedOut: true });

    // Retry: the admins' route, refused to an operator.
    expect((await as(world.operator).post(`/v1/deliveries/${first.id}/retry`)).status).toBe(403);
    expect((await as(world.manager).post(`/v1/deliveries/${first.id}/retry`)).status).toBe(200);
    expect((await copies(world.operator)).find((c) => c.id === first.id)).toMatchObject({ status: 'pending', failureReason: null });
  });
});
