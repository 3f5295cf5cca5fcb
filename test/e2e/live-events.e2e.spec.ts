import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { listenToEvents as listen } from '../harness/sse-listener.js';
import { callerOf, useTestApi } from '../harness/test-context.js';

describe('live events (server-sent events through Redis)', () => {
  const env = useTestApi();
  const as = (token: string) => callerOf(env.api.http)(token);
  let w: CompanyWorld;
  let baseUrl: string;

  beforeAll(async () => {
    w = await aCompanyWorld(env.api.app, env.api.http);
    const { port } = env.api.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  it('refuses a stream without a valid token', async () => {
    const response = await fetch(`${baseUrl}/v1/events`);
    expect(response.status).toBe(401);
  });

  it('delivers new messages, replies and task changes within a second, only those the user may see', async () => {
    const stream = await listen(baseUrl, w.manager);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/text\/event-stream/);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // subscription established
      const hidden = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Privé', private: true }).expect(201);
      const posted = Date.now();
      const shown = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Visible' }).expect(201);
      const created = await stream.waitFor(shown.body.id, 'message.created');
      expect(created.at - posted).toBeLessThan(1_000);

      await as(w.operator).post(`/v1/messages/${shown.body.id}/replies`, { body: 'Réponse' }).expect(201);
      await stream.waitFor(shown.body.id, 'message.replied');
      await as(w.operator).put(`/v1/messages/${shown.body.id}/task`, { action: 'set' }).expect(200);
      await stream.waitFor(shown.body.id, 'message.task');

      expect(stream.received.some((event) => event.messageId === hidden.body.id)).toBe(false);
    } finally {
      await stream.stop();
    }
  });

  it('announces a “reply + set as task” as a task change too', async () => {
    const stream = await listen(baseUrl, w.manager);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const created = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Sera une tâche' }).expect(201);
      await as(w.operator).post(`/v1/messages/${created.body.id}/replies`, { body: 'À faire', setTask: true }).expect(201);
      await stream.waitFor(created.body.id, 'message.replied');
      await stream.waitFor(created.body.id, 'message.task');
    } finally {
      await stream.stop();
    }
  });

  it('never sends VAD events to client accounts, who see the message but not its transmission', async () => {
    const client = await listen(baseUrl, w.clientAccount);
    const manager = await listen(baseUrl, w.manager);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const created = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Visite', vad: true, vadPlannedAt: '2026-12-05T08:00:00Z' }).expect(201);
      await client.waitFor(created.body.id, 'message.created');
      await as(w.operator).put(`/v1/messages/${created.body.id}/vad`, { transmitted: true }).expect(200);
      await manager.waitFor(created.body.id, 'message.vad');
      // The client's stream got the reply published after the VAD event, and still no VAD event.
      await as(w.operator).post(`/v1/messages/${created.body.id}/replies`, { body: 'Transmise' }).expect(201);
      await client.waitFor(created.body.id, 'message.replied');
      expect(client.received.filter((event) => event.type === 'message.vad')).toEqual([]);
    } finally {
      await client.stop();
      await manager.stop();
    }
  });

  it('keeps to its QUEUE_PREFIX: a deployment sharing the Redis under another prefix hears nothing', async () => {
    const foreign = await env.ctx.startApi({ ...env.ctx.config, queue: { ...env.ctx.config.queue, prefix: `${env.ctx.config.queue.prefix}-other` } });
    const { port } = foreign.app.getHttpServer().address() as AddressInfo;
    const outsider = await listen(`http://127.0.0.1:${port}`, w.manager);
    const insider = await listen(baseUrl, w.manager);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const created = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Entre nous' }).expect(201);
      await insider.waitFor(created.body.id, 'message.created');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(outsider.received).toEqual([]);
    } finally {
      await outsider.stop();
      await insider.stop();
    }
  });

  it('reaches users connected to another API process', async () => {
    const other = await env.ctx.startApi();
    const { port } = other.app.getHttpServer().address() as AddressInfo;
    const stream = await listen(`http://127.0.0.1:${port}`, w.manager);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const shown = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Depuis l’autre processus' }).expect(201);
      await stream.waitFor(shown.body.id, 'message.created');
    } finally {
      await stream.stop();
    }
  });

  describe('ends a stream whose access was taken away, within 5 s', () => {
    /** A new operator account with a token of its own, so the other tests keep theirs. */
    async function anOperator(): Promise<{ id: string; tokenId: string; token: string }> {
      const unique = Math.random().toString(36).slice(2, 8);
      const user = await as(w.manager)
        .post('/v1/users', { rightsTemplateId: w.templates.Operator, firstName: 'Rémi', lastName: 'Révoqué', email: `revoque.${unique}@example.test` })
        .expect(201);
      const token = await as(w.manager).post(`/v1/users/${user.body.id}/tokens`, { name: 'poste 2' }).expect(201);
      return { id: user.body.id, tokenId: token.body.id, token: `Bearer ${token.body.token}` };
    }

    async function expectEndedAfter(takeAway: () => Promise<unknown>, token: string): Promise<void> {
      const stream = await listen(baseUrl, token);
      try {
        expect(stream.status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const before = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Avant' }).expect(201);
        await stream.waitFor(before.body.id, 'message.created');
        const takenAt = Date.now();
        await takeAway();
        const endedAt = await stream.ended(6_000);
        expect(endedAt).not.toBeNull();
        expect(endedAt! - takenAt).toBeLessThan(5_000);
        const after = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Après' }).expect(201);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(stream.received.some((event) => event.messageId === after.body.id)).toBe(false);
        expect((await fetch(`${baseUrl}/v1/events`, { headers: { Authorization: token } })).status).toBe(401);
      } finally {
        await stream.stop();
      }
    }

    it('when its token is revoked', async () => {
      const operator = await anOperator();
      await expectEndedAfter(() => as(w.manager).del(`/v1/users/${operator.id}/tokens/${operator.tokenId}`).expect(204), operator.token);
    });

    it('when its account is deactivated', async () => {
      const operator = await anOperator();
      await expectEndedAfter(() => as(w.manager).patch(`/v1/users/${operator.id}`, { active: false }).expect(200), operator.token);
    });

    it('and keeps the streams of other tokens open', async () => {
      const revoked = await anOperator();
      const kept = await listen(baseUrl, w.manager);
      try {
        await expectEndedAfter(() => as(w.manager).del(`/v1/users/${revoked.id}/tokens/${revoked.tokenId}`).expect(204), revoked.token);
        const created = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Toujours là' }).expect(201);
        await kept.waitFor(created.body.id, 'message.created');
      } finally {
        await kept.stop();
      }
    });
  });
});
