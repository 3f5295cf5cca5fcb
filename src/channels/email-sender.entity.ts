import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/** The address and display name a company's email (and fax) copies are sent From; one per company. */
@Entity({ tableName: 'email_sender' })
@Unique({ name: 'email_sender_company_unique', properties: ['companyId'] })
export class EmailSender extends CompanyOwnedEntity {
  /** Stored lower-cased. */
  @Property({ type: 'text' }) address!: string;
  @Property({ type: 'text' }) name!: string;
}
