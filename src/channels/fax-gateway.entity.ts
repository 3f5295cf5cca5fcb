import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * A company's email-to-fax gateway: a fax copy is a PDF emailed to the address made from this
 * pattern, `{number}` replaced by the fax number's digits in international form (e.g. 33123456789).
 */
@Entity({ tableName: 'fax_gateway' })
@Unique({ name: 'fax_gateway_company_unique', properties: ['companyId'] })
export class FaxGateway extends CompanyOwnedEntity {
  @Property({ type: 'text' }) addressPattern!: string;
}
