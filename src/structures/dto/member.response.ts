import { ApiProperty } from '@nestjs/swagger';

export class MemberView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'uuid', description: 'The member’s own company' }) companyId!: string;
  @ApiProperty({ description: 'The member’s own company’s name' }) companyName!: string;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ description: 'A collaborator of another (linked) company' }) subcontractor!: boolean;
  @ApiProperty({ type: String, format: 'date-time', description: 'Subcontractors see messages posted after this' }) joinedAt!: Date;
}
