import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type ConversationCopyStatus, type CopyStatus, type CopyStatusReader, CopyStatuses } from '../conversations/copy-statuses.js';
import { newId } from '../core/database/new-id.js';
import { boundSql } from '../core/database/sql-rows.js';

/** A copy Relais sent, as inbound needs it to tie an answer to its thread and check its sender. */
export interface SentCopy {
  id: string;
  companyId: string;
  conversationId: string;
  /** Where the copy went (and so who may answer it with its token). */
  address: string | null;
  recipientUserId: string | null;
  replyToken: string | null;
  emailMessageId: string | null;
}

/** An SMS thread: the conversation, and the client file it is on. */
export interface SmsCopyThread {
  conversationId: string;
  clientId: string;
}

const COLUMNS = `id, company_id as "companyId", conversation_id as "conversationId", address, recipient_user_id as "recipientUserId",
  reply_token as "replyToken", email_message_id as "emailMessageId"`;

const STATUS_COLUMNS = `id, entry_id as "entryId", channel, recipient_user_id as "recipientUserId", address, status, failure_reason as "failureReason"`;

/**
 * What outbound answers about the copies it sent, for inbound: which copy a reply token or a
 * Message-ID names, which of a mail's Message-IDs are our own, which threads sent SMS to a number,
 * and a delivery report's bounce. Outbound owns `delivery`; inbound asks here instead of reading or
 * writing it.
 */
@Injectable()
export class SentCopies implements CopyStatusReader, OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly copyStatuses: CopyStatuses,
  ) {}

  /** Kinds ask the core where their entries' copies stand; outbound answers. */
  onModuleInit(): void {
    this.copyStatuses.provide(this);
  }

  /** The copies (never the staff alerts) of these entries, oldest first. */
  statusesOf(em: EntityManager, entryIds: string[]): Promise<CopyStatus[]> {
    return boundSql<CopyStatus>(
      em,
      `select ${STATUS_COLUMNS} from delivery where entry_id = any(?::uuid[]) and kind = 'copy' order by id`,
      [entryIds],
    );
  }

  /** The copies (never the staff alerts) of a conversation's posts, oldest first: one read for the thread. */
  statusesIn(em: EntityManager, conversationId: string): Promise<ConversationCopyStatus[]> {
    return boundSql<ConversationCopyStatus>(em, `select ${STATUS_COLUMNS} from delivery where conversation_id = ? and kind = 'copy' order by id`, [conversationId]);
  }

  /** Copies carrying these reply tokens, newest first. */
  byReplyTokens(em: EntityManager, tokens: string[]): Promise<SentCopy[]> {
    if (tokens.length === 0) return Promise.resolve([]);
    return boundSql<SentCopy>(em, `select ${COLUMNS} from delivery where reply_token = any(?::text[]) order by id desc`, [tokens]);
  }

  /** Email copies with these Message-IDs (lower-case, as stored). */
  byMessageIds(em: EntityManager, messageIds: string[]): Promise<SentCopy[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return boundSql<SentCopy>(em, `select ${COLUMNS} from delivery where email_message_id = any(?::text[])`, [messageIds]);
  }

  /** Of these Message-IDs (lower-case), those of copies we sent. */
  async ownMessageIds(messageIds: string[]): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows = await boundSql<{ id: string }>(this.em, 'select email_message_id as id from delivery where email_message_id = any(?::text[])', [messageIds]);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * For each number, the latest thread with an SMS copy to it within the window (copies skipped or
   * failed reached nobody); numbers with none are missing from the map. One query for them all.
   */
  async latestSmsThreads(companyId: string, numbers: string[], windowDays: number): Promise<Map<string, SmsCopyThread>> {
    const distinct = [...new Set(numbers)];
    if (distinct.length === 0) return new Map();
    const rows = await boundSql<{ address: string; conversation_id: string; client_id: string }>(
      this.em,
      `select distinct on (d.address) d.address, d.conversation_id, c.client_id from delivery d join conversation c on c.id = d.conversation_id
        where d.channel = 'sms' and d.address = any(?::text[]) and d.company_id = ? and d.status not in ('skipped', 'failed')
          and d.created_at > now() - make_interval(days => ?)
        order by d.address, d.created_at desc, d.id desc`,
      [distinct, companyId, windowDays],
    );
    return new Map(rows.map((row) => [row.address, { conversationId: row.conversation_id, clientId: row.client_id }]));
  }

  /** Of these conversations, those that sent an SMS copy to `number` (however long ago). */
  async smsSentTo(companyId: string, conversationIds: string[], number: string): Promise<Set<string>> {
    if (conversationIds.length === 0) return new Set();
    const rows = await boundSql<{ conversation_id: string }>(
      this.em,
      `select distinct conversation_id from delivery where company_id = ? and conversation_id = any(?::uuid[]) and channel = 'sms' and address = ?`,
      [companyId, conversationIds, number],
    );
    return new Set(rows.map((row) => row.conversation_id));
  }

  /**
   * A delivery report names the Message-ID of the copy that bounced: that delivery is marked failed
   * (with the report's diagnostic) and the attempt recorded, like any provider failure. Our
   * Message-IDs are unique across the deployment: the delivery is found whatever company's mailbox
   * the report reached, and the answer names its company. Null when the report names none of ours.
   */
  async recordBounce(messageIds: string[], diagnostic: string): Promise<{ deliveryId: string; companyId: string } | null> {
    if (messageIds.length === 0) return null;
    const detail = `bounce: ${diagnostic}`.slice(0, 1000);
    return this.em.fork().transactional(async (em) => {
      const [copy] = await boundSql<{ id: string; company_id: string; status: string }>(
        em,
        `select id, company_id, status from delivery where channel = 'email' and email_message_id = any(?::text[]) order by id limit 1 for update`,
        [messageIds.map((id) => id.toLowerCase())],
      );
      if (!copy) return null;
      if (copy.status !== 'failed') {
        await boundSql(em, `update delivery set status = 'failed', failure_reason = ?, updated_at = now() where id = ?`, [detail, copy.id]);
        await boundSql(
          em,
          `insert into delivery_attempt (id, created_at, updated_at, company_id, delivery_id, outcome, detail) values (?, now(), now(), ?, ?, 'failed', ?)`,
          [newId(), copy.company_id, copy.id, detail],
        );
      }
      return { deliveryId: copy.id, companyId: copy.company_id };
    });
  }
}
