import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { CompanyLedEntity } from '../core/tenancy/company-owned.entity.js';

/** A company's own version of one file of `templates/` (`email/copy.html.hbs` is named `email.copy.html`), checked before saving. */
@Entity({ tableName: 'outbound_template' })
@Unique({ name: 'outbound_template_company_name_unique', properties: ['companyId', 'name'] })
export class OutboundTemplate extends CompanyLedEntity {
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) source!: string;
}
