import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';

/** What a user may change on their own account. Kind, role, email and state are for admins. */
export class UpdateMeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  firstName?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(0, 100)
  lastName?: string;

  @ApiPropertyOptional({ nullable: true, description: 'E.164, e.g. +33612345678; null removes it' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'mobile must be an E.164 number such as +33612345678' })
  mobile?: string | null;
}
