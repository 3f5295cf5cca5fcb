import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { INSTRUCTION_VISIBILITIES, type InstructionVisibility } from '../client.entity.js';

// Phones are checked and stored in E.164 by the service, which knows the company's country.
const PHONE = { nullable: true, example: '06 12 34 56 78', description: 'National (in the company’s country) or international; stored in E.164' };
const nullable = ValidateIf((_: object, value: unknown) => value !== null && value !== undefined);

class PostalAddress {
  @ApiPropertyOptional({ nullable: true }) @nullable @IsString() @MaxLength(300) street?: string | null;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsString() @MaxLength(20) postalCode?: string | null;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsString() @MaxLength(120) city?: string | null;
}

export class CreateClientDto extends PostalAddress {
  @ApiProperty() @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsEmail() email?: string | null;
  @ApiPropertyOptional(PHONE) @nullable @IsString() @MaxLength(40) mobile?: string | null;
  @ApiPropertyOptional(PHONE) @nullable @IsString() @MaxLength(40) fax?: string | null;
}
export class UpdateClientDto extends PartialType(CreateClientDto) {}

export class CreateContactDto extends PostalAddress {
  @ApiProperty() @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsEmail() email?: string | null;
  @ApiPropertyOptional(PHONE) @nullable @IsString() @MaxLength(40) phone?: string | null;
}
export class UpdateContactDto extends PartialType(CreateContactDto) {}

export class CreateInstructionDto {
  @ApiProperty() @IsString() @Length(1, 5000) text!: string;
  @ApiPropertyOptional({ enum: INSTRUCTION_VISIBILITIES, isArray: true, default: ['message'] })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(INSTRUCTION_VISIBILITIES, { each: true })
  visibility?: InstructionVisibility[];
}
export class UpdateInstructionDto extends PartialType(CreateInstructionDto) {}

export class InstructionListQuery {
  @ApiPropertyOptional({ enum: INSTRUCTION_VISIBILITIES, description: 'Only the instructions shown there, e.g. for=message while composing' })
  @IsOptional()
  @IsIn(INSTRUCTION_VISIBILITIES, { message: `for must be one of ${INSTRUCTION_VISIBILITIES.join(', ')}` })
  for?: InstructionVisibility;
}
