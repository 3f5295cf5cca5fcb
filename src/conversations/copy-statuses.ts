import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { CopyChannel } from './conversation.entity.js';

/** Where one copy of an entry stands: its channel, address and delivery status (pending … delivered, failed, skipped). */
export interface CopyStatus {
  /** The delivery's id (what an admin retries). */
  id: string;
  entryId: string;
  channel: CopyChannel;
  /** The account the copy went to, when it went to one (CC, a copy-circle member). */
  recipientUserId: string | null;
  address: string | null;
  status: string;
  failureReason: string | null;
}

/** The side that sends copies (outbound), answering where the copies of entries stand. */
export interface CopyStatusReader {
  statusesOf(em: EntityManager, entryIds: string[]): Promise<CopyStatus[]>;
  /** The copies of a whole conversation, its first post's (entryId null) included, oldest first. */
  statusesIn(em: EntityManager, conversationId: string): Promise<ConversationCopyStatus[]>;
}

/** A copy of a conversation's first post (entryId null) or of one of its entries. */
export type ConversationCopyStatus = Omit<CopyStatus, 'entryId'> & { entryId: string | null };

/**
 * Where the copies of entries stand, for a kind that shows them (an exchange sent by email shows its
 * delivery status and may not be deleted once sent). Outbound owns deliveries and registers the
 * reader when it starts; kinds ask here and never import outbound.
 */
@Injectable()
export class CopyStatuses {
  private reader: CopyStatusReader | undefined;

  provide(reader: CopyStatusReader): void {
    if (this.reader) throw new Error('Copy statuses are already answered by another reader');
    this.reader = reader;
  }

  /** The copies of these entries; an entry whose copies are still in the outbox has none yet. */
  async of(em: EntityManager, entryIds: string[]): Promise<Map<string, CopyStatus[]>> {
    if (entryIds.length === 0) return new Map();
    if (!this.reader) throw new Error('No reader of copy statuses is registered (is OutboundModule loaded?)');
    return Map.groupBy(await this.reader.statusesOf(em, entryIds), (status) => status.entryId);
  }

  /** Every copy of the conversation in one read (a thread shows each post's copies). */
  in(em: EntityManager, conversationId: string): Promise<ConversationCopyStatus[]> {
    if (!this.reader) throw new Error('No reader of copy statuses is registered (is OutboundModule loaded?)');
    return this.reader.statusesIn(em, conversationId);
  }
}
