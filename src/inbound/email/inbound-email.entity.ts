import { BigIntType, type Opt } from '@mikro-orm/core';
import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { CompanyLedEntity } from '../../core/tenancy/company-owned.entity.js';

/**
 * received → threaded (a reply was written) | automatic (auto-reply written as automatic) |
 * bounce (the original delivery marked failed) | loop (our own mail) | duplicate (same mail seen
 * before) | quarantined (waiting for an operator) | routed (a routing rule opened a message with it or
 * appended it to the sender's latest conversation) | dropped (a routing rule recorded it as automatic,
 * out of view: it is still stored). Only `received` is still to process.
 */
export const INBOUND_EMAIL_STATUSES = ['received', 'threaded', 'automatic', 'bounce', 'loop', 'duplicate', 'quarantined', 'routed', 'dropped'] as const;
export type InboundEmailStatus = (typeof INBOUND_EMAIL_STATUSES)[number];

/**
 * One mail as fetched from a mailbox, stored byte for byte before any processing, so a crash at
 * any later step loses nothing. Unique per mailbox + UIDVALIDITY + UID (re-fetching is a no-op);
 * `dedupKey` (the Message-ID, else the content hash) makes the same mail under another UID a
 * duplicate of the first row carrying it.
 */
@Entity({ tableName: 'inbound_email' })
@Unique({ name: 'inbound_email_mailbox_uid_unique', properties: ['mailboxId', 'uidValidity', 'uid'] })
@Index({ name: 'inbound_email_company_dedup_index', properties: ['companyId', 'dedupKey', 'id'] })
// Mail still in the watched folder, in UID order: a small index (moved mail leaves it), and the
// outcome written after processing touches no indexed column, so that update can stay on its page.
@Index({
  name: 'inbound_email_mailbox_pending_move_index',
  expression: 'create index "inbound_email_mailbox_pending_move_index" on "inbound_email" ("mailbox_id", "uid_validity", "uid") where "moved_at" is null',
})
// Retention: what is still to purge, by age (a small index: purged rows leave it).
@Index({ name: 'inbound_email_retention_index', expression: `create index "inbound_email_retention_index" on "inbound_email" ("created_at") where "raw_purged_at" is null` })
export class InboundEmail extends CompanyLedEntity {
  /** The Mailbox it was read from; not a foreign key: deleting the mailbox keeps what it received. */
  @Property({ type: 'uuid' }) mailboxId!: string;

  @Property({ type: 'text' }) uidValidity!: string;
  @Property({ type: new BigIntType('number') }) uid!: number;
  /** The Message-ID header without angle brackets; null when the mail has none. */
  @Property({ type: 'text', nullable: true }) messageIdHeader: Opt<string> | null = null;
  /** SHA-256 of the raw bytes. */
  @Property({ type: 'text' }) contentHash!: string;
  @Property({ type: 'text' }) dedupKey!: string;
  @Property({ type: 'integer' }) size!: number;
  @Property({ type: 'blob', columnType: 'bytea', lazy: true }) raw!: Buffer;

  @Property({ type: 'text' }) status: Opt<InboundEmailStatus> = 'received';
  /** Why it ended as it did (quarantine reason, bounce diagnostic, duplicate of…). */
  @Property({ type: 'text', nullable: true }) outcome: Opt<string> | null = null;
  @Property({ type: 'uuid', nullable: true, fieldName: 'conversation_id' }) threadMessageId: Opt<string> | null = null;
  @Property({ type: 'uuid', nullable: true, fieldName: 'entry_id' }) replyId: Opt<string> | null = null;
  /** When the retention purge emptied its raw content (the row, its outcome and what it made stay). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) rawPurgedAt: Opt<Date> | null = null;
  /** The routing rule that decided its outcome, when one did. */
  @Property({ type: 'uuid', nullable: true }) ruleId: Opt<string> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) processedAt: Opt<Date> | null = null;
  /** When the mail was flagged and moved out of the watched folder (processed or failed folder). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) movedAt: Opt<Date> | null = null;
}
