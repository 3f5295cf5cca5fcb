import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';

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

  @ApiPropertyOptional({ nullable: true, example: '06 12 34 56 78', description: 'National (in the company’s country) or international, stored in E.164; null removes it' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @MaxLength(40)
  mobile?: string | null;
}
