import { Clock } from '../core/clock.js';
import { frenchShortDateTime } from '../core/format/french-dates.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { SmsNumbersService } from '../channels/sms-numbers.service.js';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { ChannelSenders } from '../channels/channel-senders.js';
import { ConversationKinds } from '../conversations/conversation-kinds.js';
import type { EmailAttachment, OutgoingEmail } from './email/email.port.js';
import { faxPdf } from './fax/fax-document.js';
import { ReplyAddressing } from './reply-addressing.js';
import type { OutgoingSms } from '../channels/twilio/sms.port.js';
import { smsSegments, type SmsSegments } from './sms/sms-segments.js';
import type { ClaimedDelivery } from './thread-context.js';
import type { TemplateData } from './templates/template-renderer.js';
import { TemplateRenderer } from './templates/template-renderer.js';

/** Company senders are read again after this long: a changed sender applies within 5 s. */
const TTL_MS = 5_000;

/** Renders a claimed delivery into the email, SMS or fax it becomes. */
@Injectable()
export class DeliveryContent {
  private readonly senders = new Map<string, { at: number; value: { address: string; name: string } | null }>();
  private readonly smsSenders = new Map<string, { at: number; value: Awaited<ReturnType<SmsNumbersService['senderFor']>> }>();

  constructor(
    private readonly em: EntityManager,
    private readonly templates: TemplateRenderer,
    private readonly addressing: ReplyAddressing,
    private readonly smsNumbers: SmsNumbersService,
    private readonly kinds: ConversationKinds,
    private readonly channelSenders: ChannelSenders,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  data(d: ClaimedDelivery): TemplateData {
    return {
      company: { name: d.company_name },
      client: { name: d.client_name },
      recipient: { name: d.recipient_name },
      author: { name: d.author_name },
      // What every kind has: the conversation's subject (worded for a copy) and text.
      conversation: { subject: d.content.subject, body: d.content.body },
      // The kind's own variables: a message's `message` block (urgent, due date…) and `vad`.
      ...d.content.data,
      reply: d.entry_id ? { body: d.reply_body ?? '' } : null,
      sender: d.reply_sender ?? d.author_name,
      tag: d.tag ?? '',
      sentAt: frenchShortDateTime(this.clock.now()),
      link: `${this.config.publicBaseUrl}${d.content.link}`,
    };
  }

  /** The company's sender, cached briefly (every email copy needs it). Null: none configured. */
  async sender(companyId: string): Promise<{ address: string; name: string } | null> {
    const cached = this.senders.get(companyId);
    if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
    const value = (await this.channelSenders.of(this.em, [companyId])).get(companyId)?.email ?? null;
    this.senders.set(companyId, { at: Date.now(), value });
    return value;
  }

  /** The company's Twilio credentials (token opened), cached briefly like the email sender. */
  private async smsSender(companyId: string): Promise<Awaited<ReturnType<SmsNumbersService['senderFor']>>> {
    const cached = this.smsSenders.get(companyId);
    if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
    const value = await this.smsNumbers.senderFor(companyId);
    this.smsSenders.set(companyId, { at: Date.now(), value });
    return value;
  }

  async email(d: ClaimedDelivery, from: { address: string; name: string }): Promise<OutgoingEmail> {
    const data = this.data(d);
    const base = d.kind === 'reply_alert' ? 'notifications.reply-alert' : `email.${d.content.template ?? 'copy'}`;
    const [subject, html, text, headers] = await Promise.all([
      this.templates.render(d.company_id, `${base}.subject`, data),
      this.templates.render(d.company_id, `${base}.html`, data),
      this.templates.render(d.company_id, `${base}.text`, data),
      this.addressing.headersFor({ id: d.id, conversationId: d.conversation_id, entryId: d.entry_id, recipientType: d.recipient_type, recipientUserId: d.recipient_user_id, emailMessageId: d.email_message_id }),
    ]);
    const attachments: EmailAttachment[] = d.attach_digest ? [await this.attachment(d)] : [];
    return {
      from,
      to: d.address,
      replyTo: d.reply_token ? this.addressing.replyAddress(d.reply_token) : null,
      subject: subject.replace(/\s+/g, ' '),
      html,
      text,
      messageId: headers.messageId,
      inReplyTo: headers.inReplyTo,
      references: headers.references,
      attachments,
    };
  }

  /** The SMS and its segment count; null when the company has no SMS number any more. */
  async sms(d: ClaimedDelivery): Promise<{ sms: OutgoingSms; segments: SmsSegments } | null> {
    const sender = await this.smsSender(d.company_id);
    if (!sender) return null;
    const body = await this.templates.render(d.company_id, `sms.${d.content.template ?? 'copy'}`, this.data(d));
    return {
      sms: {
        accountSid: sender.accountSid,
        authToken: sender.authToken,
        from: sender.phoneNumber,
        messagingServiceSid: sender.messagingServiceSid,
        to: d.address,
        body,
        statusCallback: `${this.config.publicBaseUrl}/webhooks/twilio/status`,
      },
      segments: smsSegments(body),
    };
  }

  /** A fax is a PDF of the fax template emailed to the gateway address (stored as the delivery's address). */
  async fax(d: ClaimedDelivery, from: { address: string; name: string }): Promise<OutgoingEmail> {
    const text = await this.templates.render(d.company_id, 'fax.copy', this.data(d));
    const pdf = await faxPdf(text, `${d.company_name} — ${d.client_name}`);
    return {
      from,
      to: d.address,
      replyTo: null,
      subject: `Fax ${d.tag ?? ''}`.trim(),
      html: null,
      text: `Fax pour ${d.client_name} en pièce jointe.`,
      messageId: d.email_message_id ?? this.addressing.newMessageId(),
      inReplyTo: null,
      references: [],
      attachments: [{ filename: 'fax.pdf', contentType: 'application/pdf', content: pdf }],
    };
  }

  /** The file the outbox row asked for (a message's digest), made by the conversation's kind for its author. */
  private async attachment(d: ClaimedDelivery): Promise<EmailAttachment> {
    const kind = this.kinds.of(d.conversation_kind);
    if (!kind.attachment) throw new Error(`Conversations of kind ${d.conversation_kind} have no attachment to make`);
    return kind.attachment(d.attach_digest, { authorId: d.author_id, clientId: d.client_id });
  }
}
