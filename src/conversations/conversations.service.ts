import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql, insertRows } from '../core/database/sql-rows.js';
import { newId } from '../core/database/new-id.js';
import { Conversation, ConversationEntry, ConversationEvent, ConversationState, type CopyChannel, type DigestRequest } from './conversation.entity.js';

/** What a kind asks the core when it opens a thread: its company, client file, kind and author. */
export interface OpenConversation {
  /** Chosen by the caller when it must be known before the write (an inbound item's idempotency). */
  id?: string;
  companyId: string;
  /** Null for a thread about no client file (a discussion with a worker). */
  clientId: string | null;
  kind: string;
  authorId: string;
  at?: Date;
}

/** One copy to write: to the client file (userId null) or an account, at its own address unless `address` says. */
interface OutboxRow {
  channel: CopyChannel;
  userId: string | null;
  address?: string;
  attach?: DigestRequest | null;
}

/**
 * The writes every kind makes on its conversations, inside the kind's own transaction (`em`): open
 * one, append a staff entry, record a history line, mark read for an account. Kinds keep their own
 * columns in their own tables; what threads share lives here.
 */
@Injectable()
export class Conversations {
  /** Opens a conversation, read by its author from the start. */
  open(em: EntityManager, input: OpenConversation): Conversation {
    const at = input.at ?? new Date();
    const conversation = em.create(Conversation, {
      ...(input.id ? { id: input.id } : {}),
      companyId: input.companyId,
      clientId: input.clientId,
      kind: input.kind,
      authorId: input.authorId,
      lastActivityAt: at,
    });
    return conversation;
  }

  /** Marks the conversation read by `userId` as of `at` (its author, on open). */
  read(em: EntityManager, conversation: Pick<Conversation, 'id' | 'companyId'>, userId: string, at: Date): ConversationState {
    return em.create(ConversationState, { companyId: conversation.companyId, conversationId: conversation.id, userId, readAt: at });
  }

  /**
   * Appends an entry written in the app by a signed-in account: the conversation's last activity
   * moves (unread again for everyone else) and its author has read it.
   */
  append(em: EntityManager, conversation: Conversation, authorId: string, body: string, at = new Date()): ConversationEntry {
    const entry = em.create(ConversationEntry, { companyId: conversation.companyId, conversationId: conversation.id, authorId, body });
    conversation.lastActivityAt = at;
    em.persist(conversation);
    return entry;
  }

  /**
   * Copies to send of the conversation's first post (`entryId` null) or of an entry: one outbox row
   * per channel and recipient — the client of the file, and each account in `users` (CC, copy circle).
   * Written in the caller's transaction (`em` flushed: the rows refer to the conversation and entry),
   * so no copy request is lost between the write and the relay; outbound drains them. Rows belong to
   * the conversation's company, also when a subcontractor wrote the entry.
   */
  async recordCopies(
    em: EntityManager,
    conversation: { id: string; companyId: string },
    entryId: string | null,
    channels: CopyChannel[],
    users: string[],
    attach: DigestRequest | null = null,
  ): Promise<void> {
    const copies = channels.flatMap((channel) => [null, ...users].map((userId) => ({ channel, userId, attach: channel === 'email' ? attach : null })));
    await this.writeCopies(em, conversation, entryId, copies);
  }

  /**
   * Copies of the first post (`entryId` null) or of an entry to these accounts only, at their own
   * address, never to the client file's (a portal discussion's alerts: its client or worker, its
   * file manager). Written in the caller's transaction like recordCopies; outbound gives each email
   * its reply address, so an answer comes back into the conversation.
   */
  async recordAccountCopies(em: EntityManager, conversation: { id: string; companyId: string }, entryId: string | null, channel: CopyChannel, userIds: string[]): Promise<void> {
    await this.writeCopies(em, conversation, entryId, [...new Set(userIds)].map((userId) => ({ channel, userId })));
  }

  /**
   * Marks the conversation read by `userId` as of `at`, whether or not the account had a state row
   * (an account opening a thread, or writing in it).
   */
  async markRead(em: EntityManager, conversation: Pick<Conversation, 'id' | 'companyId'>, userId: string, at = new Date()): Promise<void> {
    await boundSql(
      em,
      `insert into conversation_state (id, created_at, updated_at, company_id, conversation_id, user_id, read_at) values (?, now(), now(), ?, ?, ?, ?)
       on conflict (conversation_id, user_id) do update set read_at = greatest(coalesce(conversation_state.read_at, excluded.read_at), excluded.read_at), updated_at = now()`,
      [newId(), conversation.companyId, conversation.id, userId, at],
    );
  }

  /**
   * One copy of an entry to an address the kind chose (an exchange sent to a contact's email or
   * mobile rather than to the client's own), written in the caller's transaction like recordCopies.
   */
  async recordCopyTo(em: EntityManager, conversation: { id: string; companyId: string }, entryId: string, channel: CopyChannel, address: string): Promise<void> {
    await this.writeCopies(em, conversation, entryId, [{ channel, userId: null, address }]);
  }

  /** One line of the history, owned by the conversation's company whoever the actor is. */
  record(em: EntityManager, conversation: Pick<Conversation, 'id' | 'companyId'>, actorId: string, type: string, details: Record<string, unknown> | null): ConversationEvent {
    return em.create(ConversationEvent, { companyId: conversation.companyId, conversationId: conversation.id, actorId, type, details });
  }

  /** The one writer of outbox rows (the record*Copies above): one multi-row insert, nothing when there is no copy. */
  private async writeCopies(em: EntityManager, conversation: { id: string; companyId: string }, entryId: string | null, copies: OutboxRow[]): Promise<void> {
    const now = new Date();
    await insertRows(
      em,
      'outbox_copy',
      ['id', 'created_at', 'updated_at', 'company_id', 'conversation_id', 'entry_id', 'recipient_type', 'recipient_user_id', 'channel', 'status', 'recipient_address', 'attach_digest'],
      copies.map((c) => [
        newId(), now, now, conversation.companyId, conversation.id, entryId,
        c.userId ? 'user' : 'client', c.userId, c.channel, 'pending', c.address ?? null, c.attach ? JSON.stringify(c.attach) : null,
      ]),
      { recipient_type: 'copy_recipient', attach_digest: 'jsonb' },
    );
  }
}
