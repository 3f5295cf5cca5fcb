import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { CompanyLedEntity } from '../../core/tenancy/company-owned.entity.js';

export const QUARANTINE_STATUSES = ['open', 'assigned', 'discarded'] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];

/**
 * An inbound email or SMS that could not be threaded on its own (no match, sender mismatch,
 * unparsable…), kept with its reason until someone assigns it to a thread or discards it. One
 * item per inbound record, so processing the same record twice never quarantines it twice.
 */
@Entity({ tableName: 'quarantine_item' })
@Unique({ name: 'quarantine_item_source_unique', properties: ['channel', 'sourceId'] })
@Index({ name: 'quarantine_item_company_status_index', properties: ['companyId', 'status', 'id'] })
// Discarded items past their readable time, by age.
@Index({ name: 'quarantine_item_discarded_index', expression: `create index "quarantine_item_discarded_index" on "quarantine_item" ("resolved_at") where "status" = 'discarded'` })
export class QuarantineItem extends CompanyLedEntity {
  @Property({ type: 'text' }) channel!: 'email' | 'sms';
  /** The id of the stored inbound record (inbound email row id, inbound SMS row id). */
  @Property({ type: 'uuid' }) sourceId!: string;
  /** Machine-readable: no_thread, sender_mismatch, unparsable, unknown_number… */
  @Property({ type: 'text' }) reason!: string;
  @Property({ type: 'text', nullable: true }) detail: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) sender: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) subject: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) preview: Opt<string> | null = null;
  /** The thread the matcher proposes (e.g. the one the token named, for a sender mismatch). */
  @Property({ type: 'uuid', nullable: true, fieldName: 'suggested_conversation_id' }) suggestedMessageId: Opt<string> | null = null;
  @Property({ type: 'text' }) status: Opt<QuarantineStatus> = 'open';
  @Property({ type: 'uuid', nullable: true }) resolvedBy: Opt<string> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) resolvedAt: Opt<Date> | null = null;
  @Property({ type: 'uuid', nullable: true, fieldName: 'assigned_conversation_id' }) assignedMessageId: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) discardReason: Opt<string> | null = null;
  /** The label the routing rule that sent it here gave it ("devis", "hors horaires"…). */
  @Property({ type: 'text', nullable: true }) label: Opt<string> | null = null;
  /** That rule. */
  @Property({ type: 'uuid', nullable: true }) ruleId: Opt<string> | null = null;
  /** The mailbox (id) or SMS number (E.164) the item came in. */
  @Property({ type: 'text', nullable: true }) receivedBy: Opt<string> | null = null;
}
