import { ApiProperty } from '@nestjs/swagger';
import { ManyToOne } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../database/base.entity.js';
import { Company } from './company.entity.js';

/**
 * A row that belongs to one company (tenant). Mapped to the company's primary key rather than to an
 * entity so tenant filters stay a plain `{ companyId }` and loading a row never loads its company.
 */
export abstract class CompanyOwnedEntity extends BaseEntity {
  @ApiProperty({ format: 'uuid' })
  @ManyToOne(() => Company, { mapToPk: true, fieldName: 'company_id', index: true })
  companyId!: string;
}

