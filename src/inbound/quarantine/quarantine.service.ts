import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../../core/errors/domain-error.js';
import type { DownloadFile } from '../../core/http/file-download.js';
import { type Page, type PageQuery, pageWindow, toPage } from '../../core/http/params.js';
import { AuditService } from '../../audit/audit.service.js';
import { ConversationKinds } from '../../conversations/conversation-kinds.js';
import { boundSql } from '../../core/database/sql-rows.js';
import { openingIdFor } from '../routing/opening-id.js';
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
  reason?: string;
  label?: string;
  /** The mailbox id or SMS number the items came in. */
  receivedBy?: string;
  /** Items that came in at or after / before these instants. */
  from?: string;
  to?: string;
}

/**
 * Re-runs the company's routing rules on a quarantined item (after a rule was added): what the rule
 * did, or `unmatched` when none takes it. Registered by each channel, as assigners are.
 */
export type QuarantineRerouter = (item: QuarantineItem) => Promise<RerouteOutcome>;

/** An item as it came in, whole: what an operator reads before deciding. */
export interface QuarantineContent {
  /** The full text (a mail's plain text, or its HTML made text; an SMS's body). */
  text: string;
  /** The mail had an HTML part. */
  html: boolean;
  /** `downloadable`: its bytes are here to send (a mail's file while the mail is kept; never an MMS's media, which stays at the provider). */
  attachments: { filename: string | null; contentType: string; size: number | null; downloadable: boolean }[];
  /** The retention purge emptied the stored content: only the item's preview is left. */
  purged: boolean;
}

/** How a channel reads its quarantined items: registered by each channel, as assigners are. */
export interface QuarantineReader {
  content(item: QuarantineItem): Promise<QuarantineContent>;
  /** The `index`-th of `content().attachments`, whole; a NotFoundError when it is not there to send. */
  attachment(item: QuarantineItem, index: number): Promise<DownloadFile>;
}

export type RerouteOutcome =
  | { outcome: 'routed'; conversationId: string | null; ruleId: string }
  | { outcome: 'dropped'; ruleId: string }
  | { outcome: 'labelled'; label: string; ruleId: string }
  | { outcome: 'unmatched' };

export const BULK_ACTIONS = ['assign', 'discard', 'open', 'rerun'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
/** Items one bulk request decides at most. */
export const MAX_BULK = 500;

export interface BulkInput {
  action: BulkAction;
  ids: string[];
  messageId?: string;
  reason?: string;
  clientId?: string;
}

/** One item's result in a bulk decision: each item is decided alone, all or nothing. */
export interface BulkResult {
  id: string;
  ok: boolean;
  /** The item's status after (when it exists and is the caller's). */
  status?: QuarantineStatus;
  /** What became of it on a rerun: routed, dropped, labelled, unmatched. */
  outcome?: string;
  code?: string;
  message?: string;
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
  private readonly rerouters = new Map<QuarantineChannel, QuarantineRerouter>();
  private readonly readers = new Map<QuarantineChannel, QuarantineReader>();

  constructor(
    private readonly em: EntityManager,
    private readonly kinds: ConversationKinds,
    private readonly audit: AuditService,
  ) {}

  registerAssigner(channel: QuarantineChannel, assigner: QuarantineAssigner): void {
    this.assigners.set(channel, assigner);
  }

  registerRerouter(channel: QuarantineChannel, rerouter: QuarantineRerouter): void {
    this.rerouters.set(channel, rerouter);
  }

  registerReader(channel: QuarantineChannel, reader: QuarantineReader): void {
    this.readers.set(channel, reader);
  }

  /** The item's mail or SMS whole (full text, attachments), read by its channel. */
  async content(auth: AuthContext, id: string): Promise<QuarantineContent> {
    const item = await this.get(auth, id);
    const reader = this.readers.get(item.channel);
    if (!reader) throw new NotFoundError('The content of this quarantine item');
    return reader.content(item);
  }

  /**
   * One file of the item (its position in the content's `attachments`), whatever the item's status:
   * an assigned or discarded item stays readable, files included, until the retention purge empties
   * its mail (then, as for an index out of range, a 404).
   */
  async attachment(auth: AuthContext, id: string, index: number): Promise<DownloadFile> {
    const item = await this.get(auth, id);
    const reader = this.readers.get(item.channel);
    if (!reader) throw new NotFoundError('Attachment');
    return reader.attachment(item, index);
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
    const createdAt = {
      ...(query.from ? { $gte: new Date(query.from) } : {}),
      ...(query.to ? { $lt: new Date(query.to) } : {}),
    };
    const where = {
      companyId: auth.companyId,
      ...(query.status ? { status: query.status } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.reason ? { reason: query.reason } : {}),
      ...(query.label ? { label: query.label } : {}),
      ...(query.receivedBy ? { receivedBy: query.receivedBy } : {}),
      ...(query.from || query.to ? { createdAt } : {}),
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
    if (updated > 0) await this.audited(auth, 'quarantine.assign', current, { assignedMessageId: messageId });
    return current;
  }

  /**
   * Opens a new message on a client file of the company from the item (the caller its author), then
   * assigns the item to it as its first reply: the full mail or SMS, with its files. Opening again
   * (a retry) finds the same message.
   */
  async open(auth: AuthContext, id: string, clientId: string): Promise<QuarantineItem> {
    const item = await this.get(auth, id);
    if (item.status !== 'open') throw new DomainError('conflict', `This item is ${item.status} already`);
    const [client] = await boundSql<{ id: string }>(this.em.fork(), 'select id from client where id = ? and company_id = ?', [clientId, auth.companyId]);
    if (!client) throw new NotFoundError('Client');
    const opened = await this.kinds.inboundOpener().open({
      id: openingIdFor(`quarantine:${item.id}`),
      companyId: auth.companyId,
      clientId,
      authorId: auth.userId,
      subject: (item.subject?.trim() || `Message de ${item.sender ?? 'un expéditeur inconnu'}`).slice(0, 200),
      body: `Ouvert depuis la quarantaine : ${item.channel === 'sms' ? 'SMS' : 'courriel'} de ${item.sender ?? 'un expéditeur inconnu'}.`,
      origin: item.channel,
      senderAddress: item.sender ?? 'inconnu',
    });
    return this.assign(auth, id, opened.conversationId);
  }

  /** Runs the company's rules again on the item (a rule was added since): routed, dropped, labelled, or left as it was. */
  async rerun(auth: AuthContext, id: string): Promise<{ item: QuarantineItem; outcome: string }> {
    const item = await this.get(auth, id);
    if (item.status !== 'open') throw new DomainError('conflict', `This item is ${item.status} already`);
    const rerouter = this.rerouters.get(item.channel);
    if (!rerouter) throw new DomainError('not_ready', `Items of channel ${item.channel} cannot be routed by this process`);
    const result = await rerouter(item);
    const changes =
      result.outcome === 'routed'
        ? { status: 'assigned' as const, assignedMessageId: result.conversationId, resolvedBy: auth.userId, resolvedAt: new Date(), ruleId: result.ruleId }
        : result.outcome === 'dropped'
          ? { status: 'discarded' as const, discardReason: 'dropped by a routing rule', resolvedBy: auth.userId, resolvedAt: new Date(), ruleId: result.ruleId }
          : result.outcome === 'labelled'
            ? { label: result.label, ruleId: result.ruleId }
            : null;
    if (changes) {
      await this.em.fork().transactional(async (em) => {
        await em.nativeUpdate(QuarantineItem, { id, status: 'open' }, changes);
        this.audit.record(em, auth, 'quarantine.rerun', { type: 'quarantine_item', id }, { status: item.status, label: item.label }, { outcome: result.outcome, ...changes });
      });
    }
    return { item: await this.reload(id), outcome: result.outcome };
  }

  /** One decision on many items (at most MAX_BULK), each item alone: what one refuses never undoes another. */
  async bulk(auth: AuthContext, input: BulkInput): Promise<BulkResult[]> {
    const ids = [...new Set(input.ids)];
    if (ids.length === 0 || ids.length > MAX_BULK) throw new DomainError('unprocessable', `Give 1 to ${MAX_BULK} item ids`, { field: 'ids' });
    if (input.action === 'assign' && !input.messageId) throw new DomainError('unprocessable', 'Assigning needs the thread: messageId', { field: 'messageId' });
    if (input.action === 'discard' && !input.reason?.trim()) throw new DomainError('unprocessable', 'Say why the items are discarded', { field: 'reason' });
    if (input.action === 'open' && !input.clientId) throw new DomainError('unprocessable', 'Opening a message needs the client file: clientId', { field: 'clientId' });
    const results: BulkResult[] = [];
    for (const id of ids) {
      try {
        if (input.action === 'rerun') {
          const { item, outcome } = await this.rerun(auth, id);
          results.push({ id, ok: true, status: item.status, outcome });
          continue;
        }
        const item =
          input.action === 'assign'
            ? await this.assign(auth, id, input.messageId!)
            : input.action === 'discard'
              ? await this.discard(auth, id, input.reason!)
              : await this.open(auth, id, input.clientId!);
        results.push({ id, ok: true, status: item.status });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ id, ok: false, code: error.code, message: error.message });
      }
    }
    return results;
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
    if (updated > 0) await this.audited(auth, 'quarantine.discard', current, { discardReason: text });
    return current;
  }

  /** Each triage decision in the audit log. */
  private async audited(auth: AuthContext, action: string, item: QuarantineItem, after: Record<string, unknown>): Promise<void> {
    const em = this.em.fork();
    this.audit.record(em, auth, action, { type: 'quarantine_item', id: item.id }, { status: 'open' }, { status: item.status, ...after });
    await em.flush();
  }

  /** The row as committed, bypassing the identity map (nativeUpdate does not touch loaded entities). */
  private async reload(id: string): Promise<QuarantineItem> {
    return this.em.fork().findOneOrFail(QuarantineItem, { id });
  }
}
