import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { type LiveEvent, LiveEvents } from '../../src/conversations/live-events.service.js';
import { ImapFlowMailboxClient } from '../../src/channels/imap/imapflow-mailbox.client.js';
import type { MailboxSession } from '../../src/channels/imap/mailbox.port.js';
import { aCompanyWorld, type CompanyWorld } from '../factories/world.factory.js';
import { buildMail } from '../fixtures/mail/builder.js';
import { IMAP, waitFor } from '../harness/services.js';
import { type CapturedMail, type SmtpListener, startSmtpListener } from '../harness/smtp-listener.js';
import { callerOf, type TestApi, TestContext } from '../harness/test-context.js';
import { liveChannelsConfig, startTwilioEndpoint, type TwilioEndpoint } from '../harness/twilio-endpoint.js';
import { openTicket, TicketKind } from '../kinds/ticket.kind.js';

const PUBLIC = 'https://relais.example.test';
const ACCOUNT = 'AC' + 'b2'.repeat(16);
const TOKEN = 'twilio-auth-token-of-the-ticket-spec';
const OUR_NUMBER = '+33756780042';
const CLIENT_MOBILE = '+33610424242';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The import specifiers of every production TypeScript file under `dir` (specs left out), with the file they are in. */
function importsUnder(dir: string): { file: string; specifier: string }[] {
  const found: { file: string; specifier: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...importsUnder(path));
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) {
      for (const match of readFileSync(path, 'utf8').matchAll(/(?:import|export)\s[^;]*?from\s+'([^']+)'/g)) found.push({ file: relative(ROOT, path), specifier: match[1] });
    }
  }
  return found;
}

/**
 * A new kind of conversation plugs into the core without a line changed in outbound/ or inbound/:
 * a spec-only kind (support tickets, test/kinds/ticket.kind.ts, a table of its own) registers with
 * ConversationKinds, and gets email and SMS copies from the shipped templates and its clients'
 * email and SMS answers threaded back, by the same paths messages use.
 */
describe('conversation kinds: a kind the core has never seen gets copies and threaded replies', () => {
  const folder = `spec-kind-${randomBytes(4).toString('hex')}`;
  let ctx: TestContext;
  let api: TestApi;
  let smtp: SmtpListener;
  let twilioApi: TwilioEndpoint;
  let world: CompanyWorld;
  let as: ReturnType<typeof callerOf>;
  let imap: MailboxSession;
  let ticketId: string;
  const events: LiveEvent[] = [];
  const sql = <T>(query: string, params: unknown[] = []) => boundSql<T>(api.app.get(EntityManager).fork(), query, params);
  const entries = (conversationId: string) =>
    sql<{ origin: string; body: string; sender_address: string; author_id: string | null }>(
      'select origin, body, sender_address, author_id from conversation_entry where conversation_id = ? order by created_at, id',
      [conversationId],
    );

  beforeAll(async () => {
    smtp = await startSmtpListener();
    twilioApi = await startTwilioEndpoint({ accounts: { [ACCOUNT]: [TOKEN] }, owned: { [ACCOUNT]: [OUR_NUMBER] } });
    ctx = await TestContext.create((c) => liveChannelsConfig(c, { smtpPort: smtp.port, twilio: twilioApi, publicBaseUrl: PUBLIC }));
    api = await ctx.startApi();
    await TicketKind.createTable(api.app.get(EntityManager).fork());
    TicketKind.register(api.app);
    world = await aCompanyWorld(api.app, api.http, 'Permanence Tickets');
    as = callerOf(api.http);
    await as(world.manager).put('/v1/channels/email-sender', { address: 'accueil@tickets.test', name: 'Permanence Tickets' }).expect(200);
    await as(world.manager).post('/v1/channels/sms-numbers', { phoneNumber: OUR_NUMBER, accountSid: ACCOUNT, authToken: TOKEN }).expect(201);
    await as(world.manager).patch(`/v1/clients/${world.clientId}`, { mobile: CLIENT_MOBILE }).expect(200);
    imap = await new ImapFlowMailboxClient().connect({ host: IMAP.host, port: IMAP.port, secure: false, user: IMAP.user, password: IMAP.password });
    await imap.ensureFolder(folder);
    await as(world.manager)
      .post('/v1/channels/mailboxes', {
        name: 'Réponses',
        host: IMAP.host,
        port: IMAP.port,
        secure: false,
        username: IMAP.user,
        password: IMAP.password,
        folder,
        processedFolder: `${folder}-done`,
        failedFolder: `${folder}-failed`,
      })
      .expect(201);
    // The worker (relay, senders, mailbox watcher, SMS jobs) holds its own register of kinds.
    TicketKind.register(await ctx.startWorker());
    api.app.get(LiveEvents).stream().subscribe((event) => events.push(event));
    ticketId = await openTicket(api.app, {
      companyId: world.companyId,
      clientId: world.clientId,
      authorId: world.operatorId,
      title: 'Chaudière en panne',
      details: 'Le technicien passe jeudi entre 8 h et 10 h.',
      watchers: [world.managerId],
      copies: ['email', 'sms'],
    });
  }, 120_000);
  afterAll(async () => {
    await ctx.close();
    for (const name of [folder, `${folder}-done`, `${folder}-failed`]) await imap.deleteFolder(name).catch(() => undefined);
    await imap.close();
    await smtp.close();
    await twilioApi.close();
  }, 60_000);

  it('outbound and inbound import no kind: only the conversation core (the ticket kind is nowhere in src/)', () => {
    const crossing = ['outbound', 'inbound', 'conversations']
      .flatMap((dir) => importsUnder(join(ROOT, 'src', dir)))
      .filter(({ specifier }) => /\/(messages|exchanges|discussions)\//.test(specifier) || specifier.includes('test/kinds'));
    expect(crossing).toEqual([]);
    const mentions = [...new Set(['outbound', 'inbound', 'conversations'].flatMap((dir) => importsUnder(join(ROOT, 'src', dir)).map(({ file }) => file)))].filter((file) =>
      /ticket/i.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(mentions).toEqual([]);
  });

  it('sends the ticket’s email and SMS copies from the shipped templates, with its subject, text and thread tag', async () => {
    let email: CapturedMail | undefined;
    await waitFor(() => Promise.resolve(Boolean((email = smtp.messages.find((m) => m.parsed.subject?.includes('Ticket : Chaudière en panne'))))), 15_000, 'the ticket’s email copy');
    const [{ tag }] = await sql<{ tag: string }>('select tag from thread_tag where conversation_id = ?', [ticketId]);
    expect(email!.parsed.subject).toBe(`Ticket : Chaudière en panne [${tag}]`);
    expect(email!.parsed.text).toContain('Le technicien passe jeudi entre 8 h et 10 h.');
    expect(email!.parsed.replyTo?.value[0].address).toMatch(/@/);
    const [sms] = await twilioApi.waitFor(1, 15_000);
    expect(sms.form).toMatchObject({ To: CLIENT_MOBILE, From: OUR_NUMBER });
    expect(sms.form.Body).toBe(`Permanence Tickets: Ticket : Chaudière en panne - Le technicien passe jeudi entre 8 h et 10 h. [${tag}]`);
    const copies = await sql<{ channel: string; status: string }>(`select channel, status from delivery where conversation_id = ? and kind = 'copy' order by channel`, [ticketId]);
    expect(copies).toEqual([
      { channel: 'email', status: 'sent' },
      { channel: 'sms', status: 'sent' },
    ]);
  });

  it('threads the client’s email answer and a watcher’s into the ticket, trimmed, and tells viewers ticket.replied', async () => {
    const copy = smtp.messages.find((m) => m.parsed.subject?.includes('Ticket : Chaudière en panne'))!;
    const messageId = copy.parsed.messageId!.slice(1, -1);
    const text = `Jeudi me convient.\n\nLe 4 déc. 2026 à 09:12, Permanence Tickets <accueil@tickets.test> a écrit :\n> Le technicien passe jeudi entre 8 h et 10 h.\n`;
    await imap.append(folder, buildMail({ to: copy.parsed.replyTo!.value[0].address!, subject: `Re: ${copy.parsed.subject}`, inReplyTo: messageId, references: [messageId], text }));
    // A watcher is a participant of the ticket (the kind says so): their answer is theirs, by Message-ID alone.
    const [manager] = await sql<{ email: string }>('select email from app_user where id = ?', [world.managerId]);
    await imap.append(folder, buildMail({ from: `Marie <${manager.email}>`, to: 'reponses@relais.test', subject: 'Re: ticket', inReplyTo: messageId, text: 'Je préviens le technicien.' }));
    await waitFor(async () => (await entries(ticketId)).filter((e) => e.origin === 'email').length === 2, 15_000, 'both email answers on the ticket');
    const byEmail = (await entries(ticketId)).filter((e) => e.origin === 'email');
    expect(byEmail).toEqual(
      expect.arrayContaining([
        { origin: 'email', body: 'Jeudi me convient.', sender_address: 'contact@durand.test', author_id: null },
        { origin: 'email', body: 'Je préviens le technicien.', sender_address: manager.email, author_id: world.managerId },
      ]),
    );
    await waitFor(() => Promise.resolve(events.some((e) => e.type === 'ticket.replied' && e.messageId === ticketId)), 5_000, 'the ticket.replied live event');
    const [mail] = await sql<{ status: string }>(`select status from inbound_email where conversation_id = ? order by created_at limit 1`, [ticketId]);
    expect(mail.status).toBe('threaded');
  });

  it('threads the client’s SMS answer into the ticket (the number its SMS copy went to), and the author is alerted', async () => {
    const form = { AccountSid: ACCOUNT, MessageSid: `SM${randomBytes(16).toString('hex')}`, From: CLIENT_MOBILE, To: OUR_NUMBER, NumMedia: '0', Body: 'Ok pour jeudi' };
    const signature = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/sms`, form);
    await api.http.post('/webhooks/twilio/sms').type('form').set('X-Twilio-Signature', signature).send(form).expect(200);
    await waitFor(async () => (await entries(ticketId)).some((e) => e.origin === 'sms'), 15_000, 'the SMS answer on the ticket');
    expect((await entries(ticketId)).find((e) => e.origin === 'sms')).toEqual({ origin: 'sms', body: 'Ok pour jeudi', sender_address: CLIENT_MOBILE, author_id: null });
    const [row] = await sql<{ status: string; conversation_id: string }>('select status, conversation_id from inbound_sms where message_sid = ?', [form.MessageSid]);
    expect(row).toEqual({ status: 'threaded', conversation_id: ticketId });
    // conversation.replied knows no kind either: the ticket's author is told, as for a message.
    const alerts = await sql<{ recipient_user_id: string }>(`select distinct recipient_user_id from delivery where conversation_id = ? and kind = 'reply_alert'`, [ticketId]);
    expect(alerts.map((a) => a.recipient_user_id)).toContain(world.operatorId);
  });

  it('lets an operator assign a quarantined mail to the ticket: the core asks the kind who may see it, and appends there', async () => {
    // The core asks the kind (canSee) wherever a conversation is named from outside: here the quarantine's assign.
    const stranger = buildMail({ from: 'Inconnu <inconnu@ailleurs.test>', to: 'reponses@relais.test', subject: 'Bonjour', text: 'Rien à voir.' });
    await imap.append(folder, stranger);
    let itemId = '';
    await waitFor(
      async () => Boolean((itemId = ((await as(world.manager).get('/v1/quarantine?status=open&channel=email')).body.items as { id: string }[])[0]?.id ?? '')),
      15_000,
      'the stranger’s mail quarantined',
    );
    await as(world.manager).post(`/v1/quarantine/${itemId}/assign`, { messageId: randomUuid() }).expect(404);
    // Another company's ticket exists, but the kind does not let this company's staff see it: 404, as if it did not exist.
    const other = await aCompanyWorld(api.app, api.http, 'Autre permanence');
    const theirs = await openTicket(api.app, { companyId: other.companyId, clientId: other.clientId, authorId: other.operatorId, title: 'Autre', details: 'x', copies: [] });
    const refused = await as(world.manager).post(`/v1/quarantine/${itemId}/assign`, { messageId: theirs }).expect(404);
    expect(refused.body.code).toBe('not_found');
    await as(world.manager).post(`/v1/quarantine/${itemId}/assign`, { messageId: ticketId }).expect(200);
    await waitFor(async () => (await entries(ticketId)).some((e) => e.body === 'Rien à voir.'), 15_000, 'the assigned mail on the ticket');
  });
});

function randomUuid(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
