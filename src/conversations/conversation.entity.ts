import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { User } from '../accounts/user.entity.js';
import { Client } from '../clients/client.entity.js';
import type { CopyChannel } from '../settings/settings.entity.js';
import { BaseEntity } from '../core/database/base.entity.js';
import { CompanyLedEntity, CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * Glossary: a "conversation" is any thread on a client file that copies go out from and replies come
 * back to. Its kind says which domain owns the rest of it: `message` (messages/: tasks, urgent,
 * remarks, VAD…) today; intervention exchanges and portal discussions register their own kinds.
 * The conversation's id is its kind's row id (a message's id is its conversation's id).
 */
@Entity({ tableName: 'conversation' })
@Index({ name: 'conversation_company_client_index', properties: ['companyId', 'clientId', 'id'] })
export class Conversation extends CompanyLedEntity {
  /** The client file it is about; null for a thread about no client (a discussion with a worker). */
  @ManyToOne(() => Client, { mapToPk: true, fieldName: 'client_id', nullable: true, deleteRule: 'no action' })
  clientId!: string | null;

  /** Who opened it (an account; for a thread opened by an inbound item, the account it is recorded under). */
  @ManyToOne(() => User, { mapToPk: true, fieldName: 'author_id', index: true })
  authorId!: string;

  /** The kind registered by the domain that owns the thread (see ConversationKinds). */
  @Property({ type: 'text' }) kind!: string;

  /** The latest post (first post or a person's entry): unread means "not read since then". */
  @Property({ type: 'datetime', columnType: 'timestamptz' }) lastActivityAt: Opt<Date> = new Date();
}

export const ENTRY_ORIGINS = ['app', 'email', 'sms'] as const;
export type EntryOrigin = (typeof ENTRY_ORIGINS)[number];

/** A file that came with an inbound entry (stored through the storage port) or an MMS media link. */
export interface EntryAttachment {
  name: string;
  contentType: string;
  size: number | null;
  /** Storage key of the kept file, or the provider's media URL for MMS. */
  location: string | null;
  /** Why the file itself was not kept (e.g. over the size limit); the entry is kept anyway. */
  omitted?: string;
}

/**
 * A post after the first one (a "reply" in the API). Written in the app by an account (`origin: app`),
 * or received by email or SMS (`origin: email | sms`): then the author may be unknown (a contact never
 * logs in), the sender's address is kept, `body` is what the person wrote and `originalBody` the whole
 * text (quoted history and signature included); `automatic` marks an auto-reply or out-of-office.
 */
@Entity({ tableName: 'conversation_entry' })
export class ConversationEntry extends CompanyOwnedEntity {
  @ManyToOne(() => Conversation, { mapToPk: true, fieldName: 'conversation_id', deleteRule: 'cascade', index: true })
  conversationId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'author_id', nullable: true, deleteRule: 'no action' })
  authorId: Opt<string> | null = null;

  @Property({ type: 'text' }) body!: string;

  @Enum({ items: () => ENTRY_ORIGINS, nativeEnumName: 'entry_origin' })
  origin: Opt<EntryOrigin> = 'app';

  @Property({ type: 'text', nullable: true }) senderAddress: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) senderName: Opt<string> | null = null;
  /** An auto-reply or out-of-office: shown on the thread, never alerted on. */
  @Property({ type: 'boolean' }) automatic: Opt<boolean> = false;
  @Property({ type: 'text', nullable: true }) originalBody: Opt<string> | null = null;
  /** The inbound item it was made from (`email:<id>`, `sms:<MessageSid>`): one entry per item, ever. */
  @Property({ type: 'text', nullable: true, unique: 'conversation_entry_inbound_key_unique' }) inboundKey: Opt<string> | null = null;
  @Property({ type: 'json', nullable: true }) attachments: Opt<EntryAttachment[]> | null = null;
}

/** One line of the conversation's history: who changed what, when. */
@Entity({ tableName: 'conversation_event' })
export class ConversationEvent extends CompanyOwnedEntity {
  @ManyToOne(() => Conversation, { mapToPk: true, fieldName: 'conversation_id', deleteRule: 'cascade', index: true })
  conversationId!: string;

  @Property({ type: 'uuid' }) actorId!: string;

  /** created, replied, and the kind's own (task.set, task.done, vad.transmitted…). */
  @Property({ type: 'text' }) type!: string;

  @Property({ type: 'json', nullable: true }) details: Opt<Record<string, unknown>> | null = null;
}

/** Per-account state of a conversation: read since its last activity, or deleted from the account's lists. */
@Entity({ tableName: 'conversation_state' })
@Unique({ name: 'conversation_state_unique', properties: ['conversationId', 'userId'] })
// Every list excludes what the viewer deleted; few rows are, so a partial index answers at once.
@Index({
  name: 'conversation_state_deleted_index',
  expression: 'create index "conversation_state_deleted_index" on "conversation_state" ("user_id", "conversation_id") where "deleted_at" is not null',
})
export class ConversationState extends CompanyOwnedEntity {
  @ManyToOne(() => Conversation, { mapToPk: true, fieldName: 'conversation_id', deleteRule: 'cascade' })
  conversationId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', index: true })
  userId!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) readAt: Opt<Date> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) deletedAt: Opt<Date> | null = null;
}

export type { CopyChannel };

export const COPY_RECIPIENTS = ['client', 'user'] as const;

/**
 * A copy to send, written in the same transaction as the conversation or entry it copies, so no copy
 * request is lost between the write and the queue. Outbound drains it into deliveries.
 */
@Entity({ tableName: 'outbox_copy' })
@Index({ name: 'outbox_copy_pending_index', properties: ['status', 'id'] })
export class OutboxCopy extends CompanyOwnedEntity {
  @ManyToOne(() => Conversation, { mapToPk: true, fieldName: 'conversation_id', deleteRule: 'cascade' })
  conversationId!: string;

  @ManyToOne(() => ConversationEntry, { mapToPk: true, fieldName: 'entry_id', nullable: true, deleteRule: 'cascade' })
  entryId: Opt<string> | null = null;

  @Enum({ items: () => COPY_RECIPIENTS, nativeEnumName: 'copy_recipient' })
  recipientType!: (typeof COPY_RECIPIENTS)[number];

  @Property({ type: 'uuid', nullable: true }) recipientUserId: Opt<string> | null = null;

  @Property({ type: 'text' }) channel!: CopyChannel;

  @Property({ type: 'text' }) status: Opt<'pending' | 'relayed'> = 'pending';

  /**
   * Where the copy goes when the kind names the address itself (an exchange sent to one contact's
   * email or mobile); null: the recipient's own address (the client's, the account's).
   */
  @Property({ type: 'text', nullable: true }) recipientAddress: Opt<string> | null = null;

  /** Email copies: the PDF digest to attach (period, scope, authors), as asked at compose time. */
  @Property({ type: 'json', nullable: true }) attachDigest: Opt<DigestRequest> | null = null;
}

/** What the PDF digest attached to an email copy covers (see DigestQuery). */
export interface DigestRequest {
  from: string;
  to: string;
  scope?: 'all' | 'unread';
  authors?: 'collaborators' | 'everyone';
}

/**
 * A conversation's short reference, e.g. `R-7K2QX`: put in email subjects (`[R-7K2QX]`) and SMS copies
 * so a reply whose headers were lost can still be matched. Unique across companies (a reply arrives
 * before we know its company).
 */
@Entity({ tableName: 'thread_tag' })
export class ThreadTag extends BaseEntity {
  /** Not a foreign key on purpose: looked up before the company is known, never joined to it. */
  @Property({ type: 'uuid' }) companyId!: string;
  @ManyToOne(() => Conversation, { mapToPk: true, fieldName: 'conversation_id', deleteRule: 'cascade', unique: 'thread_tag_conversation_unique' })
  conversationId!: string;
  @Property({ type: 'text', unique: 'thread_tag_tag_unique' }) tag!: string;
}
