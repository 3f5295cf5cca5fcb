import type { ChildProcess } from 'node:child_process';
import { EntityManager } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { redisSettings } from '../../src/core/redis/redis-settings.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { finished, startEntry } from '../harness/processes.js';
import { waitFor } from '../harness/services.js';
import { startSmtpListener, type SmtpListener } from '../harness/smtp-listener.js';
import { startTwilioEndpoint, twilioConfigFor, type TwilioEndpoint, type TwilioEndpointOptions } from '../harness/twilio-endpoint.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

interface Row {
  id: string;
  status: string;
  email_message_id: string;
  failure_reason: string | null;
  attempts: number;
}

const ACCOUNT_SID = `AC${'c3'.repeat(16)}`;
const AUTH_TOKEN = 'recovery-twilio-auth-token-0001';

/** Each copy of these specs is one message with an email copy to the client: one delivery each. */
describe('outbound recovery: SMTP 4xx, Redis emptied mid-batch, worker SIGKILLed mid-batch', () => {
  let ctx: TestContext;
  let api: TestApi;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let sql: <T>(query: string, params?: unknown[]) => Promise<T[]>;
  const listeners: SmtpListener[] = [];
  let smtp: SmtpListener;
  let twilioApi: TwilioEndpoint;
  const twilioOptions: TwilioEndpointOptions = { accounts: { [ACCOUNT_SID]: AUTH_TOKEN } };
  let inProcess: INestApplicationContext;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // One in-process worker for the first two tests, on a slow relay that refuses the first DATA.
    smtp = await startSmtpListener({ failFirst: 1, delayMs: 60 });
    listeners.push(smtp);
    twilioApi = await startTwilioEndpoint(twilioOptions);
    ctx = await TestContext.create((c) =>
      twilioConfigFor(twilioApi, {
        ...c,
        smtp: { ...c.smtp, url: `smtp://127.0.0.1:${smtp.port}`, poolMax: 1 },
        outbound: { ...c.outbound, ratePerSecond: { email: 0, sms: 0, fax: 0 }, relayIntervalMs: 100, reconcileIntervalMs: 1_000, staleClaimMs: 3_000 },
      }),
    );
    api = await ctx.startApi();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Recovery');
    as = callerOf(api.http);
    const em = api.app.get(EntityManager).fork();
    sql = (query, params = []) => em.getConnection().execute(query, params);
    expect((await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@recovery.test', name: 'Recovery' })).status).toBe(200);
    await sql(`insert into sms_number (id, created_at, updated_at, company_id, phone_number, account_sid, auth_token_sealed) values (gen_random_uuid(), now(), now(), ?, '+33756781234', ?, ?)`, [
      world.companyId,
      ACCOUNT_SID,
      api.app.get(SecretBox).seal(AUTH_TOKEN),
    ]);
    // The fixture's own message asked for a copy: out of the way, so each test counts only its own.
    await sql(`delete from outbox_copy`);
    inProcess = await ctx.startWorker();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await ctx.close();
    for (const listener of listeners) await listener.close();
    await twilioApi.close();
  });

  const compose = async (count: number, label: string): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: `${label} ${i}`, body: 'b', copies: ['email'] });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    return ids;
  };
  const settled = async (messageIds: string[], ms = 40_000): Promise<Row[]> => {
    let rows: Row[] = [];
    await waitFor(
      async () => {
        rows = await sql<Row>(`select id, status, email_message_id, failure_reason, attempts from delivery where conversation_id in (${messageIds.map(() => '?').join(', ')})`, messageIds);
        return rows.length === messageIds.length && rows.every((r) => r.status !== 'pending' && r.status !== 'sending');
      },
      ms,
      'every delivery settled',
    );
    return rows;
  };
  const receivedIds = (listener: SmtpListener) => listener.messages.map((m) => m.parsed.messageId!.slice(1, -1));

  it('SMTP answers 451 then 250: the copy is retried with backoff and arrives once', async () => {
    const [messageId] = await compose(1, 'Temporaire');
    const [row] = await settled([messageId]);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.refused()).toBe(1);
    expect(receivedIds(smtp)).toEqual([row.email_message_id]);
    const history = (await as(world.manager).get(`/v1/deliveries/${row.id}`)).body.history as { outcome: string; providerCode: string }[];
    expect(history.map((h) => [h.outcome, h.providerCode])).toEqual([
      ['retrying', '451'],
      ['sent', null],
    ]);
  });

  it('Redis emptied in the middle of a batch: the reconciler re-enqueues, every copy goes out exactly once', async () => {
    const before = smtp.messages.length;
    const ids = await compose(30, 'Vidage');
    await smtp.waitFor(before + 5, 20_000);
    // This spec's keys only: the shared Redis serves other specs too.
    const redis = new Redis(redisSettings(ctx.config.redis.url));
    const keys = await redis.keys(`${ctx.config.queue.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    const rows = await settled(ids);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const received = receivedIds(smtp).slice(before);
    expect(received.length).toBe(30);
    expect(new Set(received)).toEqual(new Set(rows.map((r) => r.email_message_id)));
  });

  it('stale claims: without the provider-call mark the copy is sent again (once); with it, failed outcome_unknown and not sent', async () => {
    const before = smtp.messages.length;
    const ids = await compose(2, 'Périmé');
    const rows = await settled(ids);
    // As a worker killed after claiming leaves them: sending, claimed long ago, one after the provider call.
    await sql(`update delivery set status = 'sending', claimed_at = now() - interval '1 minute', provider_called_at = null where id = ?`, [rows[0].id]);
    await sql(`update delivery set status = 'sending', claimed_at = now() - interval '1 minute', provider_called_at = now() where id = ?`, [rows[1].id]);
    const after = await settled(ids);
    expect(after.find((r) => r.id === rows[0].id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(after.find((r) => r.id === rows[1].id)).toMatchObject({ status: 'failed', failure_reason: 'outcome_unknown' });
    const received = receivedIds(smtp).slice(before);
    expect(received.filter((id) => id === rows[0].email_message_id)).toHaveLength(2); // the first send, then the re-send
    expect(received.filter((id) => id === rows[1].email_message_id)).toHaveLength(1);
  });

  it('retrying an email whose outcome is unknown sends it under a new Message-ID with the same reply address; other retries keep theirs', async () => {
    const before = smtp.messages.length;
    const [messageId, otherId] = await compose(2, 'Inconnu');
    await settled([messageId, otherId]);
    const copyOf = async (id: string) => (await sql<Row & { reply_token: string }>(`select id, email_message_id, reply_token from delivery where conversation_id = ?`, [id]))[0];
    const [first, other] = [await copyOf(messageId), await copyOf(otherId)];
    const token = first.reply_token;
    // As the reconciler leaves a copy cut after the provider call; the other one refused for good.
    await sql(`update delivery set status = 'sending', claimed_at = now() - interval '1 minute', provider_called_at = now() where id = ?`, [first.id]);
    await sql(`update delivery set status = 'failed', failure_reason = 'permanent' where id = ?`, [other.id]);
    await waitFor(async () => (await sql<Row>(`select status from delivery where id = ?`, [first.id]))[0].status === 'failed', 20_000, 'the stale claim settled');

    const retried = await as(world.manager).post(`/v1/deliveries/${first.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.emailMessageId).not.toBe(first.email_message_id);
    expect(retried.body.history.at(-1).detail).toContain(`the earlier copy <${first.email_message_id}> may have arrived`);
    expect((await as(world.manager).post(`/v1/deliveries/${other.id}/retry`)).body.emailMessageId).toBe(other.email_message_id);
    const after = await settled([messageId, otherId]);
    expect(after.find((r) => r.id === first.id)).toMatchObject({ status: 'sent', email_message_id: retried.body.emailMessageId });
    const [{ reply_token: tokenAfter }] = await sql<{ reply_token: string }>(`select reply_token from delivery where id = ?`, [first.id]);
    expect(tokenAfter).toBe(token);

    // Both copies reached the relay, each under its own Message-ID, both answering to the same reply address.
    const copies = smtp.messages.slice(before).filter((m) => [first.email_message_id, retried.body.emailMessageId].includes(m.parsed.messageId!.slice(1, -1)));
    expect(copies.map((m) => m.parsed.messageId!.slice(1, -1))).toEqual([first.email_message_id, retried.body.emailMessageId]);
    expect(copies.map((m) => m.parsed.replyTo?.value[0].address)).toEqual([expect.stringContaining(`+${token}@`), expect.stringContaining(`+${token}@`)]);
    expect(receivedIds(smtp).filter((id) => id === other.email_message_id)).toHaveLength(2);
  });

  it('a retried reply copy whose outcome is unknown keeps In-Reply-To and References to the earlier copy under its new Message-ID', async () => {
    const [messageId] = await compose(1, 'Fil');
    const [copy] = await settled([messageId]);
    const reply = await as(world.operator).post(`/v1/messages/${messageId}/replies`, { body: 'Elle a rappelé', copies: ['email'] });
    expect(reply.status).toBe(201);
    const replyCopy = async () =>
      (await sql<Row>(`select id, status, email_message_id, failure_reason, attempts from delivery where conversation_id = ? and entry_id is not null`, [messageId]))[0];
    await waitFor(async () => (await replyCopy())?.status === 'sent', 20_000, 'the reply copy sent');
    const sentOnce = await replyCopy();
    await sql(`update delivery set status = 'sending', claimed_at = now() - interval '1 minute', provider_called_at = now() where id = ?`, [sentOnce.id]);
    await waitFor(async () => (await replyCopy()).failure_reason === 'outcome_unknown', 20_000, 'the reply copy settled outcome_unknown');
    const retried = await as(world.manager).post(`/v1/deliveries/${sentOnce.id}/retry`);
    expect(retried.status).toBe(200);
    await waitFor(async () => (await replyCopy()).status === 'sent', 20_000, 'the retried reply copy sent');
    const mails = smtp.messages.filter((m) => [sentOnce.email_message_id, retried.body.emailMessageId].includes(m.parsed.messageId!.slice(1, -1)));
    expect(mails.map((m) => m.parsed.messageId)).toEqual([`<${sentOnce.email_message_id}>`, `<${retried.body.emailMessageId}>`]);
    for (const mail of mails) {
      expect(mail.parsed.inReplyTo).toBe(`<${copy.email_message_id}>`);
      expect(mail.parsed.references).toBe(`<${copy.email_message_id}>`);
    }
  });

  it('an SMS cut after the Twilio call is looked up in Twilio\'s message list: found, sent with its SID and never re-sent; not found, failed outcome_unknown, then retried once', async () => {
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: '+33610101010' });
    const before = twilioApi.accepted();
    const ids: string[] = [];
    for (const subject of ['Trouvé', 'Perdu']) {
      const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject, body: 'b', copies: ['sms'] });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    await settled(ids);
    type SmsRow = { id: string; conversation_id: string; status: string; failure_reason: string | null; provider_message_id: string | null };
    const smsRows = () => sql<SmsRow>(`select id, conversation_id, status, failure_reason, provider_message_id from delivery where conversation_id in (?, ?)`, ids);
    const rows = await smsRows();
    const found = rows.find((r) => r.conversation_id === ids[0])!;
    const lost = rows.find((r) => r.conversation_id === ids[1])!;
    expect([found.status, lost.status]).toEqual(['sent', 'sent']);
    // As a worker killed while Twilio answered leaves them: sending, called, no SID; Twilio never got the second one.
    await sql(`update delivery set status = 'sending', claimed_at = now() - interval '1 minute', provider_called_at = now() - interval '2 seconds', provider_message_id = null where id in (?, ?)`, [found.id, lost.id]);
    twilioApi.messages.splice(twilioApi.messages.findIndex((m) => m.sid === lost.provider_message_id), 1);
    await settled(ids);

    const settledRows = await smsRows();
    expect(settledRows.find((r) => r.id === found.id)).toMatchObject({ status: 'sent', provider_message_id: found.provider_message_id });
    expect(settledRows.find((r) => r.id === lost.id)).toMatchObject({ status: 'failed', failure_reason: 'outcome_unknown', provider_message_id: null });
    expect(twilioApi.accepted()).toBe(before + 2); // nothing sent again on its own
    expect(twilioApi.calls.list).toBeGreaterThanOrEqual(2);
    const history = (await as(world.manager).get(`/v1/deliveries/${found.id}`)).body.history as { outcome: string; detail: string }[];
    expect(history.at(-1)).toMatchObject({ outcome: 'sent', detail: expect.stringContaining("Twilio's message list shows the SMS") });

    expect((await as(world.manager).post(`/v1/deliveries/${lost.id}/retry`)).status).toBe(200);
    await settled(ids);
    expect((await smsRows()).find((r) => r.id === lost.id)).toMatchObject({ status: 'sent' });
    expect(twilioApi.accepted()).toBe(before + 3);
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: null });
  });

  it('an interrupted SMS whose match in Twilio\'s list another copy records meanwhile is failed outcome_unknown, not given that SID', async () => {
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: '+33610101011' });
    const ids: string[] = [];
    for (const subject of ['Course', 'Autre']) ids.push((await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject, body: 'b', copies: ['sms'] })).body.id as string);
    await settled(ids);
    const [cut, other] = await Promise.all(ids.map(async (id) => (await sql<{ id: string; provider_message_id: string }>(`select id, provider_message_id from delivery where conversation_id = ?`, [id]))[0]));
    await sql(`update delivery set status = 'sending', claimed_at = now() - interval '1 minute', provider_called_at = now() - interval '2 seconds', provider_message_id = null where id = ?`, [cut.id]);
    // Between the look-up's read of known SIDs and its answer, another copy records the SID it will find.
    twilioOptions.beforeList = async () => {
      twilioOptions.beforeList = undefined;
      await sql(`update delivery set provider_message_id = ? where id = ?`, [cut.provider_message_id, other.id]);
    };
    await settled(ids);
    const [row] = await sql<Row & { provider_message_id: string | null }>(`select id, status, failure_reason, provider_message_id from delivery where id = ?`, [cut.id]);
    expect(row).toMatchObject({ status: 'failed', failure_reason: 'outcome_unknown', provider_message_id: null });
    const history = (await as(world.manager).get(`/v1/deliveries/${cut.id}`)).body.history as { detail: string }[];
    expect(history.at(-1)!.detail).toContain('belongs to another copy');
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: null });
  });

  it('Twilio\'s list unavailable: the interrupted SMS stays undecided, with no retry offered, until Twilio answers; then it is settled', async () => {
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: '+33610101012' });
    const [messageId] = [(await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Panne', body: 'b', copies: ['sms'] })).body.id as string];
    await settled([messageId]);
    const [copy] = await sql<{ id: string; provider_message_id: string }>(`select id, provider_message_id from delivery where conversation_id = ?`, [messageId]);
    const listed = twilioApi.calls.list;
    twilioApi.failNextRead({ status: 503 }, { status: 503 });
    await sql(`update delivery set status = 'sending', claimed_at = now() - interval '1 minute', provider_called_at = now() - interval '2 seconds', provider_message_id = null where id = ?`, [copy.id]);
    await waitFor(() => Promise.resolve(twilioApi.calls.list >= listed + 2), 20_000, 'two look-ups Twilio refused');
    expect((await sql<Row>(`select status from delivery where id = ?`, [copy.id]))[0].status).toBe('sending');
    expect((await as(world.manager).post(`/v1/deliveries/${copy.id}/retry`)).status).toBe(409);
    await settled([messageId]);
    const [row] = await sql<Row & { provider_message_id: string }>(`select id, status, provider_message_id from delivery where id = ?`, [copy.id]);
    expect(row).toMatchObject({ status: 'sent', provider_message_id: copy.provider_message_id });
    const history = (await as(world.manager).get(`/v1/deliveries/${copy.id}`)).body.history as { outcome: string }[];
    expect(history.map((h) => h.outcome)).toEqual(['sent', 'sent']);
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: null });
  });

  it('an SMS whose answer from Twilio never came is looked up before it is sent again: Twilio had it, so the client gets it once', async () => {
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: '+33610101013' });
    const before = twilioApi.accepted();
    // Twilio takes the message but its answer comes after our 2 s timeout.
    twilioApi.failNext({ acceptThenHangMs: 3_000 });
    const messageId = (await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Réponse perdue', body: 'b', copies: ['sms'] })).body.id as string;
    await settled([messageId]);
    const [row] = await sql<Row & { provider_message_id: string }>(`select id, status, attempts, provider_message_id from delivery where conversation_id = ?`, [messageId]);
    expect(twilioApi.accepted()).toBe(before + 1);
    const accepted = twilioApi.messages.at(-1)!;
    expect(accepted.form.To).toBe('+33610101013');
    expect(row).toMatchObject({ status: 'sent', attempts: 2, provider_message_id: accepted.sid });
    const history = (await as(world.manager).get(`/v1/deliveries/${row.id}`)).body.history as { outcome: string; providerCode: string | null; detail: string }[];
    expect(history.map((h) => `${h.outcome}:${h.providerCode ?? ''}`)).toEqual(['retrying:timeout', 'sent:']);
    expect(history[1].detail).toContain("Twilio's message list shows");

    // Twilio's list failing at the first look: the next attempt looks again rather than sending blind.
    twilioApi.failNext({ acceptThenHangMs: 3_000 });
    twilioApi.failNextRead({ status: 503 });
    const secondId = (await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Liste en panne', body: 'b', copies: ['sms'] })).body.id as string;
    await settled([secondId]);
    const [second] = await sql<Row & { provider_message_id: string }>(`select id, status, attempts, provider_message_id from delivery where conversation_id = ?`, [secondId]);
    expect(twilioApi.accepted()).toBe(before + 2);
    expect(second).toMatchObject({ status: 'sent', attempts: 3, provider_message_id: twilioApi.messages.at(-1)!.sid });
    const secondHistory = (await as(world.manager).get(`/v1/deliveries/${second.id}`)).body.history as { outcome: string; providerCode: string | null }[];
    expect(secondHistory.map((h) => `${h.outcome}:${h.providerCode ?? ''}`)).toEqual(['retrying:timeout', 'retrying:timeout', 'sent:']);
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: null });
  });

  it('worker SIGKILLed mid-batch, during an SMTP exchange: after a restart every copy reaches the relay exactly once', async () => {
    await inProcess.close(); // only the child workers below consume this spec's queues now
    const killed: { worker?: ChildProcess } = {};
    // The relay kills the worker as the 9th message's data begins: that exchange, and the claims
    // waiting for a pooled connection, are cut before their final dot.
    const killSmtp = await startSmtpListener({ delayMs: 40, onDataStart: (n) => (n === 9 ? killed.worker?.kill('SIGKILL') : undefined) });
    listeners.push(killSmtp);
    const env = {
      DATABASE_URL: ctx.config.database.url,
      REDIS_URL: ctx.config.redis.url,
      QUEUE_PREFIX: ctx.config.queue.prefix,
      SMTP_URL: `smtp://127.0.0.1:${killSmtp.port}`,
      SMTP_POOL_MAX: '2',
      WORKER_CONCURRENCY: '4',
      OUTBOUND_RELAY_INTERVAL_MS: '100',
      OUTBOUND_RECONCILE_INTERVAL_MS: '1000',
      OUTBOUND_STALE_CLAIM_MS: '3000',
      LOG_LEVEL: 'info',
    };
    const start = async () => {
      const child = startEntry('worker', [], env);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(() => Promise.resolve(output.includes('"worker started"')), 30_000, 'the worker to start');
      return child;
    };
    const first = await start();
    killed.worker = first;
    children.push(first);
    const exit = finished(first, 30_000);
    const ids = await compose(40, 'Kill');
    await exit;
    const atKill = killSmtp.messages.length;
    const second = await start();
    children.push(second);
    // A claim cut before its commit is sent again once the dead worker's job lock expires (30 s).
    const rows = await settled(ids, 75_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a late duplicate would arrive now
    second.kill('SIGTERM');
    await finished(second, 15_000);

    const counts = new Map<string, number>();
    for (const id of receivedIds(killSmtp)) counts.set(id, (counts.get(id) ?? 0) + 1);
    const unknown = rows.filter((r) => r.failure_reason === 'outcome_unknown');
    const [{ n: resent }] = await sql<{ n: string }>(
      `select count(*) as n from delivery_attempt where detail like 'The worker stopped before calling the provider%' and delivery_id in (${rows.map(() => '?').join(', ')})`,
      rows.map((r) => r.id),
    );
    console.log(
      `SIGKILL after ${atKill} of 40 emails: ${rows.filter((r) => counts.get(r.email_message_id) === 1).length} of 40 reached the relay exactly once; ` +
        `${resent} claims cut before their commit were sent again; ${unknown.length} cut after it (failed outcome_unknown, not re-sent)`,
    );
    expect(atKill).toBeLessThan(40);
    expect(Number(resent)).toBeGreaterThanOrEqual(1);
    // Sent, or, for a copy committed in the instant of the kill, failed outcome_unknown: never re-sent blindly.
    for (const row of rows) {
      if (row.status !== 'sent') expect(row).toMatchObject({ status: 'failed', failure_reason: 'outcome_unknown' });
    }
    // Every sent copy at the relay exactly once. A copy whose final dot was being written as the
    // worker died may or may not have reached the relay (that is what outcome_unknown says, and the
    // admin's retry is the answer); it is never there twice. Nothing else reached the relay.
    for (const row of rows) {
      if (row.status === 'sent') expect(counts.get(row.email_message_id)).toBe(1);
      else expect(counts.get(row.email_message_id) ?? 0).toBeLessThanOrEqual(1);
    }
    expect([...counts.keys()].every((id) => rows.some((r) => r.email_message_id === id))).toBe(true);
    expect(counts.size).toBeGreaterThanOrEqual(40 - unknown.length);
    expect(unknown.length).toBeLessThanOrEqual(2); // at most one per pooled connection
  }, 120_000);
});
