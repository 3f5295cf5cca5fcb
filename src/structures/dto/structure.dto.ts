import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

export class CreateStructureDto {
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
}

export class UpdateStructureDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;
}

export class AddMemberDto {
  @ApiProperty({ format: 'uuid', description: 'A collaborator of this company or of a linked company' })
  @IsUUID()
  userId!: string;
}

export class RequestLinkDto {
  @ApiProperty({ format: 'uuid', description: 'The company asked to become a partner' })
  @IsUUID()
  partnerCompanyId!: string;
}

export class CollaboratorSearchQuery {
  @ApiPropertyOptional({ description: 'Part of a name or email' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
}
