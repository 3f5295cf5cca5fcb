import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { User } from '../accounts/user.entity.js';
import { Contact } from '../clients/client.entity.js';
import { ClientsService } from '../clients/clients.service.js';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import type { CopyChannel } from '../settings/settings.entity.js';
import { SettingsService } from '../settings/settings.service.js';
import type { ComposeMessageDto, ReplyDto, TaskDto } from './dto/message.dto.js';
import type { ThreadView } from './dto/message.response.js';
import { LiveEvents } from './live-events.service.js';
import {
  Message,
  MessageEvent,
  MessageRecipient,
  MessageReply,
  MessageTemplate,
  MessageUserState,
  OutboxCopy,
  type ReplyAttachment,
  type ReplyOrigin,
} from './message.entity.js';
import { MessageQueries } from './message-queries.service.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A reply that arrived by email or SMS, already threaded to `messageId` by the inbound side. */
export interface InboundReplyInput {
  messageId: string;
  origin: Exclude<ReplyOrigin, 'app'>;
  /** `email:<inbound id>` or `sms:<MessageSid>`: the same key never makes a second reply. */
  inboundKey: string;
  senderAddress: string;
  senderName?: string | null;
  /** The account of the sender when one is known (a client account's email or mobile). */
  authorUserId?: string | null;
  body: string;
  originalBody?: string | null;
  automatic?: boolean;
  attachments?: ReplyAttachment[] | null;
}

/** Writes on threads: compose, reply, task and VAD changes, read state, delete and restore. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly em: EntityManager,
    private readonly clients: ClientsService,
    private readonly settings: SettingsService,
    private readonly queries: MessageQueries,
    private readonly live: LiveEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async compose(auth: AuthContext, clientId: string, input: ComposeMessageDto): Promise<ThreadView> {
    await this.clients.get(auth, clientId);
    const clientSide = auth.kind !== 'collaborator';
    if (input.remark && !clientSide) throw new DomainError('remark_clients_only', 'Only client accounts send remarks');
    if (input.remark && !auth.permissions.has('messages.remarks.write')) {
      throw new DomainError('permission_denied', 'This needs the permission messages.remarks.write', { permission: 'messages.remarks.write' });
    }
    if (input.dayTask && !input.dueDate) throw new DomainError('due_date_required', 'A day task needs its dueDate');
    const effective = (await this.settings.view(auth)).effective;
    const templateId = input.templateId ?? (input.body === undefined ? (effective.defaultMessageTemplateId ?? undefined) : undefined);
    const template = templateId ? await this.em.findOne(MessageTemplate, { companyId: auth.companyId, id: templateId }) : null;
    // A default template deleted since it was chosen is ignored; one named in the request must exist.
    if (input.templateId && !template) throw new NotFoundError('Message template');
    const body = this.checkBody(input.body ?? template?.body);
    const contact = input.contactId ? await this.em.findOne(Contact, { companyId: auth.companyId, id: input.contactId }) : null;
    if (input.contactId && (!contact || contact.clientId !== clientId)) {
      throw new DomainError('contact_not_of_client', 'This contact does not belong to the client of the message');
    }
    const dueDate = this.checkDueDate(input.dueDate);
    const vad = Boolean(input.vad || template?.vad);
    if (vad && !input.vadPlannedAt) throw new DomainError('vad_planned_date_required', 'A home-visit request needs vadPlannedAt');
    const cc = await this.checkCc(auth, input.cc ?? []);

    const message = await this.em.transactional((em) => {
      const created = em.create(Message, {
        companyId: auth.companyId,
        clientId,
        authorId: auth.userId,
        kind: input.remark ? 'remark' : 'message',
        subject: (input.subject ?? template?.subject ?? '').trim(),
        body,
        instruction: template?.instruction ?? null,
        templateId: template?.id ?? null,
        contactId: contact?.id ?? null,
        urgent: Boolean(input.urgent),
        private: Boolean(input.private),
        copyCircle: Boolean(input.copyCircle) && !input.private,
        taskState: input.task || dueDate ? 'todo' : 'none',
        dueDate,
        vad,
        vadPlannedAt: vad ? (input.vadPlannedAt ?? null) : null,
        vadStreet: vad ? (input.vadStreet ?? contact?.street ?? null) : null,
        vadPostalCode: vad ? (input.vadPostalCode ?? contact?.postalCode ?? null) : null,
        vadCity: vad ? (input.vadCity ?? contact?.city ?? null) : null,
      });
      for (const userId of cc) em.create(MessageRecipient, { companyId: auth.companyId, messageId: created.id, userId });
      em.create(MessageUserState, { companyId: auth.companyId, messageId: created.id, userId: auth.userId, readAt: created.lastActivityAt });
      this.history(em, auth, created.id, 'created', { task: created.taskState !== 'none', urgent: created.urgent, vad });
      if (!clientSide && !input.remark) this.recordCopies(em, auth, created.id, null, input.copies ?? effective.defaultChannels, cc);
      return Promise.resolve(created);
    });
    await this.live.publish({ type: 'message.created', messageId: message.id, companyId: auth.companyId });
    return this.thread(auth, message.id);
  }

  async reply(auth: AuthContext, id: string, input: ReplyDto): Promise<ThreadView> {
    const message = await this.queries.visible(auth, id);
    const body = this.checkBody(input.body);
    const effective = (await this.settings.view(auth)).effective;
    await this.em.transactional(async (em) => {
      const now = new Date();
      const reply = em.create(MessageReply, { companyId: message.companyId, messageId: id, authorId: auth.userId, body });
      message.lastActivityAt = now;
      em.persist(message);
      // The author has read what they wrote; everyone else sees the thread unread again (lastActivityAt moved).
      await this.markRead(em, auth, message, now);
      this.history(em, auth, id, 'replied', { replyId: reply.id });
      if (input.setTask && message.taskState !== 'todo') {
        message.taskState = 'todo';
        this.history(em, auth, id, 'task.set', {});
      }
      if (auth.kind === 'collaborator' && message.kind === 'message') {
        const cc = (await em.find(MessageRecipient, { messageId: id })).map((r) => r.userId);
        this.recordCopies(em, auth, id, reply.id, input.copies ?? effective.defaultChannels, cc);
      }
    });
    await this.live.publish({ type: 'message.replied', messageId: id, companyId: message.companyId });
    return this.thread(auth, id);
  }

  /**
   * Appends a reply received by email or SMS (no signed-in author). Idempotent on `inboundKey`: the
   * same inbound item appended twice makes one reply and returns it. Makes the thread unread for
   * everyone (an automatic reply excepted: it is recorded without disturbing anyone) and writes the
   * thread's history, in one transaction; the live event follows the commit.
   */
  async appendInboundReply(input: InboundReplyInput): Promise<{ reply: MessageReply; created: boolean }> {
    const existing = await this.em.findOne(MessageReply, { inboundKey: input.inboundKey });
    if (existing) return { reply: existing, created: false };
    const message = await this.em.findOne(Message, { id: input.messageId });
    if (!message) throw new NotFoundError('Message');
    const body = input.body.trim().slice(0, this.config.messages.maxBodyChars);
    let reply: MessageReply;
    try {
      reply = await this.em.transactional((em) => {
        const created = em.create(MessageReply, {
          companyId: message.companyId,
          messageId: message.id,
          authorId: input.authorUserId ?? null,
          body: body.length > 0 ? body : '(message vide)',
          origin: input.origin,
          senderAddress: input.senderAddress,
          senderName: input.senderName ?? null,
          automatic: input.automatic ?? false,
          originalBody: input.originalBody ?? null,
          inboundKey: input.inboundKey,
          attachments: input.attachments ?? null,
        });
        if (!input.automatic) {
          message.lastActivityAt = new Date();
          em.persist(message);
        }
        em.create(MessageEvent, {
          companyId: message.companyId,
          messageId: message.id,
          actorId: input.authorUserId ?? message.authorId,
          type: input.automatic ? 'replied.automatic' : 'replied',
          details: { replyId: created.id, origin: input.origin, sender: input.senderAddress },
        });
        return Promise.resolve(created);
      });
    } catch (error) {
      // Two workers raced on the same inbound item: the other one's reply stands.
      const raced = error instanceof UniqueConstraintViolationException ? await this.em.fork().findOne(MessageReply, { inboundKey: input.inboundKey }) : null;
      if (raced) return { reply: raced, created: false };
      throw error;
    }
    await this.live.publish({ type: 'message.replied', messageId: message.id, companyId: message.companyId });
    return { reply, created: true };
  }

  async thread(auth: AuthContext, id: string): Promise<ThreadView> {
    await this.queries.visible(auth, id);
    const [[view], replies, events] = await Promise.all([
      this.queries.views(auth, [id]),
      this.em.find(MessageReply, { messageId: id }, { orderBy: { id: 'asc' } }),
      this.em.find(MessageEvent, { messageId: id }, { orderBy: { id: 'asc' } }),
    ]);
    const hidden = auth.kind !== 'collaborator' ? new Set(['vad.transmitted', 'vad.untransmitted']) : new Set<string>();
    return {
      ...view,
      replies: replies.map((r) => ({
        id: r.id,
        authorId: r.authorId,
        origin: r.origin,
        senderAddress: r.senderAddress,
        senderName: r.senderName,
        automatic: r.automatic,
        body: r.body,
        originalBody: r.originalBody,
        attachments: r.attachments ?? [],
        createdAt: r.createdAt,
      })),
      history: events
        .filter((e) => !hidden.has(e.type))
        .map((e) => ({ actorId: e.actorId, type: e.type, details: e.details, at: e.createdAt })),
    };
  }

  async changeTask(auth: AuthContext, id: string, input: TaskDto): Promise<ThreadView> {
    if (input.urgent !== undefined) throw new DomainError('urgent_only_at_creation', 'Urgent can only be set when the message is written');
    const message = await this.queries.visible(auth, id);
    const dueDate = this.checkDueDate(input.dueDate);
    const before = { state: message.taskState, dueDate: message.dueDate };
    if (input.action === 'set') this.em.assign(message, { taskState: 'todo', dueDate: dueDate ?? message.dueDate, doneBy: null, doneAt: null });
    if (input.action === 'reopen') this.em.assign(message, { taskState: 'todo', doneBy: null, doneAt: null });
    if (input.action === 'done') {
      if (message.taskState === 'none') throw new DomainError('conflict', 'This message is not a task');
      this.em.assign(message, { taskState: 'done', doneBy: auth.userId, doneAt: new Date() });
    }
    if (input.action === 'cancel') this.em.assign(message, { taskState: 'none', dueDate: null, doneBy: null, doneAt: null });
    const type = { set: 'task.set', done: 'task.done', cancel: 'task.cancelled', reopen: 'task.reopened' }[input.action];
    this.history(this.em, auth, id, type, { before, after: { state: message.taskState, dueDate: message.dueDate } });
    await this.em.flush();
    await this.live.publish({ type: 'message.task', messageId: id, companyId: message.companyId });
    return this.thread(auth, id);
  }

  async setVadTransmitted(auth: AuthContext, id: string, transmitted: boolean): Promise<ThreadView> {
    const message = await this.queries.visible(auth, id);
    if (!message.vad) throw new DomainError('conflict', 'This message is not a home-visit request');
    this.em.assign(message, transmitted ? { vadTransmittedBy: auth.userId, vadTransmittedAt: new Date() } : { vadTransmittedBy: null, vadTransmittedAt: null });
    this.history(this.em, auth, id, transmitted ? 'vad.transmitted' : 'vad.untransmitted', {});
    await this.em.flush();
    await this.live.publish({ type: 'message.vad', messageId: id, companyId: message.companyId });
    return this.thread(auth, id);
  }

  async setRead(auth: AuthContext, id: string, read: boolean): Promise<void> {
    const message = await this.queries.visible(auth, id);
    const state = await this.state(auth, message);
    state.readAt = read ? new Date() : null;
    await this.em.flush();
  }

  async setDeleted(auth: AuthContext, id: string, deleted: boolean): Promise<void> {
    const message = await this.queries.visible(auth, id);
    const state = await this.state(auth, message);
    state.deletedAt = deleted ? new Date() : null;
    await this.em.flush();
  }

  private async state(auth: AuthContext, message: Message): Promise<MessageUserState> {
    return (
      (await this.em.findOne(MessageUserState, { messageId: message.id, userId: auth.userId })) ??
      this.em.create(MessageUserState, { companyId: message.companyId, messageId: message.id, userId: auth.userId })
    );
  }

  private async markRead(em: EntityManager, auth: AuthContext, message: Message, at: Date): Promise<void> {
    const state =
      (await em.findOne(MessageUserState, { messageId: message.id, userId: auth.userId })) ??
      em.create(MessageUserState, { companyId: message.companyId, messageId: message.id, userId: auth.userId });
    state.readAt = at;
  }

  /** One outbox row per recipient and channel: the client of the file, and each CC account. */
  private recordCopies(em: EntityManager, auth: AuthContext, messageId: string, replyId: string | null, channels: CopyChannel[], cc: string[]): void {
    for (const channel of channels) {
      em.create(OutboxCopy, { companyId: auth.companyId, messageId, replyId, recipientType: 'client', channel });
      for (const userId of cc) {
        em.create(OutboxCopy, { companyId: auth.companyId, messageId, replyId, recipientType: 'user', recipientUserId: userId, channel });
      }
    }
  }

  private history(em: EntityManager, auth: AuthContext, messageId: string, type: string, details: Record<string, unknown>): void {
    em.create(MessageEvent, { companyId: auth.companyId, messageId, actorId: auth.userId, type, details });
  }

  private checkBody(body: string | undefined): string {
    const text = body?.trim() ?? '';
    if (text.length === 0) throw new DomainError('body_required', 'The message has no text');
    if (text.length > this.config.messages.maxBodyChars) {
      throw new DomainError('body_too_large', `The text is longer than ${this.config.messages.maxBodyChars} characters`);
    }
    return text;
  }

  private checkDueDate(value: string | undefined): string | null {
    if (value === undefined) return null;
    const parsed = new Date(`${value}T00:00:00Z`);
    if (!DATE.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
      throw new DomainError('invalid_due_date', `"${value}" is not a date such as 2026-12-24`);
    }
    return value;
  }

  private async checkCc(auth: AuthContext, cc: string[]): Promise<string[]> {
    if (cc.length === 0) return [];
    const found = await this.em.find(User, { companyId: auth.companyId, id: { $in: cc }, active: true });
    if (found.length !== cc.length) throw new DomainError('invalid_cc', 'Every CC must be an active account of the company');
    return cc;
  }
}
