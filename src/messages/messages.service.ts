import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { Contact } from '../clients/client.entity.js';
import { ClientsService } from '../clients/clients.service.js';
import { assertCanSendCopies } from '../channels/email-sender.readiness.js';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import { SettingsService } from '../settings/settings.service.js';
import type { ComposeMessageDto, ReplyDto, TaskDto } from './dto/message.dto.js';
import type { ThreadView } from './dto/message.response.js';
import { LiveEvents } from '../conversations/live-events.service.js';
import { Message, MessageRecipient } from './message.entity.js';
import { Conversation, ConversationEntry, ConversationEvent, ConversationState } from '../conversations/conversation.entity.js';
import { Conversations } from '../conversations/conversations.service.js';
import { MessageQueries, seesCopies, threadOf, viewOf } from './message-queries.service.js';
import { CopyStatuses } from '../conversations/copy-statuses.js';
import { assertMayAct, recordHistory } from './message-acts.js';
import { checkCc, checkDueDate, templateFor } from './compose-inputs.js';
import { CopyCircle } from '../structures/copy-circle.js';
import { insertRows } from '../core/database/sql-rows.js';
import { newId } from '../core/database/new-id.js';
import { hasPermission } from '../rights/permissions.js';

/** Writes on threads: compose, reply, task and VAD changes, read state, delete and restore. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly em: EntityManager,
    private readonly clients: ClientsService,
    private readonly settings: SettingsService,
    private readonly queries: MessageQueries,
    private readonly live: LiveEvents,
    private readonly conversations: Conversations,
    private readonly circle: CopyCircle,
    private readonly copies: CopyStatuses,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async compose(auth: AuthContext, clientId: string, input: ComposeMessageDto): Promise<ThreadView> {
    await this.clients.get(auth, clientId);
    const clientSide = auth.kind !== 'collaborator';
    if (input.remark && !clientSide) throw new DomainError('remark_clients_only', 'Only client accounts send remarks');
    if (input.remark && !hasPermission(auth, 'messages.remarks.write')) {
      throw new DomainError('permission_denied', 'This needs the permission messages.remarks.write', { permission: 'messages.remarks.write' });
    }
    // A private message reaches its recipients only; a client's message is addressed to the whole team, so it cannot be private.
    if (input.private && clientSide) {
      throw new DomainError('unprocessable', 'Client and secretary accounts cannot write private messages: theirs go to the whole team', { field: 'private' });
    }
    if (input.dayTask && (input.dueDate ?? null) === null) throw new DomainError('due_date_required', 'A day task needs its dueDate');
    const effective = await this.settings.effective(auth);
    const template = await templateFor(this.em, auth, input, effective.defaultMessageTemplateId);
    const body = this.checkBody(input.body ?? template?.body);
    const contact = input.contactId ? await this.em.findOne(Contact, { companyId: auth.companyId, id: input.contactId }) : null;
    if (input.contactId && (!contact || contact.clientId !== clientId)) {
      throw new DomainError('contact_not_of_client', 'This contact does not belong to the client of the message');
    }
    const dueDate = checkDueDate(input.dueDate);
    const vad = Boolean(input.vad || template?.vad);
    if (vad && !input.vadPlannedAt) throw new DomainError('vad_planned_date_required', 'A home-visit request needs vadPlannedAt');
    const cc = await checkCc(this.em, auth, clientId, input.cc ?? []);
    const copyCircle = Boolean(input.copyCircle) && !input.private;
    const circle =
      copyCircle && !clientSide && !input.remark
        ? (await this.circle.activeMembers(this.em, auth.companyId)).filter((userId) => userId !== auth.userId && !cc.includes(userId))
        : [];
    // Copies explicitly asked for on a channel the company cannot send on: refused now, not skipped later.
    if (!clientSide && !input.remark && input.copies?.length) await assertCanSendCopies(this.em, auth.companyId, input.copies);

    let history: ConversationEvent | undefined;
    const { message, conversation } = await this.em.transactional(async (em) => {
      const conversation = this.conversations.open(em, { companyId: auth.companyId, clientId, kind: 'message', authorId: auth.userId });
      const created = em.create(Message, {
        id: conversation.id,
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
        copyCircle,
        taskState: input.task || dueDate ? 'todo' : 'none',
        dueDate,
        vad,
        vadPlannedAt: vad ? (input.vadPlannedAt ?? null) : null,
        vadStreet: vad ? (input.vadStreet ?? contact?.street ?? null) : null,
        vadPostalCode: vad ? (input.vadPostalCode ?? contact?.postalCode ?? null) : null,
        vadCity: vad ? (input.vadCity ?? contact?.city ?? null) : null,
      });
      this.conversations.read(em, conversation, auth.userId, conversation.lastActivityAt);
      history = recordHistory(em, auth, created, { type: 'created', details: { task: created.taskState !== 'none', urgent: created.urgent, vad } });
      // The rows that come by the dozen (CC, copies) go in as plain multi-row inserts, after the message.
      await em.flush();
      const now = new Date();
      await insertRows(em, 'message_recipient', ['id', 'created_at', 'updated_at', 'company_id', 'message_id', 'user_id'],
        cc.map((userId) => [newId(), now, now, auth.companyId, created.id, userId]));
      if (!clientSide && !input.remark) await this.conversations.recordCopies(em, created, null, input.copies ?? effective.defaultChannels, [...cc, ...circle], input.attachDigest ?? null);
      return { message: created, conversation };
    });
    await this.live.publish({ type: 'message.created', messageId: message.id, companyId: auth.companyId });
    // Everything the thread holds was just written here: its view needs no read back.
    return threadOf(auth, viewOf(auth, message, conversation.lastActivityAt, { readAt: conversation.lastActivityAt, deleted: false }, cc, undefined), [], history ? [history] : []);
  }

  async reply(auth: AuthContext, id: string, input: ReplyDto): Promise<ThreadView> {
    const message = await this.queries.visible(auth, id);
    assertMayAct(auth, message, 'reply');
    if (input.setTask) assertMayAct(auth, message, 'task.set');
    const body = this.checkBody(input.body);
    const dueDate = checkDueDate(input.dueDate);
    if (dueDate && !input.setTask) throw new DomainError('unprocessable', 'dueDate goes with setTask: it makes the thread a day task', { field: 'dueDate' });
    const effective = await this.settings.effective(auth);
    let taskChanged = false;
    await this.em.transactional(async (em) => {
      const now = new Date();
      const conversation = await em.findOneOrFail(Conversation, { id });
      const reply = this.conversations.append(em, conversation, auth.userId, body, now);
      // The author has read what they wrote; everyone else sees the thread unread again (its last activity moved).
      await this.markRead(em, auth, message, now);
      recordHistory(em, auth, message, { type: 'replied', details: { replyId: reply.id } });
      if (input.setTask) taskChanged = this.setTask(em, auth, message, dueDate);
      if (auth.kind === 'collaborator' && message.kind === 'message') {
        const cc = (await em.find(MessageRecipient, { messageId: id })).map((r) => r.userId);
        await em.flush();
        await this.conversations.recordCopies(em, message, reply.id, input.copies ?? effective.defaultChannels, cc);
      }
    });
    await this.live.publish({ type: 'message.replied', messageId: id, companyId: message.companyId });
    if (taskChanged) await this.live.publish({ type: 'message.task', messageId: id, companyId: message.companyId });
    return this.threadView(auth, message);
  }

  async thread(auth: AuthContext, id: string): Promise<ThreadView> {
    return this.threadView(auth, await this.queries.visible(auth, id));
  }

  /** The thread as `auth` sees it, for a caller that has just checked (or made) it visible. */
  private async threadView(auth: AuthContext, message: Message): Promise<ThreadView> {
    const id = message.id;
    const [[view], replies, events, copies] = await Promise.all([
      this.queries.views(auth, [id]),
      this.em.find(ConversationEntry, { conversationId: id }, { orderBy: { id: 'asc' } }),
      this.em.find(ConversationEvent, { conversationId: id }, { orderBy: { id: 'asc' } }),
      // Every copy of the thread in one read, for the staff who are shown them.
      seesCopies(auth, message.companyId) ? this.copies.in(this.em, id) : [],
    ]);
    return threadOf(auth, view, replies, events, copies);
  }

  async changeTask(auth: AuthContext, id: string, input: TaskDto): Promise<ThreadView> {
    // Visibility first: a thread the caller cannot see is a 404 whatever the request says.
    const message = await this.queries.visible(auth, id);
    assertMayAct(auth, message, input.action === 'set' ? 'task.set' : 'task.change');
    if (input.urgent !== undefined) throw new DomainError('urgent_only_at_creation', 'Urgent can only be set when the message is written');
    const dueDate = checkDueDate(input.dueDate);
    if (dueDate && input.action !== 'set') throw new DomainError('unprocessable', 'dueDate goes with the action "set"', { field: 'dueDate' });
    let changed = true;
    if (input.action === 'set') changed = this.setTask(this.em, auth, message, dueDate);
    else {
      const before = { state: message.taskState, dueDate: message.dueDate };
      if (input.action === 'reopen') {
        if (message.taskState !== 'done') throw new DomainError('conflict', 'Only a done task can be reopened');
        Object.assign(message, { taskState: 'todo', doneBy: null, doneAt: null });
      }
      if (input.action === 'done') {
        if (message.taskState === 'none') throw new DomainError('conflict', 'This message is not a task');
        Object.assign(message, { taskState: 'done', doneBy: auth.userId, doneAt: new Date() });
      }
      if (input.action === 'cancel') Object.assign(message, { taskState: 'none', dueDate: null, doneBy: null, doneAt: null });
      const type = ({ done: 'task.done', cancel: 'task.cancelled', reopen: 'task.reopened' } as const)[input.action];
      recordHistory(this.em, auth, message, { type, details: { before, after: { state: message.taskState, dueDate: message.dueDate } } });
    }
    await this.em.flush();
    if (changed) await this.live.publish({ type: 'message.task', messageId: id, companyId: message.companyId });
    return this.threadView(auth, message);
  }

  async setRead(auth: AuthContext, id: string, read: boolean): Promise<void> {
    const message = await this.queries.visible(auth, id);
    const state = await this.state(auth, message);
    state.readAt = read ? new Date() : null;
    await this.em.flush();
  }

  async setDeleted(auth: AuthContext, id: string, deleted: boolean): Promise<void> {
    const message = await this.queries.visible(auth, id);
    assertMayAct(auth, message, 'list');
    const state = await this.state(auth, message);
    state.deletedAt = deleted ? new Date() : null;
    await this.em.flush();
  }

  private async state(auth: AuthContext, message: Message): Promise<ConversationState> {
    return (
      (await this.em.findOne(ConversationState, { conversationId: message.id, userId: auth.userId })) ??
      this.em.create(ConversationState, { companyId: message.companyId, conversationId: message.id, userId: auth.userId })
    );
  }

  private async markRead(em: EntityManager, auth: AuthContext, message: Message, at: Date): Promise<void> {
    const state =
      (await em.findOne(ConversationState, { conversationId: message.id, userId: auth.userId })) ??
      em.create(ConversationState, { companyId: message.companyId, conversationId: message.id, userId: auth.userId });
    state.readAt = at;
  }

  /**
   * Makes the message a task to do again (a day task when dueDate is given), clearing who did it;
   * false when it already was exactly that, so nothing is written or announced.
   */
  private setTask(em: EntityManager, auth: AuthContext, message: Message, dueDate: string | null): boolean {
    if (message.taskState === 'todo' && (dueDate === null || dueDate === message.dueDate)) return false;
    const before = { state: message.taskState, dueDate: message.dueDate };
    Object.assign(message, { taskState: 'todo', dueDate: dueDate ?? message.dueDate, doneBy: null, doneAt: null });
    em.persist(message);
    recordHistory(em, auth, message, { type: 'task.set', details: { before, after: { state: message.taskState, dueDate: message.dueDate } } });
    return true;
  }

  private checkBody(body: string | undefined): string {
    const text = body?.trim() ?? '';
    if (text.length === 0) throw new DomainError('body_required', 'The message has no text');
    if (text.length > this.config.messages.maxBodyChars) {
      throw new DomainError('body_too_large', `The text is longer than ${this.config.messages.maxBodyChars} characters`);
    }
    return text;
  }
}
