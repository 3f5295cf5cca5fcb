import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../../core/tenancy/company-owned.entity.js';

/**
 * received → threaded (a reply on a recent thread) | composed (a new message on a known sender's
 * file) | quarantined | opted_out | opted_in | help (keywords: recorded, never posted as replies).
 */
export const INBOUND_SMS_STATUSES = ['received', 'threaded', 'composed', 'quarantined', 'opted_out', 'opted_in', 'help', 'routed', 'dropped'] as const;
export type InboundSmsStatus = (typeof INBOUND_SMS_STATUSES)[number];

/** One MMS media item as Twilio announced it (the file stays at Twilio's URL). */
export interface InboundSmsMedia {
  url: string;
  contentType: string;
}

/**
 * An SMS Twilio posted to the webhook, stored as received before Twilio gets its 200: nothing
 * acknowledged is lost. Unique on MessageSid, so a webhook Twilio retries is stored once.
 */
@Entity({ tableName: 'inbound_sms' })
@Index({ name: 'inbound_sms_status_index', properties: ['status', 'id'] })
// Retention: what is still to purge, by age (a small index: purged rows leave it).
@Index({ name: 'inbound_sms_retention_index', expression: `create index "inbound_sms_retention_index" on "inbound_sms" ("created_at") where "raw_purged_at" is null` })
export class InboundSms extends CompanyOwnedEntity {
  @Property({ type: 'text', unique: 'inbound_sms_message_sid_unique' }) messageSid!: string;
  @Property({ type: 'text' }) accountSid!: string;
  /** The SmsNumber the To number (or Messaging Service) matched; not a foreign key: the number may be removed later. */
  @Property({ type: 'uuid' }) smsNumberId!: string;
  /** As Twilio sent them; `fromAddress` is normalised to E.164 when processed. */
  @Property({ type: 'text' }) fromRaw!: string;
  @Property({ type: 'text' }) toRaw!: string;
  @Property({ type: 'text', nullable: true }) fromAddress: Opt<string> | null = null;
  @Property({ type: 'text' }) body!: string;
  @Property({ type: 'json' }) media: Opt<InboundSmsMedia[]> = [];
  /** Every posted parameter, as signed: what Twilio said, whatever we make of it. */
  @Property({ type: 'json' }) params!: Record<string, string>;
  @Property({ type: 'text' }) status: Opt<InboundSmsStatus> = 'received';
  /** The thread it went to (threaded, composed), or the one suggested when quarantined. */
  @Property({ type: 'uuid', nullable: true, fieldName: 'conversation_id' }) messageId: Opt<string> | null = null;
  @Property({ type: 'uuid', nullable: true, fieldName: 'entry_id' }) replyId: Opt<string> | null = null;
  /** Why it ended as it did (quarantine reason, keyword matched). */
  @Property({ type: 'text', nullable: true }) outcome: Opt<string> | null = null;
  /** When the retention purge emptied its raw content (the row, its outcome and what it made stay). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) rawPurgedAt: Opt<Date> | null = null;
  /** The routing rule that decided its outcome, when one did (routed, dropped, or quarantined with a label). */
  @Property({ type: 'uuid', nullable: true }) ruleId: Opt<string> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) processedAt: Opt<Date> | null = null;
}
