import type { Opt } from '@mikro-orm/core';
import { Check, Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Client } from '../clients/client.entity.js';
import type { Permission } from '../rights/permissions.js';
import { CompanyLedEntity } from '../core/tenancy/company-owned.entity.js';

/** Kinds of the accounts people hold: what the API shows and accepts. */
export const USER_KINDS = ['collaborator', 'client', 'secretary', 'worker'] as const;
export type UserKind = (typeof USER_KINDS)[number];

/**
 * Every kind an account row may have: people's, and `system`, the company's own account that stands
 * as the author of what Relais opens by itself for someone without an account (a message a routing
 * rule opens for an unknown sender, an SMS from a number no account holds). A system account never
 * signs in (inactive, no token), holds no permission, and is no one's to list or edit.
 */
// In the order of the database enum (values are appended there as they come).
export const ACCOUNT_KINDS = ['collaborator', 'client', 'secretary', 'system', 'worker'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** The kind of an account that acts (signs in, is shown, views): a system account never does. */
export function actingKind(kind: AccountKind): UserKind {
  if (kind === 'system') throw new Error('The system account neither signs in nor views anything');
  return kind;
}

/** Roles of collaborators; client and secretary accounts have none. */
export const COLLABORATOR_ROLES = ['manager', 'supervisor', 'operator'] as const;
export type CollaboratorRole = (typeof COLLABORATOR_ROLES)[number];

/**
 * Someone who logs in: a collaborator of the company, a client-side account (client, secretary: bound
 * to a client file), or a worker (intervenant: a field worker of the company, bound to no client file,
 * who sees only what concerns itself: its own account and the discussions about it shown on its portal).
 */
@Entity({ tableName: 'app_user' })
@Unique({ name: 'app_user_company_email_unique', properties: ['companyId', 'email'] })
@Check({ name: 'app_user_role_matches_kind', expression: "(kind = 'collaborator') = (role is not null)" })
@Check({ name: 'app_user_client_matches_kind', expression: "(kind::text in ('collaborator', 'system', 'worker')) = (client_id is null)" })
// One system account per company (workers too have neither a role nor a client file: the kind decides;
// user_kind_is_system is the migration's immutable reading of the kind, as an index predicate needs).
@Index({ name: 'app_user_one_system_account', expression: `create unique index "app_user_one_system_account" on "app_user" ("company_id") where "user_kind_is_system"("kind")` })
export class User extends CompanyLedEntity {
  @Enum({ items: () => ACCOUNT_KINDS, nativeEnumName: 'user_kind' })
  kind!: AccountKind;

  @Enum({ items: () => COLLABORATOR_ROLES, nativeEnumName: 'collaborator_role', nullable: true })
  role: Opt<CollaboratorRole> | null = null;

  @Property({ type: 'text' })
  firstName!: string;

  @Property({ type: 'text' })
  lastName!: string;

  /** Stored lower-cased: addresses are compared case-insensitively. */
  @Property({ type: 'text' })
  email!: string;

  /** E.164, e.g. +33612345678. */
  @Property({ type: 'text', nullable: true })
  mobile: Opt<string> | null = null;

  @Property({ type: 'boolean' })
  active: Opt<boolean> = true;

  /** The client file a client or secretary account is bound to (none for collaborators, workers, the system account). */
  @ManyToOne(() => Client, { mapToPk: true, fieldName: 'client_id', nullable: true, index: true, deleteRule: 'restrict' })
  clientId: Opt<string> | null = null;

  /**
   * What the account may do: a copy of the permissions of the rights template last applied to it.
   * Editing the template later does not change it until the template is applied again.
   */
  @Property({ type: 'text[]' })
  permissions: Opt<Permission[]> = [];

  /** The rights template last applied (null if none, or if it was deleted since). */
  @Property({ type: 'uuid', nullable: true })
  rightsTemplateId: Opt<string> | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  rightsAppliedAt: Opt<Date> | null = null;

  /**
   * The console password, as an argon2id PHC string (sign-in/passwords.ts); null until set through
   * an invitation or reset link. Never shown: views list the fields they answer with.
   */
  @Property({ type: 'text', nullable: true, lazy: true })
  passwordHash: Opt<string> | null = null;
}
