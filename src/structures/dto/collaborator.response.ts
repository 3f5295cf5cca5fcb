import { ApiProperty } from '@nestjs/swagger';

/**
 * A collaborator of a linked company, as a candidate for this company's structures: enough to
 * recognise and add them, nothing of their account (permissions, mobile, state) that the partner
 * company keeps to itself.
 */
export class CollaboratorView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'Their own company' }) companyId!: string;
  @ApiProperty({ description: 'Their own company’s name, to tell subcontractors apart' }) companyName!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() email!: string;
}
