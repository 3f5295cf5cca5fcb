import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { filter, take, timeout } from 'rxjs/operators';
import twilio from 'twilio';
import { v7 as uuidv7 } from 'uuid';
import { SmsNumber } from '../../src/channels/sms-number.entity.js';
import { SecretBox } from '../../src/core/crypto/secret-box.js';
import { InboundSms } from '../../src/inbound/sms/inbound-sms.entity.js';
import { QuarantineItem } from '../../src/inbound/quarantine/quarantine-item.entity.js';
import { LiveEvents } from '../../src/conversations/live-events.service.js';
import { ConversationEntry } from '../../src/conversations/conversation.entity.js';
import { Delivery, OptOut } from '../../src/outbound/delivery.entity.js';
import { ThreadTag } from '../../src/conversations/conversation.entity.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { waitFor } from '../harness/services.js';
import { startTwilioEndpoint, twilioConfigFor, type TwilioEndpoint } from '../harness/twilio-endpoint.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';

const PUBLIC = 'https://relais.example.test';
const WEBHOOK = '/webhooks/twilio/sms';
const ACCOUNT = 'AC' + 'a1'.repeat(16);
const TOKEN = 'twilio-auth-token-of-company-one';
const OUR_NUMBER = '+33756781234';

const sid = () => `SM${randomBytes(16).toString('hex')}`;

describe('inbound SMS: signed Twilio webhooks, stored before acknowledged, threaded once', () => {
  let ctx: TestContext;
  let twilioApi: TwilioEndpoint;
  let numberId: string;
  let api: TestApi;
  let w: CompanyWorld;
  let em: () => EntityManager;
  const as = (token: string) => callerOf(api.http)(token);

  /** An SMS as Twilio posts it, signed the way Twilio signs (the helper's own algorithm). */
  const sms = (fields: Record<string, string>): Record<string, string> => ({ AccountSid: ACCOUNT, MessageSid: sid(), To: OUR_NUMBER, NumMedia: '0', Body: '', ...fields });
  const post = (params: Record<string, string>, sign: { url?: string; token?: string; signature?: string | null } = {}) => {
    const signature = sign.signature === undefined ? twilio.getExpectedTwilioSignature(sign.token ?? TOKEN, sign.url ?? `${PUBLIC}${WEBHOOK}`, params) : sign.signature;
    const request = api.http.post(WEBHOOK).type('form');
    return (signature === null ? request : request.set('X-Twilio-Signature', signature)).send(params);
  };
  const stored = (messageSid: string) => em().findOne(InboundSms, { messageSid });
  const processed = async (messageSid: string): Promise<InboundSms> => {
    await waitFor(async () => (await stored(messageSid))?.status !== 'received', 10_000, `SMS ${messageSid} processed`);
    return (await stored(messageSid))!;
  };
  /** An SMS copy Relais sent (what the outbound pipeline records), `daysAgo` back. */
  const smsCopy = async (messageId: string, address: string, daysAgo = 0, companyId = w.companyId) => {
    const e = em();
    e.create(Delivery, {
      companyId,
      outboxCopyId: uuidv7(),
      conversationId: messageId,
      channel: 'sms',
      recipientType: 'client',
      address,
      status: 'sent',
      createdAt: new Date(Date.now() - daysAgo * 86_400_000),
    });
    await e.flush();
  };
  const thread = async (body = 'Merci de rappeler') => (await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body }).expect(201)).body.id as string;

  beforeAll(async () => {
    // The tokens this account is given in turn (rotations, the second company's registration) and its two numbers.
    twilioApi = await startTwilioEndpoint({
      accounts: { [ACCOUNT]: [TOKEN, 'twilio-auth-token-after-rotation', 'twilio-auth-token-of-company-two'] },
      owned: { [ACCOUNT]: [OUR_NUMBER, '+33756789999', '+33756781111'] },
    });
    ctx = await TestContext.create((config) =>
      twilioConfigFor(twilioApi, { ...config, publicBaseUrl: PUBLIC, logLevel: 'silent', inboundSms: { ...config.inboundSms, requeueAfterMs: 1_000 } }),
    );
    api = await ctx.startApi();
    await ctx.startWorker();
    em = () => api.app.get(EntityManager).fork();
    w = await aCompanyWorld(api.app, api.http);
    numberId = (await as(w.manager).post('/v1/channels/sms-numbers', { phoneNumber: OUR_NUMBER, accountSid: ACCOUNT, authToken: TOKEN }).expect(201)).body.id;
  });
  afterAll(async () => {
    await ctx.close();
    await twilioApi.close();
  });

  it('round trip: an SMS copy sent through Twilio, the client answers it, the answer lands on the thread', async () => {
    await as(w.manager).patch(`/v1/clients/${w.clientId}`, { mobile: '+33610101010' }).expect(200);
    const first = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Premier message', copies: ['sms'] }).expect(201);
    const second = await as(w.operator).post(`/v1/clients/${w.clientId}/messages`, { body: 'Second message', copies: ['sms'] }).expect(201);
    const [copyOfFirst] = (await twilioApi.waitFor(2, 15_000)).filter((m) => m.form.Body.includes('Premier message'));
    expect(copyOfFirst.form).toMatchObject({ To: '+33610101010', From: OUR_NUMBER });
    const code = /\[(R-[0-9A-Z]+)\]/.exec(copyOfFirst.form.Body)![1];
    const plain = sms({ From: '+33610101010', Body: 'Merci, bien reçu' });
    const coded = sms({ From: '+33610101010', Body: `${code} d'accord pour demain` });
    await post(plain).expect(200);
    await post(coded).expect(200);
    // Two recent threads texted this number: the code picks the first, otherwise the latest one.
    expect(await processed(coded.MessageSid)).toMatchObject({ status: 'threaded', messageId: first.body.id });
    expect(await processed(plain.MessageSid)).toMatchObject({ status: 'threaded', messageId: second.body.id });
    await as(w.manager).patch(`/v1/clients/${w.clientId}`, { mobile: null }).expect(200);
  });

  it('stores a signed SMS, answers an empty TwiML, and threads it to the thread that texted the number', async () => {
    const messageId = await thread();
    await smsCopy(messageId, '+33611000001', 3);
    const replied = firstValueFrom(api.app.get(LiveEvents).stream().pipe(filter((e) => e.messageId === messageId && e.type === 'message.replied'), take(1), timeout(10_000)));
    const params = sms({ From: '+33611000001', Body: 'Oui, je rappelle demain matin.' });
    const response = await post(params).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(response.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await stored(params.MessageSid)).toMatchObject({ companyId: w.companyId, body: 'Oui, je rappelle demain matin.' });
    expect(await processed(params.MessageSid)).toMatchObject({ status: 'threaded', messageId, fromAddress: '+33611000001' });
    await replied;
    const view = await as(w.operator).get(`/v1/messages/${messageId}`).expect(200);
    expect(view.body.replies).toEqual([
      expect.objectContaining({ origin: 'sms', senderAddress: '+33611000001', body: 'Oui, je rappelle demain matin.', authorId: null, attachments: [] }),
    ]);
    // The thread's author and the managers get an email alert, as for an email reply.
    const alerts = await em().find(Delivery, { entryId: view.body.replies[0].id, kind: 'reply_alert' });
    expect(alerts.map((a) => a.recipientUserId).sort()).toEqual([w.managerId, w.operatorId].sort());
  });

  it('records MMS media on the reply and names the client account when the number is its mobile', async () => {
    await as(w.manager).patch(`/v1/users/${w.clientAccountId}`, { mobile: '+33622000002' }).expect(200);
    const messageId = await thread();
    await smsCopy(messageId, '+33622000002');
    const params = sms({
      From: '+33622000002',
      Body: 'Voici la photo',
      NumMedia: '2',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME1',
      MediaContentType0: 'image/jpeg',
      MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME2',
      MediaContentType1: 'application/pdf',
    });
    await post(params).expect(200);
    expect(await processed(params.MessageSid)).toMatchObject({ status: 'threaded', messageId });
    const reply = await em().findOneOrFail(ConversationEntry, { inboundKey: `sms:${params.MessageSid}` });
    expect(reply).toMatchObject({ authorId: w.clientAccountId, senderName: 'Dr Durand', conversationId: messageId });
    expect(reply.attachments).toEqual([
      { name: 'mms-1', contentType: 'image/jpeg', size: null, location: params.MediaUrl0 },
      { name: 'mms-2', contentType: 'application/pdf', size: null, location: params.MediaUrl1 },
    ]);
  });

  it('picks the most recent thread, or the one whose code the SMS quotes; ignores copies older than the window', async () => {
    const [older, recent, stale] = [await thread('A'), await thread('B'), await thread('C')];
    await smsCopy(stale, '+33633000003', 20);
    await smsCopy(older, '+33633000003', 2);
    await smsCopy(recent, '+33633000003', 1);
    const e = em();
    e.create(ThreadTag, { companyId: w.companyId, conversationId: older, tag: 'R-7K2QX' });
    await e.flush();
    const plain = sms({ From: '+33633000003', Body: 'Bien reçu' });
    const coded = sms({ From: '+33633000003', Body: 'Pour r-7k2qx : c’est d’accord' });
    await post(plain).expect(200);
    await post(coded).expect(200);
    expect((await processed(plain.MessageSid)).messageId).toBe(recent);
    expect((await processed(coded.MessageSid)).messageId).toBe(older);
  });

  it('reads numbers as E.164 with France as the default region, foreign numbers as they are', async () => {
    const messageId = await thread();
    await smsCopy(messageId, '+32470123456');
    const foreign = sms({ From: '+32470123456', Body: 'Depuis la Belgique', To: '07 56 78 12 34' });
    await post(foreign).expect(200);
    expect(await processed(foreign.MessageSid)).toMatchObject({ status: 'threaded', messageId, fromAddress: '+32470123456' });
  });

  it('opens a new thread on the file of a known contact with no recent thread, once', async () => {
    const params = sms({ From: '0612345678', Body: 'Bonjour, je souhaite un rendez-vous' });
    await post(params).expect(200);
    const done = await processed(params.MessageSid);
    expect(done).toMatchObject({ status: 'composed', fromAddress: '+33612345678' });
    const view = await as(w.operator).get(`/v1/messages/${done.messageId}`).expect(200);
    expect(view.body).toMatchObject({ clientId: w.clientId, contactId: w.contactId, subject: 'SMS de Mme Petit', unread: true });
    expect(view.body.replies).toEqual([expect.objectContaining({ origin: 'sms', senderAddress: '+33612345678', senderName: 'Mme Petit' })]);
  });

  it('quarantines an unknown sender, and an operator assigns it to a thread as an SMS reply', async () => {
    const params = sms({ From: '+33644000004', Body: 'Qui est-ce ?' });
    await post(params).expect(200);
    const done = await processed(params.MessageSid);
    expect(done).toMatchObject({ status: 'quarantined', outcome: 'unknown_sender' });
    const item = await em().findOneOrFail(QuarantineItem, { channel: 'sms', sourceId: done.id });
    expect(item).toMatchObject({ companyId: w.companyId, reason: 'unknown_sender', sender: '+33644000004', preview: 'Qui est-ce ?' });
    const messageId = await thread();
    await as(w.manager).post(`/v1/quarantine/${item.id}/assign`, { messageId }).expect(200);
    const view = await as(w.operator).get(`/v1/messages/${messageId}`).expect(200);
    expect(view.body.replies).toEqual([expect.objectContaining({ origin: 'sms', body: 'Qui est-ce ?', senderAddress: '+33644000004' })]);
    expect(await stored(params.MessageSid)).toMatchObject({ status: 'threaded', messageId });
  });

  it('quarantines with the reason what cannot be a reply: too long, empty, not a phone number', async () => {
    const messageId = await thread();
    await smsCopy(messageId, '+33655000005');
    const cases = [
      [sms({ From: '+33655000005', Body: 'x'.repeat(1601) }), 'body_too_long'],
      [sms({ From: '+33655000005', Body: '   ' }), 'empty_body'],
      [sms({ From: 'ORANGE', Body: 'Votre forfait' }), 'invalid_sender'],
    ] as const;
    for (const [params] of cases) await post(params).expect(200);
    for (const [params, reason] of cases) expect(await processed(params.MessageSid)).toMatchObject({ status: 'quarantined', outcome: reason });
    expect((await stored(cases[0][0].MessageSid))!.messageId).toBe(messageId);
  });

  it('acknowledges a signed SMS holding NUL bytes (in Body or any field) with 200, stores it once and threads it, the NULs replaced', async () => {
    const messageId = await thread();
    await smsCopy(messageId, '+33655000025');
    const params = sms({ From: '+33655000025', Body: 'Rappel\u0000 demain', FromCity: 'PARIS\u0000', SmsStatus: 'received' });
    const answers = [await post(params), await post(params)]; // Twilio retrying changes nothing
    expect(answers.map((a) => [a.status, a.text])).toEqual([
      [200, '<?xml version="1.0" encoding="UTF-8"?><Response/>'],
      [200, '<?xml version="1.0" encoding="UTF-8"?><Response/>'],
    ]);
    expect(await processed(params.MessageSid)).toMatchObject({ status: 'threaded', messageId, body: 'Rappel\uFFFD demain' });
    expect((await stored(params.MessageSid))!.params).toMatchObject({ Body: 'Rappel\uFFFD demain', FromCity: 'PARIS\uFFFD' });
    expect(await em().count(InboundSms, { messageSid: params.MessageSid })).toBe(1);
    const view = await as(w.operator).get(`/v1/messages/${messageId}`).expect(200);
    expect(view.body.replies.map((r: { body: string }) => r.body)).toEqual(['Rappel\uFFFD demain']);
  });

  it('refuses forged, mis-addressed and incomplete webhooks and stores nothing', async () => {
    const before = await em().count(InboundSms, {});
    const params = sms({ From: '+33611000001', Body: 'forgé' });
    expect((await post(params, { signature: null }).expect(403)).body.code).toBe('permission_denied');
    await post(params, { signature: 'AiMJiFCmwgYTENQ9ZqZxgRGb84s=' }).expect(403);
    await post(params, { token: 'another-token-entirely-0000000000' }).expect(403);
    await post(params, { url: `http://localhost:3000${WEBHOOK}` }).expect(403);
    await post({ ...params, Body: 'changed after signing' }, { signature: twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${WEBHOOK}`, params) }).expect(403);
    await post({ ...params, AccountSid: 'AC' + 'b2'.repeat(16) }).expect(403);
    const without = (field: string) => Object.fromEntries(Object.entries(params).filter(([key]) => key !== field));
    expect((await post(without('MessageSid')).expect(400)).body.code).toBe('validation_failed');
    await post({ ...params, MessageSid: 'SM123' }).expect(400);
    await post(without('From')).expect(400);
    await post(without('To')).expect(400);
    await post({ ...params, NumMedia: 'deux' }).expect(400);
    await post({ ...params, NumMedia: '1', MediaUrl0: 'javascript:alert(1)' }).expect(400);
    expect((await post({ ...params, To: '+33700000000' }).expect(404)).body.code).toBe('not_found');
    await api.http.post(WEBHOOK).set('X-Twilio-Signature', 'x').send(params).expect(415);
    await api.http.post(WEBHOOK).set('X-Twilio-Signature', 'x').expect(415);
    await api.http.post(WEBHOOK).type('form').send('To=%2B33756781234&To=%2B33756781234').expect(400);
    expect(await em().count(InboundSms, {})).toBe(before);
  });

  it('stores a replayed webhook once and makes one reply, also when the retries race', async () => {
    const messageId = await thread();
    await smsCopy(messageId, '+33666000006');
    const params = sms({ From: '+33666000006', Body: 'Une seule fois' });
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(params)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    await processed(params.MessageSid);
    await post(params).expect(200);
    expect(await em().count(InboundSms, { messageSid: params.MessageSid })).toBe(1);
    expect(await em().count(ConversationEntry, { conversationId: messageId })).toBe(1);
  });

  it('stores a burst of webhooks arriving together once each, replays included, and threads every SMS once', async () => {
    const messageId = await thread();
    await smsCopy(messageId, '+33666000016');
    const burst = Array.from({ length: 30 }, (_, i) => sms({ From: '+33666000016', Body: `Réponse ${i}` }));
    // Every SMS twice at once (a retry racing the first delivery), all in flight together.
    const answers = await Promise.all([...burst, ...burst].map((params) => post(params)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 60 }, () => 200));
    for (const params of burst) expect(await processed(params.MessageSid)).toMatchObject({ status: 'threaded', messageId, fromAddress: '+33666000016' });
    const sids = burst.map((params) => params.MessageSid);
    expect(await em().count(InboundSms, { messageSid: { $in: sids } })).toBe(30);
    const replies = await em().find(ConversationEntry, { conversationId: messageId });
    expect(replies.map((r) => r.inboundKey).sort()).toEqual(sids.map((sid) => `sms:${sid}`).sort());
  });

  it('STOP, ARRÊT… opt the number out; START opts it back in; AIDE gets the help text; none is posted as a reply', async () => {
    const messageId = await thread();
    await smsCopy(messageId, '+33677000007');
    const optOut = () => em().findOne(OptOut, { companyId: w.companyId, channel: 'sms', address: '+33677000007' });
    const stop = sms({ From: '+33677000007', Body: ' Arrêt ! ' });
    await post(stop).expect(200);
    expect(await processed(stop.MessageSid)).toMatchObject({ status: 'opted_out' });
    expect(await optOut()).toMatchObject({ source: 'keyword' });
    const start = sms({ From: '+33677000007', Body: 'start' });
    await post(start).expect(200);
    expect(await processed(start.MessageSid)).toMatchObject({ status: 'opted_in' });
    expect(await optOut()).toBeNull();
    for (const word of ['STOPSMS', 'unsubscribe', 'Stop.']) {
      const again = sms({ From: '+33677000007', Body: word });
      await post(again).expect(200);
      expect(await processed(again.MessageSid)).toMatchObject({ status: 'opted_out' });
    }
    expect(await em().count(OptOut, { address: '+33677000007' })).toBe(1);
    const help = sms({ From: '+33677000007', Body: 'aide' });
    const answer = await post(help).expect(200);
    expect(answer.text).toContain('<Response><Message>Relais : répondez à ce SMS');
    expect(await processed(help.MessageSid)).toMatchObject({ status: 'help' });
    expect(await em().count(ConversationEntry, { conversationId: messageId })).toBe(0);
  });

  it('STOP, then a new message with an SMS copy: the copy is skipped as opted out', async () => {
    await as(w.manager).patch(`/v1/clients/${w.otherClientId}`, { mobile: '+33699000009' }).expect(200);
    const stop = sms({ From: '+33699000009', Body: 'STOP' });
    await post(stop).expect(200);
    expect(await processed(stop.MessageSid)).toMatchObject({ status: 'opted_out' });
    const created = await as(w.operator).post(`/v1/clients/${w.otherClientId}/messages`, { body: 'Nouveau message', copies: ['sms'] }).expect(201);
    const copy = () => em().findOne(Delivery, { conversationId: created.body.id, channel: 'sms' });
    await waitFor(async () => (await copy()) !== null, 10_000, 'the SMS copy relayed');
    expect(await copy()).toMatchObject({ status: 'skipped', address: '+33699000009', failureReason: 'opted_out' });
    expect(twilioApi.messages.filter((m) => m.form.To === '+33699000009')).toEqual([]);
  });

  it('processes an SMS stored whose job was lost (crash between the insert and the enqueue)', async () => {
    const messageId = await thread();
    await smsCopy(messageId, '+33611000011');
    const e = em();
    const orphan = e.create(InboundSms, {
      companyId: w.companyId,
      messageSid: sid(),
      accountSid: ACCOUNT,
      smsNumberId: uuidv7(),
      fromRaw: '+33611000011',
      toRaw: OUR_NUMBER,
      body: 'Stocké, jamais mis en file',
      params: {},
    });
    await e.flush();
    expect(await processed(orphan.messageSid)).toMatchObject({ status: 'threaded', messageId });
  });

  it('honours a rotated auth token at once, and refuses the old one', async () => {
    await post(sms({ From: '+33611000001', Body: 'avant rotation' })).expect(200);
    const rotated = 'twilio-auth-token-after-rotation';
    await as(w.manager).patch(`/v1/channels/sms-numbers/${numberId}`, { authToken: rotated }).expect(200);
    await post(sms({ From: '+33611000001', Body: 'ancien jeton' })).expect(403);
    await post(sms({ From: '+33611000001', Body: 'nouveau jeton' }), { token: rotated }).expect(200);
    await as(w.manager).patch(`/v1/channels/sms-numbers/${numberId}`, { authToken: TOKEN }).expect(200);
    await post(sms({ From: '+33611000001', Body: 'jeton rétabli' })).expect(200);
  });

  it('a number squatted before ownership was checked: the genuine webhooks are refused until the owner registers it, then stored for the owner', async () => {
    const squatter = await aCompanyWorld(api.app, api.http, 'Permanence squatteuse');
    // As registered before Twilio was asked: the squatter's guessed token, never verified.
    const e = em();
    e.create(SmsNumber, { companyId: squatter.companyId, phoneNumber: '+33756781111', accountSid: ACCOUNT, authTokenSealed: api.app.get(SecretBox).seal('a-token-the-squatter-made-up') });
    await e.flush();
    const genuine = sms({ From: '+33699000011', To: '+33756781111', Body: 'Bonjour, ici le vrai client' });
    await post(genuine).expect(403);
    // Its own registration: the squatter cannot prove the number is its own.
    expect((await as(squatter.manager).post('/v1/channels/sms-numbers', { phoneNumber: '+33756781111', accountSid: ACCOUNT, authToken: 'a-token-the-squatter-made-up' }).expect(422)).body.code).toBe(
      'sms_number_not_verified',
    );
    await as(w.manager).post('/v1/channels/sms-numbers', { phoneNumber: '+33756781111', accountSid: ACCOUNT, authToken: TOKEN }).expect(201);
    await post(genuine).expect(200);
    expect(await processed(genuine.MessageSid)).toMatchObject({ companyId: w.companyId });
    await post(sms({ From: '+33699000011', To: '+33756781111', Body: 'forgé' }), { token: 'a-token-the-squatter-made-up' }).expect(403);
  });

  it('keeps companies apart: an SMS to another company’s number never reaches this company’s threads', async () => {
    const other = await aCompanyWorld(api.app, api.http, 'Autre permanence');
    const otherToken = 'twilio-auth-token-of-company-two';
    await callerOf(api.http)(other.manager).post('/v1/channels/sms-numbers', { phoneNumber: '+33756789999', accountSid: ACCOUNT, authToken: otherToken }).expect(201);
    const messageId = await thread();
    await smsCopy(messageId, '+33688000008');
    const params = sms({ From: '+33688000008', To: '+33756789999', Body: 'Pour la bonne permanence ?' });
    await post(params).expect(403);
    await post(params, { token: otherToken }).expect(200);
    expect(await processed(params.MessageSid)).toMatchObject({ companyId: other.companyId, status: 'quarantined', outcome: 'unknown_sender' });
    expect(await em().count(ConversationEntry, { conversationId: messageId })).toBe(0);
  });
});
