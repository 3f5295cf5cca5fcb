import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { CompanyLedEntity } from '../../core/tenancy/company-owned.entity.js';
import type { RuleAction, RuleConditions } from './routing-rule.js';

/**
 * A company's rule for inbound mail and SMS nobody's thread was waiting for: conditions that must
 * all hold, and what to do then. Rules are evaluated in `position` order, the first match wins; with
 * none, the item goes to the quarantine.
 */
@Entity({ tableName: 'routing_rule' })
@Index({ name: 'routing_rule_company_position_index', properties: ['companyId', 'position'] })
export class RoutingRule extends CompanyLedEntity {
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'integer' }) position!: number;
  @Property({ type: 'boolean' }) enabled: Opt<boolean> = true;
  @Property({ type: 'jsonb' }) conditions!: RuleConditions;
  @Property({ type: 'jsonb' }) action!: RuleAction;
}
