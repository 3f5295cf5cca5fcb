import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../../core/errors/domain-error.js';
import { type Page, type PageQuery, pageWindow, toPage } from '../../core/http/params.js';
import { ConversationKinds } from '../../conversations/conversation-kinds.js';
import { QuarantineItem, type QuarantineStatus } from './quarantine-item.entity.js';

export type QuarantineChannel = QuarantineItem['channel'];

/** What an inbound side records when it cannot thread an item on its own. */
export interface QuarantineInput {
  companyId: string;
  channel: QuarantineChannel;
  /** The stored inbound record (inbound email id, inbound SMS id): one item per record. */
  sourceId: string;
  /** Machine-readable: no_thread, sender_mismatch, unparsable, processing_failed… */
  reason: string;
  detail?: string | null;
  sender?: string | null;
  subject?: string | null;
  preview?: string | null;
  suggestedMessageId?: string | null;
  /** The label and the rule, when a routing rule sent the item here. */
  label?: string | null;
  ruleId?: string | null;
  /** The mailbox (id) or our SMS number the item came in. */
  receivedBy?: string | null;
}

/**
 * Re-processes a quarantined item into the thread an operator chose, as a reply of its channel.
 * Must be idempotent (an assign retried after a crash calls it again) and return the reply's id.
 */
export type QuarantineAssigner = (item: QuarantineItem, messageId: string) => Promise<{ replyId: string }>;

export interface QuarantineListQuery extends PageQuery {
  status?: QuarantineStatus;
  channel?: QuarantineChannel;
}

const PREVIEW_CHARS = 500;

/**
 * The triage list of inbound items nobody could thread. Inbound channels put items here
 * (`quarantine`, idempotent per channel + source) and register how their items are replayed into a
 * thread (`registerAssigner`), so this service knows no channel's internals.
 */
@Injectable()
export class QuarantineService {
  private readonly assigners = new Map<QuarantineChannel, QuarantineAssigner>();

  constructor(
    private readonly em: EntityManager,
    private readonly kinds: ConversationKinds,
  ) {}

  registerAssigner(channel: QuarantineChannel, assigner: QuarantineAssigner): void {
    this.assigners.set(channel, assigner);
  }

  /** Records the item once: a second call for the same channel + source returns the first item unchanged. */
  async quarantine(input: QuarantineInput): Promise<QuarantineItem> {
    const em = this.em.fork();
    const row = {
      companyId: input.companyId,
      channel: input.channel,
      sourceId: input.sourceId,
      reason: input.reason,
      detail: input.detail?.slice(0, 2_000) ?? null,
      sender: input.sender?.slice(0, 500) ?? null,
      subject: input.subject?.slice(0, 500) ?? null,
      preview: input.preview?.slice(0, PREVIEW_CHARS) ?? null,
      suggestedMessageId: input.suggestedMessageId ?? null,
      label: input.label ?? null,
      ruleId: input.ruleId ?? null,
      receivedBy: input.receivedBy ?? null,
    };
    // insert … on conflict do nothing: concurrent workers on the same record leave one item.
    await em.createQueryBuilder(QuarantineItem).insert(em.create(QuarantineItem, row, { persist: false })).onConflict(['channel', 'sourceId']).ignore().execute();
    const item = await em.findOne(QuarantineItem, { channel: input.channel, sourceId: input.sourceId });
    if (!item) throw new Error(`Quarantine item ${input.channel}:${input.sourceId} vanished after insert`);
    return item;
  }

  async list(auth: AuthContext, query: QuarantineListQuery): Promise<Page<QuarantineItem>> {
    const { limit, after } = pageWindow(query);
    const where = {
      companyId: auth.companyId,
      ...(query.status ? { status: query.status } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...after,
    };
    const rows = await this.em.find(QuarantineItem, where, { orderBy: { id: 'asc' }, limit: limit + 1 });
    return toPage(rows, limit, (row) => row);
  }

  async get(auth: AuthContext, id: string): Promise<QuarantineItem> {
    const item = await this.em.findOne(QuarantineItem, { companyId: auth.companyId, id });
    if (!item) throw new NotFoundError('Quarantine item');
    return item;
  }

  /**
   * Threads the item into `messageId` (a thread of the same company the caller can see) through its
   * channel's assigner. Assigning again to the same thread answers the same item; a discarded item,
   * or one assigned elsewhere, is a conflict.
   */
  async assign(auth: AuthContext, id: string, messageId: string): Promise<QuarantineItem> {
    const item = await this.get(auth, id);
    if (item.status === 'discarded') throw new DomainError('conflict', 'This item was discarded; it cannot be assigned');
    if (item.status === 'assigned' && item.assignedMessageId !== messageId) {
      throw new DomainError('conflict', 'This item is already assigned to another thread', { assignedMessageId: item.assignedMessageId });
    }
    if (item.status === 'assigned') return item;
    const conversation = await this.kinds.assertVisible(this.em, auth, messageId);
    // A subcontractor may see another company's thread; an item never leaves its own company.
    if (conversation.companyId !== item.companyId) throw new NotFoundError('Conversation');
    const assigner = this.assigners.get(item.channel);
    if (!assigner) throw new DomainError('not_ready', `Items of channel ${item.channel} cannot be assigned by this process`);
    await assigner(item, messageId);
    // Compare-and-set: a concurrent discard wins over a late assign only if it committed first.
    const updated = await this.em.nativeUpdate(
      QuarantineItem,
      { id, status: 'open' },
      { status: 'assigned', assignedMessageId: messageId, resolvedBy: auth.userId, resolvedAt: new Date() },
    );
    const current = await this.reload(id);
    if (updated === 0 && current.assignedMessageId !== messageId) throw new DomainError('conflict', 'This item was resolved meanwhile');
    return current;
  }

  async discard(auth: AuthContext, id: string, reason: string): Promise<QuarantineItem> {
    const item = await this.get(auth, id);
    if (item.status === 'discarded') return item;
    if (item.status === 'assigned') throw new DomainError('conflict', 'This item is already assigned to a thread');
    const text = reason.trim();
    if (text.length === 0) throw new DomainError('unprocessable', 'Say why the item is discarded', { field: 'reason' });
    const updated = await this.em.nativeUpdate(
      QuarantineItem,
      { id, status: 'open' },
      { status: 'discarded', discardReason: text, resolvedBy: auth.userId, resolvedAt: new Date() },
    );
    const current = await this.reload(id);
    if (updated === 0 && current.status !== 'discarded') throw new DomainError('conflict', 'This item was resolved meanwhile');
    return current;
  }

  /** The row as committed, bypassing the identity map (nativeUpdate does not touch loaded entities). */
  private async reload(id: string): Promise<QuarantineItem> {
    return this.em.fork().findOneOrFail(QuarantineItem, { id });
  }
}
