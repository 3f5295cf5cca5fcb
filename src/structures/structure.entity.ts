import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { User } from '../accounts/user.entity.js';
import { Company } from '../core/tenancy/company.entity.js';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/** A named group of collaborators, possibly from several (linked) companies. */
@Entity({ tableName: 'structure' })
@Index({
  name: 'structure_one_copy_circle',
  expression: 'create unique index "structure_one_copy_circle" on "structure" ("company_id") where "is_copy_circle"',
})
export class Structure extends CompanyOwnedEntity {
  @Property({ type: 'text' })
  name!: string;

  /** The company's client-messages copy circle (one per company, created with it). */
  @Property({ type: 'boolean' })
  isCopyCircle: Opt<boolean> = false;
}

/**
 * Membership of a collaborator in a structure. `createdAt` is when they joined: subcontractors only
 * see messages posted after it.
 */
@Entity({ tableName: 'structure_member' })
@Unique({ name: 'structure_member_unique', properties: ['structureId', 'userId'] })
export class StructureMember extends CompanyOwnedEntity {
  @ManyToOne(() => Structure, { mapToPk: true, fieldName: 'structure_id', deleteRule: 'cascade' })
  structureId!: string;

  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', deleteRule: 'cascade', index: true })
  userId!: string;

  /** The member's own company: differs from companyId for a subcontractor. */
  @ManyToOne(() => Company, { mapToPk: true, fieldName: 'member_company_id', index: true })
  memberCompanyId!: string;
}

export const LINK_STATUSES = ['pending', 'accepted', 'ended'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

/**
 * A subcontracting agreement between two companies: the requester's manager asks, the partner's
 * manager accepts; either ends it. Only an accepted link lets one company's collaborators join
 * the other's structures.
 */
@Entity({ tableName: 'subcontracting_link' })
// One open (pending or accepted) link per pair of companies, whichever side asked: two requests
// crossing each other cannot both be created.
@Index({
  name: 'subcontracting_link_open_pair_unique',
  expression:
    'create unique index "subcontracting_link_open_pair_unique" on "subcontracting_link" (least("company_id", "partner_company_id"), greatest("company_id", "partner_company_id")) where "status" <> \'ended\'',
})
export class SubcontractingLink extends CompanyOwnedEntity {
  @ManyToOne(() => Company, { mapToPk: true, fieldName: 'partner_company_id', index: true })
  partnerCompanyId!: string;

  @Enum({ items: () => LINK_STATUSES, nativeEnumName: 'subcontracting_link_status' })
  status: Opt<LinkStatus> = 'pending';

  @Property({ type: 'uuid' })
  requestedBy!: string;

  @Property({ type: 'uuid', nullable: true })
  acceptedBy: Opt<string> | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  acceptedAt: Opt<Date> | null = null;

  @Property({ type: 'uuid', nullable: true })
  endedBy: Opt<string> | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  endedAt: Opt<Date> | null = null;
}
