import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { User } from '../accounts/user.entity.js';
import { assertCanSendCopies } from '../channels/email-sender.readiness.js';
import { Client, Contact } from '../clients/client.entity.js';
import type { AppConfig } from '../config/config.schema.js';
import { Conversation } from '../conversations/conversation.entity.js';
import { ConversationReplied } from '../conversations/conversation-replied.js';
import { Conversations } from '../conversations/conversations.service.js';
import { CopyStatuses } from '../conversations/copy-statuses.js';
import { LiveEvents } from '../conversations/live-events.service.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { boundSql } from '../core/database/sql-rows.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import type { CreateExchangeDto, ExchangeListQuery, SendChannel, UpdateExchangeDto } from './dto/intervention.dto.js';
import type { ExchangeView } from './dto/intervention.views.js';
import { ExchangeTypes } from './exchange-types.js';
import { exchangeViews } from './exchange-views.js';
import { InterventionSummary } from './intervention-summary.js';
import { Exchange, type ExchangeDirection, Intervention } from './intervention.entity.js';
import { assertStaff, InterventionsService } from './interventions.service.js';

/** Delivery statuses of a copy that reached nobody: the exchange may still be deleted. */
const UNSENT = new Set(['failed', 'skipped']);

/**
 * Exchanges on interventions: record (staff, or a client account from its portal), draft, edit,
 * send by email or SMS through the conversation's outbox, delete where allowed. Each write updates
 * the intervention's summary in its own transaction.
 */
@Injectable()
export class ExchangesService {
  constructor(
    private readonly em: EntityManager,
    private readonly interventions: InterventionsService,
    private readonly types: ExchangeTypes,
    private readonly summary: InterventionSummary,
    private readonly conversations: Conversations,
    private readonly replied: ConversationReplied,
    private readonly copies: CopyStatuses,
    private readonly live: LiveEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(auth: AuthContext, interventionId: string, query: ExchangeListQuery): Promise<ExchangeView[]> {
    await this.interventions.visible(auth, interventionId);
    const status = query.status ?? null;
    // Drafts are the staff's work in progress: a client account never sees them.
    if (status === 'draft' && auth.kind !== 'collaborator') return [];
    const exchanges = await this.em.find(
      Exchange,
      { interventionId, companyId: auth.companyId, deletedAt: null, status: status ?? { $ne: 'draft' } },
      { orderBy: { happenedAt: 'asc', id: 'asc' } },
    );
    return exchangeViews(this.em, this.types, this.copies, auth.companyId, exchanges);
  }

  async get(auth: AuthContext, id: string): Promise<ExchangeView> {
    const { exchange } = await this.visible(auth, id);
    return (await exchangeViews(this.em, this.types, this.copies, auth.companyId, [exchange]))[0];
  }

  async create(auth: AuthContext, interventionId: string, input: CreateExchangeDto): Promise<ExchangeView> {
    const intervention = await this.interventions.visible(auth, interventionId);
    assertOpen(intervention);
    if (auth.kind !== 'collaborator') return this.fromPortal(auth, intervention, input);
    const direction: ExchangeDirection = input.direction ?? 'transmitted';
    const channel: SendChannel = input.channel ?? 'email';
    const detail = this.checkDetail(input.detail);
    const type = await this.types.resolve(this.em, auth.companyId, input.send ? channel : (input.type ?? 'other'));
    const people = await this.people(auth, intervention, direction, input);
    if (input.send) {
      if (direction !== 'transmitted') throw new DomainError('exchange_not_sendable', 'Only a transmitted exchange is sent to the client');
      await assertCanSendCopies(this.em, auth.companyId, [channel]);
    }
    const exchange = await this.em.transactional(async (em) => {
      await this.summary.lock(em, interventionId);
      const created = em.create(Exchange, {
        companyId: auth.companyId,
        interventionId,
        direction,
        type: type.key,
        reminder: type.reminder,
        staffUserId: people.staffUserId,
        contactId: people.contactId,
        authorId: auth.userId,
        recipientEmail: people.recipientEmail,
        subject: input.subject?.trim() || null,
        detail,
        happenedAt: input.happenedAt ? new Date(input.happenedAt) : new Date(),
        status: input.draft && !input.send ? 'draft' : 'recorded',
      });
      if (created.status !== 'draft') await this.enter(em, auth, intervention, created);
      this.conversations.record(em, intervention, auth.userId, created.status === 'draft' ? 'exchange.drafted' : 'exchange.recorded', { exchangeId: created.id, type: type.key, direction });
      await em.flush();
      if (input.send) await this.sendIn(em, auth, intervention, created, channel);
      await this.summary.refresh(em, [interventionId]);
      return created;
    });
    await this.live.publish({ type: 'exchange.recorded', messageId: interventionId, companyId: auth.companyId });
    return this.get(auth, exchange.id);
  }

  async update(auth: AuthContext, id: string, input: UpdateExchangeDto): Promise<ExchangeView> {
    assertStaff(auth);
    const { exchange, intervention } = await this.visible(auth, id);
    assertOpen(intervention);
    if (exchange.sentAt) throw new DomainError('exchange_sent', 'This exchange was sent to the client: what was sent cannot change');
    const detail = input.detail === undefined ? exchange.detail : this.checkDetail(input.detail);
    const type = input.type === undefined ? null : await this.types.resolve(this.em, auth.companyId, input.type);
    const people = await this.people(auth, intervention, exchange.direction, {
      sentById: input.sentById ?? (exchange.direction === 'transmitted' ? exchange.staffUserId : exchange.contactId) ?? undefined,
      receivedById: input.receivedById ?? (exchange.direction === 'transmitted' ? exchange.contactId : exchange.staffUserId) ?? undefined,
      recipientEmail: input.recipientEmail === undefined ? exchange.recipientEmail : input.recipientEmail,
    });
    await this.em.transactional(async (em) => {
      await this.summary.lock(em, intervention.id);
      Object.assign(exchange, {
        detail,
        ...(type ? { type: type.key, reminder: type.reminder } : {}),
        ...people,
        ...(input.subject !== undefined ? { subject: input.subject?.trim() || null } : {}),
        ...(input.happenedAt ? { happenedAt: new Date(input.happenedAt) } : {}),
      });
      em.persist(exchange);
      if (exchange.entryId) await boundSql(em, 'update conversation_entry set body = ?, updated_at = now() where id = ?', [detail, exchange.entryId]);
      this.conversations.record(em, intervention, auth.userId, 'exchange.updated', { exchangeId: exchange.id });
      await em.flush();
      await this.summary.refresh(em, [intervention.id]);
    });
    await this.live.publish({ type: 'exchange.updated', messageId: intervention.id, companyId: auth.companyId });
    return this.get(auth, id);
  }

  /**
   * Deletes an exchange, keeping a history line with what it said; refused (409) once the report is
   * written, or when its email or SMS went out (or is on its way): what the client received stays.
   */
  async delete(auth: AuthContext, id: string): Promise<void> {
    assertStaff(auth);
    const { exchange, intervention } = await this.visible(auth, id);
    assertOpen(intervention);
    if (exchange.sentAt) {
      const copies = exchange.entryId ? ((await this.copies.of(this.em, [exchange.entryId])).get(exchange.entryId) ?? []) : [];
      if (copies.length === 0 || copies.some((c) => !UNSENT.has(c.status))) {
        throw new DomainError('exchange_sent', `This exchange was sent by ${exchange.sentChannel ?? 'email'} to the client: it cannot be deleted`);
      }
    }
    await this.em.transactional(async (em) => {
      await this.summary.lock(em, intervention.id);
      exchange.deletedAt = new Date();
      em.persist(exchange);
      const { type, direction, subject, detail, happenedAt } = exchange;
      this.conversations.record(em, intervention, auth.userId, 'exchange.deleted', { exchangeId: exchange.id, type, direction, subject, detail: detail.slice(0, 500), happenedAt });
      await em.flush();
      await this.summary.refresh(em, [intervention.id]);
    });
    await this.live.publish({ type: 'exchange.deleted', messageId: intervention.id, companyId: auth.companyId });
  }

  /**
   * Sends a draft (or a recorded transmitted exchange never sent) by email or SMS. The exchange is
   * claimed in PostgreSQL first (compare-and-set on sent_at), so two concurrent sends make one copy:
   * the second answers 409 exchange_sent.
   */
  async send(auth: AuthContext, id: string, channel: SendChannel = 'email'): Promise<ExchangeView> {
    assertStaff(auth);
    const { exchange, intervention } = await this.visible(auth, id);
    assertOpen(intervention);
    if (exchange.direction !== 'transmitted') throw new DomainError('exchange_not_sendable', 'Only a transmitted exchange is sent to the client');
    if (exchange.sentAt) throw new DomainError('exchange_sent', 'This exchange was already sent');
    await assertCanSendCopies(this.em, auth.companyId, [channel]);
    await this.em.transactional(async (em) => {
      await this.summary.lock(em, intervention.id);
      await this.sendIn(em, auth, intervention, exchange, channel);
      await em.flush();
      await this.summary.refresh(em, [intervention.id]);
    });
    await this.live.publish({ type: 'exchange.sent', messageId: intervention.id, companyId: auth.companyId });
    return this.get(auth, id);
  }

  /** The claim, the exchange's entry and its one outbox copy, in the caller's transaction. */
  private async sendIn(em: EntityManager, auth: AuthContext, intervention: Intervention, exchange: Exchange, channel: SendChannel): Promise<void> {
    const address = await this.addressFor(em, intervention, exchange, channel);
    const claimed = await boundSql<{ id: string }>(
      em,
      `update exchange set sent_at = now(), sent_channel = ?, status = 'sent', type = ?, updated_at = now()
        where id = ? and sent_at is null and deleted_at is null returning id`,
      [channel, channel, exchange.id],
    );
    if (claimed.length === 0) throw new DomainError('exchange_sent', 'This exchange was already sent');
    // The row was written by SQL: the entity follows, so a later flush writes nothing stale.
    Object.assign(exchange, { sentAt: new Date(), sentChannel: channel, status: 'sent', type: channel, reminder: false });
    const entryId = exchange.entryId ?? (await this.enter(em, auth, intervention, exchange));
    await em.flush();
    await this.conversations.recordCopyTo(em, intervention, entryId, channel, address);
    this.conversations.record(em, intervention, auth.userId, 'exchange.sent', { exchangeId: exchange.id, channel, address });
  }

  /** Where the copy goes: the exchange's recipient email, else its contact's, else the client's (SMS: the contact's phone, else the client's mobile). */
  private async addressFor(em: EntityManager, intervention: Intervention, exchange: Exchange, channel: SendChannel): Promise<string> {
    const contact = exchange.contactId ? await em.findOne(Contact, { id: exchange.contactId }) : null;
    const client = await em.findOneOrFail(Client, { id: intervention.clientId });
    const address = channel === 'email' ? (exchange.recipientEmail ?? contact?.email ?? client.email) : (contact?.phone ?? client.mobile);
    if (!address?.trim()) {
      throw new DomainError('no_recipient_address', channel === 'email' ? 'Nobody to send it to: give recipientEmail, or an email to the contact' : 'The contact has no mobile number');
    }
    return address.trim();
  }

  /** The exchange's entry in the intervention's conversation (once it is no longer a draft). */
  private async enter(em: EntityManager, auth: AuthContext, intervention: Intervention, exchange: Exchange): Promise<string> {
    if (exchange.entryId) return exchange.entryId;
    const conversation = await em.findOneOrFail(Conversation, { id: intervention.id });
    const entry = this.conversations.append(em, conversation, auth.userId, exchange.detail, new Date());
    exchange.entryId = entry.id;
    if (exchange.status === 'draft') exchange.status = 'recorded';
    em.persist(exchange);
    await em.flush();
    return entry.id;
  }

  /**
   * A client account's exchange from its portal: always received, on its own client's intervention
   * (others are a 404 before this), while in progress or within the configured days after done. Staff
   * are told as for an answer by email: the entry is announced on conversation.replied.
   */
  private async fromPortal(auth: AuthContext, intervention: Intervention, input: CreateExchangeDto): Promise<ExchangeView> {
    if (input.send || input.draft || input.direction === 'transmitted') {
      throw new DomainError('unprocessable', 'From the portal an exchange is received by the company: no direction, draft or send', { field: 'direction' });
    }
    const days = this.config.exchanges.portalDaysAfterDone;
    const recentlyDone = intervention.status === 'done' && intervention.doneAt && Date.now() - intervention.doneAt.getTime() <= days * 86_400_000;
    if (intervention.status !== 'in_progress' && !recentlyDone) {
      throw new DomainError('portal_window_closed', `Exchanges are added from the portal while the intervention is in progress or up to ${days} days after it is done`);
    }
    const detail = this.checkDetail(input.detail);
    const type = await this.types.resolve(this.em, auth.companyId, input.type ?? 'other');
    const { exchange, announce } = await this.em.fork().transactional(async (em) => {
      await this.summary.lock(em, intervention.id);
      const created = em.create(Exchange, {
        companyId: auth.companyId,
        interventionId: intervention.id,
        direction: 'received',
        type: type.key,
        reminder: type.reminder,
        staffUserId: intervention.authorId,
        contactId: intervention.contactId,
        authorId: auth.userId,
        subject: input.subject?.trim() || null,
        detail,
        happenedAt: new Date(),
        origin: 'portal',
      });
      const entryId = await this.enter(em, auth, intervention, created);
      this.conversations.record(em, intervention, auth.userId, 'exchange.recorded', { exchangeId: created.id, type: type.key, direction: 'received', origin: 'portal' });
      await em.flush();
      await this.summary.refresh(em, [intervention.id]);
      const announce = await this.replied.record(em, [
        { inboundKey: `portal:${created.id}`, entryId, conversationId: intervention.id, companyId: intervention.companyId, kind: 'exchange', automatic: false, created: true },
      ]);
      return { exchange: created, announce };
    });
    for (const deliver of announce) await deliver();
    await this.live.publish({ type: 'exchange.replied', messageId: intervention.id, companyId: auth.companyId });
    return this.get(auth, exchange.id);
  }

  /** Who sent and who received it, checked: collaborators of the company on the staff side, contacts of the client on the other. */
  private async people(
    auth: AuthContext,
    intervention: Intervention,
    direction: ExchangeDirection,
    input: { sentById?: string; receivedById?: string; recipientEmail?: string | null },
  ): Promise<{ staffUserId: string; contactId: string | null; recipientEmail: string | null }> {
    const staffId = (direction === 'transmitted' ? input.sentById : input.receivedById) ?? auth.userId;
    const contactId = (direction === 'transmitted' ? input.receivedById : input.sentById) ?? intervention.contactId;
    const staff = await this.em.findOne(User, { id: staffId, companyId: auth.companyId, kind: 'collaborator', active: true });
    if (!staff) throw new DomainError('not_a_collaborator', `The ${direction === 'transmitted' ? 'sender' : 'recipient'} must be an active collaborator of the company`, { field: direction === 'transmitted' ? 'sentById' : 'receivedById' });
    const contact = contactId ? await this.em.findOne(Contact, { id: contactId, companyId: auth.companyId }) : null;
    if (contactId && (!contact || contact.clientId !== intervention.clientId)) {
      throw new DomainError('contact_not_of_client', 'This contact does not belong to the client of the intervention', { field: direction === 'transmitted' ? 'receivedById' : 'sentById' });
    }
    const recipientEmail = input.recipientEmail === undefined ? (direction === 'transmitted' ? (contact?.email ?? null) : staff.email) : input.recipientEmail?.trim() || null;
    if (recipientEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(recipientEmail)) throw new DomainError('validation_failed', 'recipientEmail is not an email address', { field: 'recipientEmail' });
    return { staffUserId: staff.id, contactId: contact?.id ?? null, recipientEmail };
  }

  private checkDetail(detail: string | undefined): string {
    const text = detail?.trim() ?? '';
    if (text.length === 0) throw new DomainError('detail_required', 'An exchange needs its detail');
    if (text.length > this.config.messages.maxBodyChars) throw new DomainError('body_too_large', `The detail is longer than ${this.config.messages.maxBodyChars} characters`);
    return text;
  }

  private async visible(auth: AuthContext, id: string): Promise<{ exchange: Exchange; intervention: Intervention }> {
    const exchange = await this.em.findOne(Exchange, { id, companyId: auth.companyId, deletedAt: null });
    if (!exchange) throw new NotFoundError('Exchange');
    const intervention = await this.interventions.visible(auth, exchange.interventionId).catch(() => null);
    // A client account sees its own client's exchanges, never the staff's drafts.
    if (!intervention || (auth.kind !== 'collaborator' && exchange.status === 'draft')) throw new NotFoundError('Exchange');
    return { exchange, intervention };
  }
}

/** Once the report is written, exchanges are frozen. */
function assertOpen(intervention: Intervention): void {
  if (intervention.status === 'reported') throw new DomainError('intervention_reported', 'The report of this intervention is written: its exchanges can no longer change');
}

