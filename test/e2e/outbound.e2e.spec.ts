import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { RedisClient } from '../../src/core/redis/redis.module.js';
import { InboundAppend } from '../../src/conversations/inbound-append.js';
import { DeliveryClaims } from '../../src/outbound/delivery-claims.js';
import { ChannelRateLimiter } from '../../src/outbound/rate-limiter.js';
import { ReplyAlerts } from '../../src/outbound/reply-alerts.service.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { startSmtpListener, type SmtpListener } from '../harness/smtp-listener.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';
import { startTwilioEndpoint, type TwilioEndpoint } from '../harness/twilio-endpoint.js';
import { waitFor } from '../harness/services.js';

const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-tests-0001';
const PUBLIC = 'https://relais.example';

interface DeliveryRow {
  id: string;
  status: string;
  channel: string;
  address: string | null;
  failureReason: string | null;
  providerCode: string | null;
  providerMessageId: string | null;
  emailMessageId: string | null;
  segments: number | null;
  encoding: string | null;
  attempts: number;
}

describe('outbound delivery: email, SMS and fax copies against loopback SMTP and Twilio', () => {
  let ctx: TestContext;
  let api: TestApi;
  let smtp: SmtpListener;
  let twilioApi: TwilioEndpoint;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let sql: <T>(query: string, params?: unknown[]) => Promise<T[]>;

  beforeAll(async () => {
    smtp = await startSmtpListener({ failFirst: 0 });
    twilioApi = await startTwilioEndpoint({ accounts: { [ACCOUNT_SID]: AUTH_TOKEN } });
    ctx = await TestContext.create((c) => ({
      ...c,
      publicBaseUrl: PUBLIC,
      smtp: { url: `smtp://127.0.0.1:${smtp.port}`, poolMax: 2, timeoutMs: 5_000 },
      twilio: { ...c.twilio, baseUrl: twilioApi.baseUrl, timeoutMs: 1_000 },
      outbound: { ...c.outbound, ratePerSecond: { email: 0, sms: 0, fax: 0 }, relayIntervalMs: 100, reconcileIntervalMs: 2_000 },
    }));
    api = await ctx.startApi();
    await ctx.startWorker();
    world = await aCompanyWorld(api.app, api.http, 'Permanence Outbound');
    as = callerOf(api.http);
    const em = api.app.get(EntityManager).fork();
    sql = (query, params = []) => em.getConnection().execute(query, params);
    const sealed = api.app.get(SecretBox).seal(AUTH_TOKEN);
    await sql(`insert into sms_number (id, created_at, updated_at, company_id, phone_number, account_sid, auth_token_sealed) values (gen_random_uuid(), now(), now(), ?, '+33756781234', ?, ?)`, [
      world.companyId,
      ACCOUNT_SID,
      sealed,
    ]);
    await sql(`update client set mobile = '06 12 34 56 78', fax = '01 23 45 67 89' where id = ?`, [world.clientId]);
  });
  afterAll(async () => {
    await ctx.close();
    await smtp.close();
    await twilioApi.close();
  });

  const deliveriesOf = async (messageId: string, expected: number): Promise<DeliveryRow[]> => {
    let rows: DeliveryRow[] = [];
    await waitFor(
      async () => {
        rows = (await as(world.manager).get(`/v1/deliveries?messageId=${messageId}`)).body.items as DeliveryRow[];
        return rows.length === expected && rows.every((d) => !['pending', 'sending'].includes(d.status));
      },
      15_000,
      `${expected} settled deliveries`,
    );
    return rows;
  };

  it('refuses copies asked for while the company has no sender (422), and sends nothing', async () => {
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'x', body: 'y', copies: ['email'] });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'unprocessable', details: { missing: ['email'] } });
  });

  it('configures the sender and the fax gateway (channels.manage), validating the pattern', async () => {
    expect((await as(world.operator).put('/v1/channels/email-sender', { address: 'a@b.test', name: 'x' })).status).toBe(403);
    expect((await as(world.manager).put('/v1/channels/fax', { addressPattern: 'fax.example' })).status).toBe(400);
    expect((await as(world.manager).put('/v1/channels/email-sender', { address: 'Accueil@Permanence.test', name: 'Permanence du Centre' })).status).toBe(200);
    expect((await as(world.manager).put('/v1/channels/fax', { addressPattern: '{number}@fax.example' })).body.addressPattern).toBe('{number}@fax.example');
    // Removed, removed again (nothing to do), set anew: the audit log holds each change, by whom.
    expect((await as(world.manager).del('/v1/channels/fax')).status).toBe(204);
    expect((await as(world.manager).del('/v1/channels/fax')).status).toBe(204);
    expect((await as(world.manager).get('/v1/channels/fax')).status).toBe(404);
    expect((await as(world.manager).put('/v1/channels/fax', { addressPattern: '{number}@fax.example' })).status).toBe(200);
    expect((await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@permanence.test', name: 'Permanence du Centre' })).status).toBe(200);
    const audit = async (type: string) =>
      ((await as(world.manager).get(`/v1/audit?targetType=${type}`)).body.items as { action: string; actorId: string; after: Record<string, unknown> | null }[]).map((e) => [e.action, e.actorId, e.after]);
    expect(await audit('fax_gateway')).toEqual([
      ['fax_gateway.create', world.managerId, expect.objectContaining({ addressPattern: '{number}@fax.example' })],
      ['fax_gateway.delete', world.managerId, null],
      ['fax_gateway.create', world.managerId, expect.objectContaining({ addressPattern: '{number}@fax.example' })],
    ]);
    expect(await audit('email_sender')).toEqual([
      ['email_sender.create', world.managerId, expect.objectContaining({ address: 'accueil@permanence.test', name: 'Permanence du Centre' })],
      ['email_sender.update', world.managerId, expect.objectContaining({ address: 'accueil@permanence.test', name: 'Permanence du Centre' })],
    ]);
  });

  it('emails the client and each CC: HTML + text, From the sender, Reply-To token, Message-ID, subject tag, digest attached', async () => {
    const badDigest = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { body: 'x', copies: ['email'], attachDigest: { from: 'hier', to: '2026-12-31' } });
    expect(badDigest.status).toBe(400);
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, {
      subject: 'Appel <urgent> de Mme Petit',
      body: 'Rappeler avant 18 h & merci',
      cc: [world.managerId],
      copies: ['email'],
      attachDigest: { from: '2026-01-01', to: '2030-12-31' },
    });
    expect(res.status).toBe(201);
    const rows = await deliveriesOf(res.body.id, 2);
    expect(rows.map((d) => d.status)).toEqual(['sent', 'sent']);
    const mails = smtp.messages.filter((m) => rows.some((d) => m.parsed.messageId === `<${d.emailMessageId}>`));
    expect(mails).toHaveLength(2);
    const toClient = mails.find((m) => m.envelope.to.includes('contact@durand.test'))!;
    const { parsed } = toClient;
    expect(parsed.from?.value[0]).toMatchObject({ address: 'accueil@permanence.test', name: 'Permanence du Centre' });
    const replyTo = parsed.replyTo!.value[0].address!;
    expect(replyTo).toMatch(/^reply\+[a-z2-7]{32}@reply\.relais\.localhost$/);
    const [stored] = await sql<{ reply_token: string }>('select reply_token from delivery where email_message_id = ?', [parsed.messageId!.slice(1, -1)]);
    expect(replyTo).toBe(`reply+${stored.reply_token}@reply.relais.localhost`);
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@relais\.localhost>$/);
    expect(parsed.subject).toMatch(/^Appel <urgent> de Mme Petit \[R-[2-9A-Z]{5}\]$/);
    expect(parsed.html).toContain('Appel &lt;urgent&gt; de Mme Petit');
    expect(parsed.text).toContain('Rappeler avant 18 h & merci');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    expect(parsed.attachments[0].content.subarray(0, 5).toString()).toBe('%PDF-');
    const tokens = new Set(mails.map((m) => m.parsed.replyTo!.value[0].address));
    expect(tokens.size).toBe(2);

    // A reply's copy chains to the first copy sent to the same person.
    const reply = await as(world.operator).post(`/v1/messages/${res.body.id}/replies`, { body: 'Elle a rappelé', copies: ['email'] });
    expect(reply.status).toBe(201);
    const all = await deliveriesOf(res.body.id, 4);
    const replyCopy = all.find((d) => d.emailMessageId && !rows.some((r) => r.id === d.id) && d.address === 'contact@durand.test')!;
    await smtp.waitFor(4);
    const replyMail = smtp.messages.find((m) => m.parsed.messageId === `<${replyCopy.emailMessageId}>`)!;
    expect(replyMail.parsed.inReplyTo).toBe(parsed.messageId);
    expect(replyMail.parsed.subject).toMatch(/^Re: /);
  });

  it('sends SMS through Twilio: form fields, basic auth, callback URL; segments stored (UCS-2 for ê, ç, œ)', async () => {
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Rappel', body: 'Prévoir une tête de lit en cœur, ça ira', copies: ['sms'] });
    const [row] = await deliveriesOf(res.body.id, 1);
    expect(row).toMatchObject({ status: 'sent', address: '+33612345678', encoding: 'UCS-2' });
    const sms = twilioApi.messages.find((m) => m.sid === row.providerMessageId)!;
    expect(sms.auth).toEqual({ user: ACCOUNT_SID, password: AUTH_TOKEN });
    expect(sms.form).toMatchObject({ To: '+33612345678', From: '+33756781234', StatusCallback: `${PUBLIC}/webhooks/twilio/status` });
    expect(sms.form.Body).toContain('cœur');
    expect(row.segments).toBe(Math.ceil(sms.form.Body.length / 67) || 1);

    // Status callback: signed → delivered; forged → 403 and nothing changes.
    const form = { MessageSid: row.providerMessageId!, MessageStatus: 'delivered', AccountSid: ACCOUNT_SID };
    const url = `${PUBLIC}/webhooks/twilio/status`;
    const forged = await api.http.post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', 'bm90LXRoZS1zaWduYXR1cmU=').send({ ...form });
    expect(forged.status).toBe(403);
    expect((await as(world.manager).get(`/v1/deliveries/${row.id}`)).body.status).toBe('sent');
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, form);
    expect((await api.http.post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', signature).send(form)).status).toBe(204);
    const detail = (await as(world.manager).get(`/v1/deliveries/${row.id}`)).body as DeliveryRow & { history: { outcome: string }[] };
    expect(detail.status).toBe('delivered');
    expect(detail.history.map((h) => h.outcome)).toEqual(['sent', 'status:delivered']);
    // A late report never goes back on a final status; an unknown message SID cannot be verified.
    const late = { ...form, MessageStatus: 'undelivered', ErrorCode: '30003' };
    await api.http.post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, late)).send(late).expect(204);
    expect((await as(world.manager).get(`/v1/deliveries/${row.id}`)).body.status).toBe('delivered');
    // A signed report carrying NUL bytes is recorded (they become U+FFFD), not refused with a 500 Twilio retries forever.
    const odd = { ...form, MessageStatus: 'sent\u0000', ErrorCode: '300\u00003' };
    await api.http.post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, odd)).send(odd).expect(204);
    const oddHistory = (await as(world.manager).get(`/v1/deliveries/${row.id}`)).body.history as { outcome: string; providerCode: string | null }[];
    expect(oddHistory.at(-1)).toMatchObject({ outcome: 'status:sent\uFFFD', providerCode: '300\uFFFD3' });
    const unknown = { ...form, MessageSid: `SM${'0'.repeat(32)}` };
    await api.http.post('/webhooks/twilio/status').type('form').set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, unknown)).send(unknown).expect(403);
  });

  it('21610 → opted out, never retried nor sent again; invalid number → failed, retried by an admin; 429, timeout, 500 → retried with backoff, sent once', async () => {
    twilioApi.failNext({ status: 400, code: 21610 });
    const first = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'a', body: 'b', copies: ['sms'] });
    expect((await deliveriesOf(first.body.id, 1))[0]).toMatchObject({ status: 'skipped', failureReason: 'opted_out', providerCode: '21610', attempts: 1 });
    const optOuts = (await as(world.manager).get('/v1/opt-outs?channel=sms')).body.items as { id: string; address: string; source: string }[];
    expect(optOuts).toEqual([expect.objectContaining({ address: '+33612345678', source: 'provider' })]);
    const before = twilioApi.requests();
    const second = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'a', body: 'b', copies: ['sms'] });
    expect((await deliveriesOf(second.body.id, 1))[0]).toMatchObject({ status: 'skipped', failureReason: 'opted_out' });
    expect(twilioApi.requests()).toBe(before);
    expect((await as(world.manager).del(`/v1/opt-outs/${optOuts[0].id}`)).status).toBe(204);

    twilioApi.failNext({ status: 400, code: 21211 });
    const invalid = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'a', body: 'b', copies: ['sms'] });
    const [failed] = await deliveriesOf(invalid.body.id, 1);
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'invalid_address', providerCode: '21211', attempts: 1 });
    // An admin retries the failed copy: it goes out (once) on the next attempt.
    const failedList = (await as(world.manager).get('/v1/deliveries?status=failed&channel=sms')).body.items as DeliveryRow[];
    expect(failedList.map((d) => d.id)).toContain(failed.id);
    expect((await as(world.operator).post(`/v1/deliveries/${failed.id}/retry`)).status).toBe(403);
    expect((await as(world.manager).post(`/v1/deliveries/${failed.id}/retry`)).body).toMatchObject({ status: 'pending' });
    expect((await deliveriesOf(invalid.body.id, 1))[0]).toMatchObject({ status: 'sent', attempts: 2, failureReason: null });

    twilioApi.failNext({ status: 429 }, { hangMs: 1_500 }, { status: 500 }); // too many requests, a timeout (1 s here), a server error
    const busy = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'a', body: 'b', copies: ['sms'] });
    const [sent] = await deliveriesOf(busy.body.id, 1);
    expect(sent).toMatchObject({ status: 'sent', attempts: 4 });
    expect(twilioApi.messages.filter((m) => m.sid === sent.providerMessageId)).toHaveLength(1);
    const history = (await as(world.manager).get(`/v1/deliveries/${sent.id}`)).body.history as { outcome: string; providerCode: string | null }[];
    expect(history.map((h) => `${h.outcome}:${h.providerCode ?? ''}`)).toEqual(['retrying:20429', 'retrying:timeout', 'retrying:20500', 'sent:']);

    // Retry is for failed deliveries only.
    expect((await as(world.manager).post(`/v1/deliveries/${sent.id}/retry`)).status).toBe(409);
  });

  it('a malformed client number fails at relay with its reason; the batch goes on', async () => {
    await sql(`update client set mobile = '12' where id = ?`, [world.clientId]);
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'a', body: 'b', cc: [world.managerId], copies: ['sms', 'email'] });
    const rows = await deliveriesOf(res.body.id, 4);
    expect(rows.find((d) => d.channel === 'sms' && d.address === '12')).toMatchObject({ status: 'failed', failureReason: 'invalid_number' });
    // The manager has no mobile number: that copy is skipped with its reason, the others go out.
    expect(rows.find((d) => d.channel === 'sms' && d.address === null)).toMatchObject({ status: 'skipped', failureReason: 'no_address' });
    expect(rows.filter((d) => d.channel === 'email').map((d) => d.status)).toEqual(['sent', 'sent']);
    await sql(`update client set mobile = '+33612345678' where id = ?`, [world.clientId]);
  });

  it('faxes a PDF of the fax template to the gateway address', async () => {
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Fax', body: 'Corps du fax', copies: ['fax'] });
    const [row] = await deliveriesOf(res.body.id, 1);
    expect(row).toMatchObject({ status: 'sent', address: '33123456789@fax.example' });
    const mail = smtp.messages.find((m) => m.envelope.to.includes('33123456789@fax.example'))!;
    expect(mail.parsed.attachments[0]).toMatchObject({ filename: 'fax.pdf', contentType: 'application/pdf' });
  });

  it('templates: override validated (422 with line and column), preview escapes HTML only, reports missing variables, no prototype access', async () => {
    const bad = await as(world.manager).put('/v1/outbound-templates/email.copy.text', { source: 'Bonjour\n{{#if a}}x\n{{/each}}' });
    expect(bad.status).toBe(422);
    expect(bad.body.details).toMatchObject({ line: 2, column: expect.any(Number) });
    const unclosed = await as(world.manager).put('/v1/outbound-templates/sms.copy', { source: 'a\nb {{foo' });
    expect(unclosed.status).toBe(422);
    expect(unclosed.body.details).toMatchObject({ line: 2, column: 6 });
    const html = await as(world.manager).post('/v1/outbound-templates/email.copy.html/preview', { source: '<b>{{message.subject}}</b> {{nope.x}} {{constructor.name}}', data: { message: { subject: '<i>' } } });
    expect(html.body).toEqual({ output: '<b>&lt;i&gt;</b>', missing: ['constructor.name', 'nope.x'] });
    const sms = await as(world.manager).post('/v1/outbound-templates/sms.copy/preview', { source: '{{message.subject}} ça', data: { message: { subject: '<i>' } } });
    expect(sms.body).toMatchObject({ output: '<i> ça', encoding: 'UCS-2', segments: 1, missing: [] });
    const saved = await as(world.manager).put('/v1/outbound-templates/sms.copy', { source: 'NOUVEAU {{message.subject}} [{{tag}}]' });
    expect(saved.status).toBe(200);
    expect((await as(world.operator).get('/v1/outbound-templates')).status).toBe(403);
    // The worker re-reads a company's overrides at most every 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Surcharge', body: 'b', copies: ['sms'] });
    const [row] = await deliveriesOf(res.body.id, 1);
    expect(twilioApi.messages.find((m) => m.sid === row.providerMessageId)!.form.Body).toMatch(/^NOUVEAU Surcharge \[R-/);
    expect(row).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('opt-outs: add (normalized, 409 twice, 400/422 malformed number/email), list, remove; an opted-out email recipient is skipped', async () => {
    const added = await as(world.manager).post('/v1/opt-outs', { channel: 'email', address: ' Contact@Durand.TEST ', reason: 'asked by phone' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ channel: 'email', address: 'contact@durand.test', source: 'api' });
    expect((await as(world.manager).post('/v1/opt-outs', { channel: 'email', address: 'contact@durand.test' })).status).toBe(409);
    expect((await as(world.manager).post('/v1/opt-outs', { channel: 'sms', address: 'pas un numéro' })).body).toMatchObject({ code: 'validation_failed', details: { field: 'address' } });
    expect((await as(world.manager).post('/v1/opt-outs', { channel: 'pigeon', address: 'x' })).status).toBe(400);
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'a', body: 'b', cc: [world.managerId], copies: ['email'] });
    const rows = await deliveriesOf(res.body.id, 2);
    expect(rows.find((d) => d.address === 'contact@durand.test')).toMatchObject({ status: 'skipped', failureReason: 'opted_out' });
    expect(rows.find((d) => d.address !== 'contact@durand.test')).toMatchObject({ status: 'sent' });
    const byRecipient = (await as(world.manager).get(`/v1/deliveries?recipient=durand.test&messageId=${res.body.id}`)).body.items as DeliveryRow[];
    expect(byRecipient.map((d) => d.address)).toEqual(['contact@durand.test']);
    expect((await as(world.manager).del(`/v1/opt-outs/${added.body.id as string}`)).status).toBe(204);
    expect((await as(world.manager).del(`/v1/opt-outs/${added.body.id as string}`)).status).toBe(404);
  });

  it('rate limit per channel, shared through Redis: at 2 SMS per second, 5 sends take more than a second', async () => {
    const limiter = new ChannelRateLimiter(api.app.get(RedisClient), { ...ctx.config, outbound: { ...ctx.config.outbound, ratePerSecond: { email: 0, sms: 2, fax: 0 } } });
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => limiter.take('sms', world.companyId)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('alerts the thread author and managers by email when a client reply arrives (conversation.replied, in the reply’s transaction), once however often it is notified', async () => {
    const res = await as(world.operator).post(`/v1/clients/${world.clientId}/messages`, { subject: 'Question', body: 'b', copies: [] });
    const inContext = <T>(fn: () => Promise<T>) => RequestContext.create(api.app.get(EntityManager), fn);
    const [inbound] = await inContext(() => api.app.get(InboundAppend).appendMany([{
      conversationId: res.body.id as string,
      origin: 'email',
      inboundKey: `email:test-${res.body.id as string}`,
      senderAddress: 'contact@durand.test',
      senderName: 'Dr Durand',
      body: 'Oui, merci <b>beaucoup</b>',
    }]));
    // The append's conversation.replied made the alerts, with the reply: notifying again makes none.
    const alerts = api.app.get(ReplyAlerts);
    expect(await sql<{ n: string }>(`select count(*) as n from delivery where kind = 'reply_alert' and entry_id = ?`, [inbound.entryId])).toEqual([{ n: '2' }]); // the author (operator) and the manager
    expect(await inContext(() => alerts.notify(inbound.entryId))).toBe(0);
    const rows = await deliveriesOf(res.body.id as string, 2);
    expect(rows.every((d) => d.status === 'sent')).toBe(true);
    const mail = smtp.messages.find((m) => m.parsed.messageId === `<${rows[0].emailMessageId}>`)!;
    expect(mail.parsed.subject).toMatch(/^Réponse de Dr Durand : Question \[R-/);
    expect(mail.parsed.html).toContain('Oui, merci &lt;b&gt;beaucoup&lt;/b&gt;');
    expect(mail.parsed.text).toContain('Oui, merci <b>beaucoup</b>');

    // Alerts follow the account settings: a manager who turned them off is no longer told; the author still is.
    expect((await as(world.manager).get('/v1/settings')).body.effective.replyAlerts).toBe(true);
    expect((await as(world.manager).patch('/v1/settings/me', { replyAlerts: false })).body).toMatchObject({ user: { replyAlerts: false }, effective: { replyAlerts: false } });
    expect((await as(world.manager).patch('/v1/settings/me', { replyAlerts: 'no' })).status).toBe(400);
    const reply = (inboundKey: string, body: string) =>
      inContext(async () => (await api.app.get(InboundAppend).appendMany([{ conversationId: res.body.id as string, origin: 'sms', inboundKey, senderAddress: '+33612345678', body }]))[0]);
    const alertedUsers = async (replyId: string) => {
      await inContext(() => alerts.notify(replyId));
      return (await sql<{ recipient_user_id: string }>(`select recipient_user_id from delivery where kind = 'reply_alert' and entry_id = ?`, [replyId])).map((r) => r.recipient_user_id);
    };
    const second = await reply(`sms:test-${res.body.id as string}`, 'Encore moi');
    expect(await alertedUsers(second.entryId)).toEqual([world.operatorId]);

    // The company's default off: accounts that follow it are not told; one that asked for alerts is.
    expect((await as(world.manager).patch('/v1/settings/company', { replyAlerts: false })).body.company.replyAlerts).toBe(false);
    await as(world.manager).patch('/v1/settings/me', { replyAlerts: true }).expect(200);
    const third = await reply(`sms:test3-${res.body.id as string}`, 'Toujours moi');
    expect(await alertedUsers(third.entryId)).toEqual([world.managerId]);
    await as(world.manager).patch('/v1/settings/company', { replyAlerts: true }).expect(200);
    // The company level has nothing to fall back on: null keeps its value; an operator may not change it.
    expect((await as(world.manager).patch('/v1/settings/company', { replyAlerts: null })).body.company.replyAlerts).toBe(true);
    await as(world.operator).patch('/v1/settings/company', { replyAlerts: false }).expect(403);
    expect((await as(world.manager).patch('/v1/settings/me', { replyAlerts: null })).body).toMatchObject({ user: { replyAlerts: null }, effective: { replyAlerts: true } });
  });

  it('a delivery claimed twice at once (a stalled job and its re-run) is claimed once', async () => {
    const [row] = await sql<{ id: string }>(`select id from delivery where company_id = ? and status = 'sent' limit 1`, [world.companyId]);
    await sql(`update delivery set status = 'pending' where id = ?`, [row.id]);
    const claims = api.app.get(DeliveryClaims);
    const [first, second, third] = await Promise.all([claims.claim(row.id), claims.claim(row.id), claims.claim(row.id)]);
    expect([first, second, third].filter(Boolean)).toHaveLength(1);
    await claims.settle({ id: row.id, status: 'sent', outcome: 'sent' });
    expect((await sql<{ status: string }>('select status from delivery where id = ?', [row.id]))[0].status).toBe('sent');
  });
});
