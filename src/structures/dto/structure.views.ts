import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';
import { LINK_STATUSES, type LinkStatus } from '../structure.entity.js';

@ApiSchema({ name: 'Structure' })
export class StructureView extends CompanyOwnedView {
  @ApiProperty() name!: string;
  /** The company's client-messages copy circle (one per company, created with it). */
  @ApiProperty() isCopyCircle!: boolean;
}

@ApiSchema({ name: 'SubcontractingLink' })
export class SubcontractingLinkView extends CompanyOwnedView {
  @ApiProperty({ format: 'uuid' }) partnerCompanyId!: string;
  @ApiProperty({ enum: LINK_STATUSES }) status!: LinkStatus;
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) acceptedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acceptedAt!: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) endedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: Date | null;
}
