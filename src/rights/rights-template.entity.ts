import type { Opt } from '@mikro-orm/core';
import { Check, Entity, Enum, Property, Unique } from '@mikro-orm/decorators/legacy';
import { ACCOUNT_KINDS, COLLABORATOR_ROLES, type CollaboratorRole, type UserKind } from '../accounts/user.entity.js';
import type { Permission } from './permissions.js';
import { CompanyLedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * A named set of permissions for one kind of account (and, for collaborators, one role). Applying
 * it copies its permissions and role onto the account.
 */
@Entity({ tableName: 'rights_template' })
@Unique({ name: 'rights_template_company_name_unique', properties: ['companyId', 'name'] })
@Check({ name: 'rights_template_role_matches_kind', expression: "(kind = 'collaborator') = (role is not null)" })
export class RightsTemplate extends CompanyLedEntity {
  @Property({ type: 'text' })
  name!: string;

  // The accounts' kind type; a template is only ever of a people's kind (the DTO accepts no other).
  @Enum({ items: () => ACCOUNT_KINDS, nativeEnumName: 'user_kind' })
  kind!: UserKind;

  @Enum({ items: () => COLLABORATOR_ROLES, nativeEnumName: 'collaborator_role', nullable: true })
  role: Opt<CollaboratorRole> | null = null;

  @Property({ type: 'text[]' })
  permissions: Opt<Permission[]> = [];
}
