import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { CompanyLedEntity } from '../core/tenancy/company-owned.entity.js';

/** One admin change: who did what to which record, with the record before and after. */
@Entity({ tableName: 'audit_entry' })
@Index({ name: 'audit_entry_company_target_index', properties: ['companyId', 'targetType', 'targetId'] })
export class AuditEntry extends CompanyLedEntity {
  /** The account that made the change (null for the bootstrap CLI). */
  @Property({ type: 'uuid', nullable: true })
  actorId: Opt<string> | null = null;

  /** e.g. "user.create", "rights-template.apply", "structure-member.remove". */
  @Property({ type: 'text' })
  action!: string;

  @Property({ type: 'text' })
  targetType!: string;

  @Property({ type: 'uuid' })
  targetId!: string;

  @Property({ type: 'json', nullable: true })
  before: Opt<Record<string, unknown>> | null = null;

  @Property({ type: 'json', nullable: true })
  after: Opt<Record<string, unknown>> | null = null;
}
