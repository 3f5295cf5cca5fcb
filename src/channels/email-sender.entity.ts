import { ApiProperty } from '@nestjs/swagger';
import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/** The address and display name a company's email (and fax) copies are sent From; one per company. */
@Entity({ tableName: 'email_sender' })
@Unique({ name: 'email_sender_company_unique', properties: ['companyId'] })
export class EmailSender extends CompanyOwnedEntity {
  /** Stored lower-cased. */
  @ApiProperty({ example: 'accueil@permanence.example' }) @Property({ type: 'text' }) address!: string;
  @ApiProperty({ example: 'Permanence du Centre' }) @Property({ type: 'text' }) name!: string;
}
