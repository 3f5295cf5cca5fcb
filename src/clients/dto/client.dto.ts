import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { INSTRUCTION_VISIBILITIES, type InstructionVisibility } from '../client.entity.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const E164_MESSAGE = 'must be an E.164 number such as +33612345678';
const nullable = ValidateIf((_: object, value: unknown) => value !== null && value !== undefined);

class PostalAddress {
  @ApiPropertyOptional({ nullable: true }) @nullable @IsString() @MaxLength(300) street?: string | null;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsString() @MaxLength(20) postalCode?: string | null;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsString() @MaxLength(120) city?: string | null;
}

export class CreateClientDto extends PostalAddress {
  @ApiProperty() @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsEmail() email?: string | null;
  @ApiPropertyOptional({ nullable: true }) @nullable @Matches(E164, { message: `mobile ${E164_MESSAGE}` }) mobile?: string | null;
  @ApiPropertyOptional({ nullable: true }) @nullable @Matches(E164, { message: `fax ${E164_MESSAGE}` }) fax?: string | null;
}
export class UpdateClientDto extends PartialType(CreateClientDto) {}

export class CreateContactDto extends PostalAddress {
  @ApiProperty() @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsEmail() email?: string | null;
  @ApiPropertyOptional({ nullable: true }) @nullable @Matches(E164, { message: `phone ${E164_MESSAGE}` }) phone?: string | null;
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
