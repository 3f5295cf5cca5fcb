import { ApiProperty } from '@nestjs/swagger';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { User } from '../accounts/user.entity.js';
import { Client, Contact } from '../clients/client.entity.js';
import { CompanyLedEntity, CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * Glossary: a "message" is a thread on a client file (first post + replies). A "task" (à faire) is
 * a message still to do; a "day task" (tâche du jour) a task due on a given date. A "VAD" (visite à
 * domicile) is a home-visit request: a planned date, an address copied from the contact, and a
 * "transmitted" confirmation. A "remark" (remarque client) is feedback a client sends about the service.
 */
export const MESSAGE_KINDS = ['message', 'remark'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const TASK_STATES = ['none', 'todo', 'done'] as const;
export type TaskState = (typeof TASK_STATES)[number];

@Entity({ tableName: 'message' })
@Index({ name: 'message_company_client_index', properties: ['companyId', 'clientId', 'id'] })
@Index({ name: 'message_company_task_index', properties: ['companyId', 'taskState', 'dueDate'] })
// The views walk a company's newest threads of one kind: small partial indexes in id order let
// them stop after one page instead of sorting every urgent message or task (see bench:messages).
@Index({ name: 'message_urgent_index', expression: 'create index "message_urgent_index" on "message" ("company_id", "id") where "urgent"' })
@Index({ name: 'message_todo_index', expression: `create index "message_todo_index" on "message" ("company_id", "id") where "task_state" = 'todo'` })
@Index({
  name: 'message_vad_untransmitted_index',
  expression: 'create index "message_vad_untransmitted_index" on "message" ("company_id", "id") where "vad" and "vad_transmitted_at" is null',
})
export class Message extends CompanyLedEntity {
  @ManyToOne(() => Client, { mapToPk: true, fieldName: 'client_id' })
  clientId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'author_id', index: true })
  authorId!: string;

  @Enum({ items: () => MESSAGE_KINDS, nativeEnumName: 'message_kind' })
  kind: Opt<MessageKind> = 'message';

  @ManyToOne(() => Contact, { mapToPk: true, fieldName: 'contact_id', nullable: true, deleteRule: 'set null' })
  contactId: Opt<string> | null = null;

  @Property({ type: 'text' }) subject!: string;
  @Property({ type: 'text' }) body!: string;

  /** The instruction (consigne) brought by the template, shown as a post-it. */
  @Property({ type: 'text', nullable: true }) instruction: Opt<string> | null = null;
  @Property({ type: 'uuid', nullable: true }) templateId: Opt<string> | null = null;

  @Property({ type: 'boolean' }) urgent: Opt<boolean> = false;
  @Property({ type: 'boolean' }) private: Opt<boolean> = false;
  @Property({ type: 'boolean' }) copyCircle: Opt<boolean> = false;

  @Enum({ items: () => TASK_STATES, nativeEnumName: 'task_state' })
  taskState: Opt<TaskState> = 'none';

  /** Set for day tasks: the date the task is to be done (yyyy-mm-dd). */
  @Property({ type: 'date', nullable: true }) dueDate: Opt<string> | null = null;
  @Property({ type: 'uuid', nullable: true }) doneBy: Opt<string> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) doneAt: Opt<Date> | null = null;

  @Property({ type: 'boolean' }) vad: Opt<boolean> = false;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) vadPlannedAt: Opt<Date> | null = null;
  /** The contact's address at posting time; editing it here never changes the contact. */
  @Property({ type: 'text', nullable: true }) vadStreet: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) vadPostalCode: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) vadCity: Opt<string> | null = null;
  @Property({ type: 'uuid', nullable: true }) vadTransmittedBy: Opt<string> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) vadTransmittedAt: Opt<Date> | null = null;

  /** The latest post (first message or reply): unread means "not read since then". */
  @Property({ type: 'datetime', columnType: 'timestamptz' }) lastActivityAt: Opt<Date> = new Date();
}

/** CC recipients chosen at compose (the client of the file is always the main recipient). */
@Entity({ tableName: 'message_recipient' })
@Unique({ name: 'message_recipient_unique', properties: ['messageId', 'userId'] })
export class MessageRecipient extends CompanyOwnedEntity {
  @ManyToOne(() => Message, { mapToPk: true, fieldName: 'message_id', deleteRule: 'cascade' })
  messageId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', index: true })
  userId!: string;
}

export const REPLY_ORIGINS = ['app', 'email', 'sms'] as const;
export type ReplyOrigin = (typeof REPLY_ORIGINS)[number];

/** A file that came with an inbound reply (stored through the storage port) or an MMS media link. */
export interface ReplyAttachment {
  name: string;
  contentType: string;
  size: number | null;
  /** Storage key of the kept file, or the provider's media URL for MMS. */
  location: string | null;
  /** Why the file itself was not kept (e.g. over the size limit); the reply is kept anyway. */
  omitted?: string;
}

/**
 * A post after the first one. Written in the app by an account (`origin: app`), or received by email
 * or SMS (`origin: email | sms`): then the author may be unknown (a contact never logs in), the
 * sender's address is kept, `body` is what the person wrote and `originalBody` the whole text
 * (quoted history and signature included).
 */
@Entity({ tableName: 'message_reply' })
export class MessageReply extends CompanyOwnedEntity {
  @ManyToOne(() => Message, { mapToPk: true, fieldName: 'message_id', deleteRule: 'cascade', index: true })
  messageId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'author_id', nullable: true, deleteRule: 'no action' })
  authorId: Opt<string> | null = null;

  @Property({ type: 'text' }) body!: string;

  @Enum({ items: () => REPLY_ORIGINS, nativeEnumName: 'reply_origin' })
  origin: Opt<ReplyOrigin> = 'app';

  @Property({ type: 'text', nullable: true }) senderAddress: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) senderName: Opt<string> | null = null;
  /** An auto-reply or out-of-office: shown on the thread, never alerted on. */
  @Property({ type: 'boolean' }) automatic: Opt<boolean> = false;
  @Property({ type: 'text', nullable: true }) originalBody: Opt<string> | null = null;
  /** The inbound item it was made from (`email:<id>`, `sms:<MessageSid>`): one reply per item, ever. */
  @Property({ type: 'text', nullable: true, unique: 'message_reply_inbound_key_unique' }) inboundKey: Opt<string> | null = null;
  @Property({ type: 'json', nullable: true }) attachments: Opt<ReplyAttachment[]> | null = null;
}

/** One line of the thread's history: who changed what, when. */
@Entity({ tableName: 'message_event' })
export class MessageEvent extends CompanyOwnedEntity {
  @ManyToOne(() => Message, { mapToPk: true, fieldName: 'message_id', deleteRule: 'cascade', index: true })
  messageId!: string;

  @Property({ type: 'uuid' }) actorId!: string;

  /** created, replied, task.set, task.done, task.cancelled, task.reopened, vad.transmitted. */
  @Property({ type: 'text' }) type!: string;

  @Property({ type: 'json', nullable: true }) details: Opt<Record<string, unknown>> | null = null;
}

/** Per-user state of a thread: read since its last activity, or deleted from the user's lists. */
@Entity({ tableName: 'message_user_state' })
@Unique({ name: 'message_user_state_unique', properties: ['messageId', 'userId'] })
// Every list excludes what the viewer deleted; few rows are, so a partial index answers at once.
@Index({
  name: 'message_user_state_deleted_index',
  expression: 'create index "message_user_state_deleted_index" on "message_user_state" ("user_id", "message_id") where "deleted_at" is not null',
})
export class MessageUserState extends CompanyOwnedEntity {
  @ManyToOne(() => Message, { mapToPk: true, fieldName: 'message_id', deleteRule: 'cascade' })
  messageId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', index: true })
  userId!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) readAt: Opt<Date> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) deletedAt: Opt<Date> | null = null;
}

export const COPY_RECIPIENTS = ['client', 'user'] as const;

/**
 * A copy to send, written in the same transaction as the message or reply it copies, so no copy
 * request is lost between the write and the queue. Outbound delivery drains it.
 */
@Entity({ tableName: 'outbox_copy' })
@Index({ name: 'outbox_copy_pending_index', properties: ['status', 'id'] })
export class OutboxCopy extends CompanyOwnedEntity {
  @ManyToOne(() => Message, { mapToPk: true, fieldName: 'message_id', deleteRule: 'cascade' })
  messageId!: string;

  @ManyToOne(() => MessageReply, { mapToPk: true, fieldName: 'reply_id', nullable: true, deleteRule: 'cascade' })
  replyId: Opt<string> | null = null;

  @Enum({ items: () => COPY_RECIPIENTS, nativeEnumName: 'copy_recipient' })
  recipientType!: (typeof COPY_RECIPIENTS)[number];

  @Property({ type: 'uuid', nullable: true }) recipientUserId: Opt<string> | null = null;

  @Property({ type: 'text' }) channel!: 'email' | 'sms' | 'fax';

  @Property({ type: 'text' }) status: Opt<'pending' | 'relayed'> = 'pending';

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

/** A reusable message: subject, body, an instruction, and whether it is a home-visit request. */
@Entity({ tableName: 'message_template' })
// At most one default template per company, held by the database even under concurrent updates.
@Index({
  name: 'message_template_default_unique',
  expression: 'create unique index "message_template_default_unique" on "message_template" ("company_id") where "is_default"',
})
export class MessageTemplate extends CompanyOwnedEntity {
  @ApiProperty() @Property({ type: 'text' }) name!: string;
  @ApiProperty() @Property({ type: 'text' }) subject!: string;
  @ApiProperty() @Property({ type: 'text' }) body!: string;
  @ApiProperty({ type: String, nullable: true }) @Property({ type: 'text', nullable: true }) instruction: Opt<string> | null = null;
  @ApiProperty() @Property({ type: 'boolean' }) vad: Opt<boolean> = false;
  /** Pre-fills a new message when neither the request nor the account's settings name a template. */
  @ApiProperty() @Property({ type: 'boolean', fieldName: 'is_default' }) default: Opt<boolean> = false;
}
