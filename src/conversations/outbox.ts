import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql } from '../core/database/sql-rows.js';
import type { CopyChannel } from './conversation.entity.js';

/** An outbox row waiting to become a delivery, with the client file of its conversation. */
export interface PendingCopy {
  id: string;
  company_id: string;
  conversation_id: string;
  entry_id: string | null;
  recipient_type: 'client' | 'user';
  recipient_user_id: string | null;
  channel: CopyChannel;
  /** Null for a conversation about no client file (a discussion with a worker). */
  client_id: string | null;
  /** The address the kind chose for this copy, else null (the recipient's own). */
  recipient_address: string | null;
}

/** See Outbox.copyHeader. */
export interface CopyHeader {
  company_id: string;
  kind: string;
  author_id: string;
  client_id: string | null;
  entry_body: string | null;
  entry_author_id: string | null;
  entry_sender: string | null;
  tag: string | null;
  attach: unknown;
}

/**
 * The copies kinds asked for (Conversations.recordCopies), as outbound drains them: rows are taken
 * in the caller's transaction, locked (skip locked: several workers share the work), and marked
 * relayed in that same transaction once their deliveries are written.
 */
@Injectable()
export class Outbox {
  take(em: EntityManager, limit: number): Promise<PendingCopy[]> {
    return boundSql<PendingCopy>(
      em,
      `select oc.id, oc.company_id, oc.conversation_id, oc.entry_id, oc.recipient_type, oc.recipient_user_id, oc.channel, c.client_id, oc.recipient_address
         from outbox_copy oc
         join conversation c on c.id = oc.conversation_id
        where oc.status = 'pending'
        order by oc.id
        limit ?
        for update of oc skip locked`,
      [limit],
    );
  }

  /**
   * What every copy of a conversation's first post or entry shares: the conversation's company,
   * kind, author and client file, the entry's text and author or sender, the conversation's tag
   * (null until its first copy makes it) and what the outbox rows asked to attach.
   */
  async copyHeader(em: EntityManager, conversationId: string, entryId: string | null): Promise<CopyHeader | null> {
    const [row] = await boundSql<CopyHeader>(
      em,
      `select c.company_id, c.kind, c.author_id, c.client_id, r.body as entry_body, r.author_id as entry_author_id,
              coalesce(r.sender_name, r.sender_address) as entry_sender, t.tag,
              (select oc.attach_digest from outbox_copy oc where oc.conversation_id = c.id and oc.entry_id is not distinct from r.id
                  and oc.attach_digest is not null limit 1) as attach
         from conversation c
         left join conversation_entry r on r.id = ?
         left join thread_tag t on t.conversation_id = c.id
        where c.id = ?`,
      [entryId, conversationId],
    );
    return row ?? null;
  }

  async markRelayed(em: EntityManager, ids: string[], at: Date): Promise<void> {
    if (ids.length > 0) await boundSql(em, `update outbox_copy set status = 'relayed', updated_at = ? where id = any(?::uuid[])`, [at, ids]);
  }
}
