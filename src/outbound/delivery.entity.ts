import type { Opt } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { CompanyLedEntity, CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';
import { Conversation, ConversationEntry } from '../conversations/conversation.entity.js';

export const DELIVERY_CHANNELS = ['email', 'sms', 'fax'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
export type DeliveryKind = 'copy' | 'reply_alert';

/**
 * pending → sending (claimed by one worker) → sent (the provider accepted it) → delivered (the
 * provider confirmed it); or failed (reason + provider code) or skipped (opted out, no address, or no longer shown to the account it was for).
 */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One copy of a conversation's first post or entry to one recipient on one channel. Made from an outbox row (unique
 * per row, so relaying twice makes one delivery). A worker claims it (pending → sending, a
 * compare-and-set in PostgreSQL) before calling a provider, so a retried job never sends twice.
 */
@Entity({ tableName: 'delivery' })
@Index({ name: 'delivery_company_status_index', properties: ['companyId', 'status', 'id'] })
// SMS replies are matched by the number a copy went to: only SMS rows are indexed by address.
@Index({
  name: 'delivery_sms_address_index',
  expression: `create index "delivery_sms_address_index" on "delivery" ("address", "created_at") where "channel" = 'sms'`,
})
// Unique where set: most rows have no reply token (SMS, fax, alerts) or no provider id (email),
// and an index entry per null would only cost writes.
@Index({
  name: 'delivery_reply_token_unique',
  expression: 'create unique index "delivery_reply_token_unique" on "delivery" ("reply_token") where "reply_token" is not null',
})
@Index({
  name: 'delivery_provider_message_id_unique',
  expression: 'create unique index "delivery_provider_message_id_unique" on "delivery" ("provider_message_id") where "provider_message_id" is not null',
})
// A kind shows where its entries' copies stand (an exchange sent by email): looked up by entry.
@Index({ name: 'delivery_entry_index', expression: 'create index "delivery_entry_index" on "delivery" ("entry_id") where "entry_id" is not null' })
export class Delivery extends CompanyLedEntity {
  /** The outbox row this delivery was made from. */
  @Property({ type: 'uuid', unique: 'delivery_outbox_copy_unique' }) outboxCopyId!: string;

  /** The conversation it copies (or alerts about), and the entry when it copies a reply. */
  @ManyToOne(() => Conversation, { mapToPk: true, fieldName: 'conversation_id', deleteRule: 'cascade', index: true })
  conversationId!: string;

  @ManyToOne(() => ConversationEntry, { mapToPk: true, fieldName: 'entry_id', nullable: true, deleteRule: 'cascade' })
  entryId: Opt<string> | null = null;

  @Property({ type: 'text' }) channel!: DeliveryChannel;

  /** `copy` of a message or reply, or `reply_alert`: the email telling staff a client answered. */
  @Property({ type: 'text' }) kind: Opt<DeliveryKind> = 'copy';

  /** `client` (the client of the file) or `user` (a CC account). */
  @Property({ type: 'text' }) recipientType!: 'client' | 'user';
  @Property({ type: 'uuid', nullable: true }) recipientUserId: Opt<string> | null = null;
  @Property({ type: 'uuid', nullable: true }) recipientClientId: Opt<string> | null = null;

  /** Where it goes: an email address, an E.164 number, or the fax gateway address. Null: none known. */
  @Property({ type: 'text', nullable: true }) address: Opt<string> | null = null;

  @Property({ type: 'text' }) status: Opt<DeliveryStatus> = 'pending';

  /**
   * Email: the random token of this copy's Reply-To address (`local+TOKEN@inbound-domain`); a reply
   * sent to it is threaded here and its sender checked against this recipient.
   */
  @Property({ type: 'text', nullable: true }) replyToken: Opt<string> | null = null;
  /** Email: the Message-ID we gave the copy (without angle brackets), on our own domain. */
  @Property({ type: 'text', nullable: true, unique: 'delivery_email_message_id_unique' }) emailMessageId: Opt<string> | null = null;
  /** SMS: Twilio's message SID, which status callbacks name. */
  @Property({ type: 'text', nullable: true }) providerMessageId: Opt<string> | null = null;
  /** SMS: segments and encoding (GSM-7 or UCS-2) of the rendered text. */
  @Property({ type: 'integer', nullable: true }) segments: Opt<number> | null = null;
  @Property({ type: 'text', nullable: true }) encoding: Opt<string> | null = null;

  @Property({ type: 'text', nullable: true }) failureReason: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) providerCode: Opt<string> | null = null;
  @Property({ type: 'integer' }) attempts: Opt<number> = 0;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) claimedAt: Opt<Date> | null = null;
  /**
   * Set (durably) just before the provider is called under the current claim. A claim left
   * `sending` without it never reached the provider and may be sent again; with it, the outcome
   * is unknown and the copy is never re-sent automatically.
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) providerCalledAt: Opt<Date> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) sentAt: Opt<Date> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) deliveredAt: Opt<Date> | null = null;
}

/** Every attempt at a delivery and every status the provider reported, oldest first. */
@Entity({ tableName: 'delivery_attempt' })
export class DeliveryAttempt extends CompanyOwnedEntity {
  @ManyToOne(() => Delivery, { mapToPk: true, fieldName: 'delivery_id', deleteRule: 'cascade', index: true })
  deliveryId!: string;

  /** sent, failed, retrying, skipped, status:<provider status>. */
  @Property({ type: 'text' }) outcome!: string;
  @Property({ type: 'text', nullable: true }) providerCode: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) detail: Opt<string> | null = null;
}

/** An address that must never be sent to on a channel (STOP keyword, provider 21610, or an admin). */
@Entity({ tableName: 'opt_out' })
@Unique({ name: 'opt_out_company_channel_address_unique', properties: ['companyId', 'channel', 'address'] })
export class OptOut extends CompanyLedEntity {
  @Property({ type: 'text' }) channel!: DeliveryChannel;
  /** E.164 for SMS and fax numbers, lower-case for email. */
  @Property({ type: 'text' }) address!: string;
  /** api, keyword, provider (OptOutSource). */
  @Property({ type: 'text' }) source!: string;
  @Property({ type: 'text', nullable: true }) reason: Opt<string> | null = null;
}
