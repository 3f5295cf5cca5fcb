import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { User } from '../accounts/user.entity.js';
import { Client, Contact } from '../clients/client.entity.js';
import { ConversationEntry } from '../conversations/conversation.entity.js';
import { CompanyLedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * Glossary: an "intervention" is a client's intervention request (DIT, demande d'intervention) up to
 * its report (CRIT, compte rendu d'intervention). Its "exchanges" (échanges) are every contact about
 * it in between: calls, visits, letters, emails, reminders (relances). An exchange is "received" when
 * it comes from the client's side and "transmitted" when it goes to it. The intervention is a
 * conversation of kind `exchange` (its id is its conversation's id); each recorded exchange is one
 * entry of that conversation, so copies go out and answers come back by the core's paths.
 */
export const INTERVENTION_STATUSES = ['requested', 'in_progress', 'done', 'reported'] as const;
export type InterventionStatus = (typeof INTERVENTION_STATUSES)[number];

@Entity({ tableName: 'intervention' })
@Index({ name: 'intervention_company_index', properties: ['companyId', 'id'] })
@Index({ name: 'intervention_company_client_index', properties: ['companyId', 'clientId', 'id'] })
@Index({ name: 'intervention_company_status_index', properties: ['companyId', 'status', 'id'] })
@Index({ name: 'intervention_company_updated_index', properties: ['companyId', 'updatedAt'] })
// The red badge filter: few interventions carry a reminder, a partial index finds them at once.
@Index({
  name: 'intervention_reminder_index',
  expression: 'create index "intervention_reminder_index" on "intervention" ("company_id", "id") where "reminder_count" > 0',
})
export class Intervention extends CompanyLedEntity {
  @ManyToOne(() => Client, { mapToPk: true, fieldName: 'client_id' })
  clientId!: string;

  /** The request's contact (interlocuteur): who exchanges go to by default. */
  @ManyToOne(() => Contact, { mapToPk: true, fieldName: 'contact_id', nullable: true, deleteRule: 'set null' })
  contactId: Opt<string> | null = null;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'author_id', index: true })
  authorId!: string;

  @Property({ type: 'text' }) title!: string;
  @Property({ type: 'text' }) description: Opt<string> = '';

  @Enum({ items: () => INTERVENTION_STATUSES, nativeEnumName: 'intervention_status' })
  status: Opt<InterventionStatus> = 'requested';

  @Property({ type: 'datetime', columnType: 'timestamptz' }) requestedAt: Opt<Date> = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) plannedAt: Opt<Date> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) doneAt: Opt<Date> | null = null;
  /** When the report (CRIT) was written: exchanges are frozen from then on. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) reportedAt: Opt<Date> | null = null;

  // The summary every list shows, kept up to date in the transaction of each exchange written
  // (InterventionSummary), so a list page reads one row per intervention and nothing else.
  @Property({ type: 'integer' }) exchangeCount: Opt<number> = 0;
  @Property({ type: 'integer' }) reminderCount: Opt<number> = 0;
  @Property({ type: 'text', nullable: true }) latestPreview: Opt<string> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) latestExchangeAt: Opt<Date> | null = null;
}

export const EXCHANGE_DIRECTIONS = ['received', 'transmitted'] as const;
export type ExchangeDirection = (typeof EXCHANGE_DIRECTIONS)[number];

/** draft: being written, never counted nor copied; recorded: in the log; sent: its copy went (or is going) out. */
export const EXCHANGE_STATUSES = ['draft', 'recorded', 'sent'] as const;
export type ExchangeStatus = (typeof EXCHANGE_STATUSES)[number];

export const EXCHANGE_ORIGINS = ['app', 'portal', 'email', 'sms'] as const;
export type ExchangeOrigin = (typeof EXCHANGE_ORIGINS)[number];

/**
 * One exchange. The people on each side: `staffUserId` is the company's collaborator (who sent a
 * transmitted exchange, who took a received one), `contactId` the client's contact (who got it, who
 * gave it); `senderAddress` the email or number a received one came from.
 */
@Entity({ tableName: 'exchange' })
@Index({ name: 'exchange_company_intervention_index', properties: ['companyId', 'interventionId', 'happenedAt'] })
export class Exchange extends CompanyLedEntity {
  @ManyToOne(() => Intervention, { mapToPk: true, fieldName: 'intervention_id', deleteRule: 'cascade', index: true })
  interventionId!: string;

  /** Its entry in the intervention's conversation (null while a draft). */
  @ManyToOne(() => ConversationEntry, { mapToPk: true, fieldName: 'entry_id', nullable: true, deleteRule: 'set null', unique: 'exchange_entry_unique' })
  entryId: Opt<string> | null = null;

  @Enum({ items: () => EXCHANGE_DIRECTIONS, nativeEnumName: 'exchange_direction' })
  direction!: ExchangeDirection;

  /** A key of the company's exchange types (call, email, reminder… or one of its own). */
  @Property({ type: 'text' }) type!: string;
  /** The type is a reminder (relance): the intervention's red badge. */
  @Property({ type: 'boolean' }) reminder: Opt<boolean> = false;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'staff_user_id', nullable: true, deleteRule: 'set null' })
  staffUserId: Opt<string> | null = null;
  @ManyToOne(() => Contact, { mapToPk: true, fieldName: 'contact_id', nullable: true, deleteRule: 'set null' })
  contactId: Opt<string> | null = null;
  /** Who wrote it down (an account; null when it came by email or SMS from someone without one). */
  @ManyToOne(() => User, { mapToPk: true, fieldName: 'author_id', nullable: true, deleteRule: 'set null' })
  authorId: Opt<string> | null = null;

  @Property({ type: 'text', nullable: true }) recipientEmail: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) senderAddress: Opt<string> | null = null;
  @Property({ type: 'text', nullable: true }) subject: Opt<string> | null = null;
  @Property({ type: 'text' }) detail!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) happenedAt: Opt<Date> = new Date();

  @Enum({ items: () => EXCHANGE_STATUSES, nativeEnumName: 'exchange_status' })
  status: Opt<ExchangeStatus> = 'recorded';
  @Enum({ items: () => EXCHANGE_ORIGINS, nativeEnumName: 'exchange_origin' })
  origin: Opt<ExchangeOrigin> = 'app';
  /** The channel its copy went by (email, sms) once sent. */
  @Property({ type: 'text', nullable: true }) sentChannel: Opt<string> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) sentAt: Opt<Date> | null = null;
  /** Deleted (kept for the history line; never listed nor counted). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) deletedAt: Opt<Date> | null = null;
}

/** A company's own wording of a built-in type, or a type of its own. */
@Entity({ tableName: 'exchange_type' })
@Unique({ name: 'exchange_type_company_key_unique', properties: ['companyId', 'key'] })
export class ExchangeTypeRow extends CompanyLedEntity {
  @Property({ type: 'text' }) key!: string;
  @Property({ type: 'text' }) label!: string;
  @Property({ type: 'boolean' }) reminder: Opt<boolean> = false;
}
