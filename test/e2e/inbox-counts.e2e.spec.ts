import { describe, expect, it } from '@jest/globals';
import { aCompanyWorld } from '../factories/world.factory.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

interface Counts {
  unread: number;
  urgent: number;
  tasks: number;
  remarks: number | null;
  vadUntransmitted: number | null;
  subcontracting: number;
}

describe('the inbox counts', () => {
  const env = useTestApi();

  it('counts exactly what each caller’s lists hold: never another operator’s private thread, another company’s, or another client file’s', async () => {
    const { app, http } = env.api;
    const world = await aCompanyWorld(app, http, 'Permanence Comptes');
    const other = await aCompanyWorld(app, http, 'Autre Permanence Comptes');
    const as = callerOf(http);
    const post = (caller: string, clientId: string, body: object) => as(caller).post(`/v1/clients/${clientId}/messages`, { subject: 's', body: 'b', copies: [], ...body }).expect(201);
    const counts = async (caller: string): Promise<Counts> => (await as(caller).get('/v1/inbox/counts').expect(200)).body as Counts;
    const size = async (caller: string, path: string): Promise<number> => (await as(caller).get(`${path}${path.includes('?') ? '&' : '?'}limit=200`).expect(200)).body.items.length as number;
    const lists = async (caller: string, counted: Counts): Promise<Counts> => ({
      unread: await size(caller, '/v1/messages/unread'),
      urgent: await size(caller, '/v1/messages/urgent'),
      tasks: await size(caller, '/v1/tasks'),
      remarks: counted.remarks === null ? null : await size(caller, '/v1/remarks'),
      vadUntransmitted: counted.vadUntransmitted === null ? null : await size(caller, '/v1/vad/untransmitted'),
      subcontracting: await size(caller, '/v1/subcontracting/messages'),
    });

    const before = await counts(world.manager);
    await post(world.operator, world.clientId, { urgent: true });
    await post(world.operator, world.clientId, { dayTask: true, dueDate: '2026-12-24' });
    await post(world.operator, world.otherClientId, { vad: true, vadPlannedAt: '2026-12-24T09:00:00.000Z' });
    // Private, to nobody: the manager may not open it, so no count of theirs moves.
    await post(world.operator, world.clientId, { private: true, urgent: true, dayTask: true, dueDate: '2026-12-24' });
    await post(world.clientAccount, world.clientId, { remark: true });
    // Another company's threads count for nobody here.
    await post(other.operator, other.clientId, { urgent: true });

    const manager = await counts(world.manager);
    expect(manager).toEqual({
      unread: before.unread + 4,
      urgent: before.urgent + 1,
      tasks: before.tasks + 1,
      remarks: (before.remarks ?? 0) + 1,
      vadUntransmitted: (before.vadUntransmitted ?? 0) + 1,
      subcontracting: before.subcontracting,
    });
    expect(await lists(world.manager, manager)).toEqual(manager);

    // The author of the private thread counts it (theirs to see); the threads they wrote are read by them.
    const operator = await counts(world.operator);
    expect(operator).toMatchObject({ remarks: null, tasks: manager.tasks + 1 });
    expect(await lists(world.operator, operator)).toEqual(operator);

    // A client account: only its own file's threads, never the other file's VAD thread.
    const client = await counts(world.clientAccount);
    expect(client).toMatchObject({ remarks: null, vadUntransmitted: null, subcontracting: 0 });
    expect(await lists(world.clientAccount, client)).toEqual({ ...client, vadUntransmitted: null });
    const otherFile = (await as(world.manager).get('/v1/vad/untransmitted?limit=200').expect(200)).body.items.map((m: { id: string }) => m.id) as string[];
    const clientUnread = (await as(world.clientAccount).get('/v1/messages/unread?limit=200').expect(200)).body.items.map((m: { id: string; clientId: string }) => m.clientId) as string[];
    expect(otherFile).toHaveLength(1);
    expect(new Set(clientUnread)).toEqual(new Set([world.clientId]));

    // The worker's portal account has no messages.read: refused, not given a zero.
    expect((await as(world.worker).get('/v1/inbox/counts')).status).toBe(403);
    expect((await http.get('/v1/inbox/counts')).status).toBe(401);
  });
});
