import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { User } from '../accounts/user.entity.js';
import { Client, Contact } from '../clients/client.entity.js';
import { CompanyLedEntity, CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * Glossary: a "message" is the conversation kind of client-file threads (first post + replies): its
 * id is its conversation's id; entries, read state, history and copies belong to the conversation. A "task" (à faire) is
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

/** A reusable message: subject, body, an instruction, and whether it is a home-visit request. */
@Entity({ tableName: 'message_template' })
// At most one default template per company, held by the database even under concurrent updates.
@Index({
  name: 'message_template_default_unique',
  expression: 'create unique index "message_template_default_unique" on "message_template" ("company_id") where "is_default"',
})
export class MessageTemplate extends CompanyOwnedEntity {
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) subject!: string;
  @Property({ type: 'text' }) body!: string;
  @Property({ type: 'text', nullable: true }) instruction: Opt<string> | null = null;
  @Property({ type: 'boolean' }) vad: Opt<boolean> = false;
  /** Pre-fills a new message when neither the request nor the account's settings name a template. */
  @Property({ type: 'boolean', fieldName: 'is_default' }) default: Opt<boolean> = false;
}
