import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { type LiveEvent, LiveEvents } from '../../src/conversations/live-events.service.js';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildMail } from '../fixtures/mail/builder.js';
import { IMAP, waitFor } from '../harness/services.js';
import { type CapturedMail, type SmtpListener, startSmtpListener } from '../harness/smtp-listener.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';
import { liveChannelsConfig, startTwilioEndpoint, type TwilioEndpoint } from '../harness/twilio-endpoint.js';

const PUBLIC = 'https://relais.example.test';
const ACCOUNT = 'AC' + 'c3'.repeat(16);
const TOKEN = 'twilio-auth-token-of-the-exchanges-spec';
const OUR_NUMBER = '+33756780043';

/**
 * An exchange sent by email goes out through the outbound pipeline from its own template (reply
 * address, Message-ID, subject tag), to the contact chosen; the contact's answer, appended by IMAP to
 * the watched mailbox, comes back as a received exchange on the intervention, in its summary, with
 * staff alerted. The same by SMS. Two concurrent sends of one draft make one email.
 */
describe('exchanges sent by email and SMS, and the answers coming back', () => {
  const folder = `spec-exchanges-${randomBytes(4).toString('hex')}`;
  let ctx: TestContext;
  let api: TestApi;
  let smtp: SmtpListener;
  let twilioApi: TwilioEndpoint;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let imap: MailboxSession;
  let interventionId: string;
  let contactId: string;
  const events: LiveEvent[] = [];
  const sql = <T>(query: string, params: unknown[] = []) => boundSql<T>(api.app.get(EntityManager).fork(), query, params);
  const exchanges = async () => (await as(world.operator).get(`/v1/interventions/${interventionId}/exchanges`).expect(200)).body as Record<string, unknown>[];

  beforeAll(async () => {
    smtp = await startSmtpListener();
    twilioApi = await startTwilioEndpoint({ accounts: { [ACCOUNT]: [TOKEN] }, owned: { [ACCOUNT]: [OUR_NUMBER] } });
    ctx = await TestContext.create((c) => liveChannelsConfig(c, { smtpPort: smtp.port, twilio: twilioApi, publicBaseUrl: PUBLIC }));
    api = await ctx.startApi();
    world = await aCompanyWorld(api.app, api.http, 'Dépannage Express');
    as = callerOf(api.http);
    await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@depannage.test', name: 'Dépannage Express' }).expect(200);
    await as(world.manager).post('/v1/channels/sms-numbers', { phoneNumber: OUR_NUMBER, accountSid: ACCOUNT, authToken: TOKEN }).expect(201);
    contactId = (await as(world.manager).post(`/v1/clients/${world.clientId}/contacts`, { name: 'Mme Roux', email: 'roux@client.test', phone: '06 11 22 33 44' }).expect(201)).body.id;
    imap = await new ImapFlowMailboxClient().connect({ host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password });
    await imap.ensureFolder(folder);
    await as(world.manager)
      .post('/v1/channels/mailboxes', {
        name: 'Réponses', host: IMAP.host, port: IMAP.port, secure: false, username: IMAP.user, password: IMAP.password,
        folder, processedFolder: `${folder}-done`, failedFolder: `${folder}-failed`,
      })
      .expect(201);
    await ctx.startWorker();
    api.app.get(LiveEvents).stream().subscribe((event) => events.push(event));
    interventionId = (await as(world.operator).post('/v1/interventions', { clientId: world.clientId, contactId, title: 'Chaudière en panne', status: 'in_progress' }).expect(201)).body.id;
  }, 120_000);
  afterAll(async () => {
    await ctx.close();
    for (const name of [folder, `${folder}-done`, `${folder}-failed`]) await imap.deleteFolder(name).catch(() => undefined);
    await imap.close();
    await smtp.close();
    await twilioApi.close();
  }, 60_000);

  it('sends an exchange by email to the contact from the exchange template, and records it as a transmitted email with its delivery status', async () => {
    const sent = await as(world.operator)
      .post(`/v1/interventions/${interventionId}/exchanges`, { subject: 'Rendez-vous jeudi', detail: 'Le technicien passera jeudi entre 8 h et 10 h.', send: true })
      .expect(201);
    expect(sent.body).toMatchObject({ direction: 'transmitted', type: 'email', status: 'sent', sentChannel: 'email', recipientEmail: 'roux@client.test' });
    let email: CapturedMail | undefined;
    await waitFor(() => Promise.resolve(Boolean((email = smtp.messages.find((m) => m.parsed.subject?.includes('Rendez-vous jeudi'))))), 15_000, 'the exchange’s email');
    const [{ tag }] = await sql<{ tag: string }>('select tag from thread_tag where conversation_id = ?', [interventionId]);
    expect(email!.parsed.subject).toBe(`Rendez-vous jeudi [${tag}]`);
    expect(email!.envelope.to).toEqual(['roux@client.test']);
    expect(email!.parsed.text).toContain('Le technicien passera jeudi entre 8 h et 10 h.');
    expect(email!.parsed.text).toContain('Intervention : Chaudière en panne');
    expect(email!.parsed.replyTo?.value[0].address).toMatch(/^reply\+/);
    expect(email!.parsed.messageId).toMatch(/^<.+@.+>$/);
    await waitFor(async () => (await as(world.operator).get(`/v1/exchanges/${sent.body.id}`)).body.deliveryStatus === 'sent', 10_000, 'the delivery status');
    const got = (await as(world.operator).get(`/v1/exchanges/${sent.body.id}`)).body;
    expect(got.copies).toEqual([{ channel: 'email', address: 'roux@client.test', status: 'sent', failureReason: null }]);
    // Sent: neither edited nor deleted (409 with its code).
    expect((await as(world.operator).patch(`/v1/exchanges/${sent.body.id}`, { detail: 'autre' }).expect(409)).body.code).toBe('exchange_sent');
    expect((await as(world.manager).del(`/v1/exchanges/${sent.body.id}`).expect(409)).body.code).toBe('exchange_sent');
  });

  it('threads the contact’s email answer (IMAP APPEND) back as a received exchange, in the summary, with staff alerted', async () => {
    const copy = smtp.messages.find((m) => m.parsed.subject?.includes('Rendez-vous jeudi'))!;
    const messageId = copy.parsed.messageId!.slice(1, -1);
    const text = `Jeudi me convient parfaitement.\n\nLe 4 déc. 2026 à 09:12, Dépannage Express <accueil@depannage.test> a écrit :\n> Le technicien passera jeudi.\n`;
    await imap.append(folder, buildMail({ from: 'Mme Roux <roux@client.test>', to: copy.parsed.replyTo!.value[0].address!, subject: `Re: ${copy.parsed.subject}`, inReplyTo: messageId, references: [messageId], text }));
    await waitFor(async () => (await exchanges()).some((x) => x.direction === 'received'), 15_000, 'the answer as a received exchange');
    const received = (await exchanges()).find((x) => x.direction === 'received')!;
    expect(received).toMatchObject({ type: 'email', origin: 'email', detail: 'Jeudi me convient parfaitement.', senderAddress: 'roux@client.test', sentById: contactId, status: 'recorded' });
    const summary = (await as(world.operator).get(`/v1/interventions/${interventionId}`)).body.summary;
    expect(summary).toMatchObject({ exchangeCount: 2, latestPreview: 'Jeudi me convient parfaitement.' });
    await waitFor(() => Promise.resolve(events.some((e) => e.type === 'exchange.replied' && e.messageId === interventionId)), 5_000, 'the exchange.replied live event');
    const alerts = await sql<{ recipient_user_id: string }>(`select recipient_user_id from delivery where conversation_id = ? and kind = 'reply_alert'`, [interventionId]);
    expect(alerts.map((a) => a.recipient_user_id)).toContain(world.operatorId);
  });

  it('sends a draft once when two sends race: one email, the other 409 exchange_sent', async () => {
    const draft = await as(world.operator).post(`/v1/interventions/${interventionId}/exchanges`, { subject: 'Devis n° 42', detail: 'Veuillez trouver notre devis.', draft: true }).expect(201);
    const [a, b] = await Promise.all([as(world.operator).post(`/v1/exchanges/${draft.body.id}/send`, {}), as(world.operator).post(`/v1/exchanges/${draft.body.id}/send`, {})]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.code).toBe('exchange_sent');
    await waitFor(() => Promise.resolve(smtp.messages.some((m) => m.parsed.subject?.includes('Devis n° 42'))), 15_000, 'the draft’s email');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(smtp.messages.filter((m) => m.parsed.subject?.includes('Devis n° 42'))).toHaveLength(1);
    const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from outbox_copy oc join exchange x on x.entry_id = oc.entry_id where x.id = ?`, [draft.body.id]);
    expect(n).toBe(1);
  });

  it('sends by SMS to the contact’s mobile, and threads the SMS answer back as a received exchange', async () => {
    const sent = await as(world.operator).post(`/v1/interventions/${interventionId}/exchanges`, { detail: 'Le technicien arrive dans 10 minutes.', send: true, channel: 'sms' }).expect(201);
    expect(sent.body).toMatchObject({ type: 'sms', sentChannel: 'sms' });
    const [sms] = await twilioApi.waitFor(1, 15_000);
    expect(sms.form).toMatchObject({ To: '+33611223344', From: OUR_NUMBER });
    expect(sms.form.Body).toContain('Dépannage Express: Le technicien arrive dans 10 minutes.');
    const form = { AccountSid: ACCOUNT, MessageSid: `SM${randomBytes(16).toString('hex')}`, From: '+33611223344', To: OUR_NUMBER, NumMedia: '0', Body: 'Je vous attends' };
    const signature = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/sms`, form);
    await api.http.post('/webhooks/twilio/sms').type('form').set('X-Twilio-Signature', signature).send(form).expect(200);
    await waitFor(async () => (await exchanges()).some((x) => x.origin === 'sms'), 15_000, 'the SMS answer as an exchange');
    expect((await exchanges()).find((x) => x.origin === 'sms')).toMatchObject({ direction: 'received', type: 'sms', detail: 'Je vous attends', senderAddress: '+33611223344', sentById: contactId });
  });

  it('lets an operator assign a quarantined mail to the intervention: it becomes a received exchange', async () => {
    await imap.append(folder, buildMail({ from: 'Inconnu <inconnu@ailleurs.test>', to: 'reponses@relais.test', subject: 'Chaudière', text: 'Avez-vous une date ?' }));
    let itemId = '';
    await waitFor(
      async () => Boolean((itemId = ((await as(world.manager).get('/v1/quarantine?status=open&channel=email')).body.items as { id: string }[])[0]?.id ?? '')),
      15_000,
      'the stranger’s mail quarantined',
    );
    await as(world.manager).post(`/v1/quarantine/${itemId}/assign`, { messageId: interventionId }).expect(200);
    await waitFor(async () => (await exchanges()).some((x) => x.detail === 'Avez-vous une date ?'), 15_000, 'the assigned mail as an exchange');
  });
});
