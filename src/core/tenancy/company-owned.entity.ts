import { ManyToOne } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../database/base.entity.js';
import { Company } from './company.entity.js';

/**
 * A row that belongs to one company (tenant). Mapped to the company's primary key rather than to an
 * entity so tenant filters stay a plain `{ companyId }` and loading a row never loads its company.
 * Indexed by company; a table whose own index already starts with the company extends
 * CompanyLedEntity instead, and skips this one (an index more to write on every row for nothing).
 */
export abstract class CompanyOwnedEntity extends BaseEntity {
  @ManyToOne(() => Company, { mapToPk: true, fieldName: 'company_id', index: true })
  companyId!: string;
}

/** CompanyOwnedEntity for a table with an index of its own that starts with `company_id`. */
export abstract class CompanyLedEntity extends BaseEntity {
  @ManyToOne(() => Company, { mapToPk: true, fieldName: 'company_id' })
  companyId!: string;
}

