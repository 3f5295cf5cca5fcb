import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { getCountries } from 'libphonenumber-js';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateIf } from 'class-validator';
import { BANNER_AUDIENCES, type BannerAudience, COPY_CHANNELS, type CopyChannel, REPLY_ALERTS_MEANING, DISCUSSION_ALERTS_MEANING } from '../settings.entity.js';

const nullable = ValidateIf((_: object, value: unknown) => value !== null && value !== undefined);

/** Fields both levels share; on the user level, null means "use the company's". */
export class DefaultsDto {
  @ApiPropertyOptional({ enum: COPY_CHANNELS, isArray: true, nullable: true })
  @nullable
  @IsArray()
  @ArrayUnique()
  @IsIn(COPY_CHANNELS, { each: true })
  defaultChannels?: CopyChannel[] | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @nullable @IsUUID() defaultMessageTemplateId?: string | null;
  @ApiPropertyOptional({ nullable: true, maxLength: 200 }) @nullable @IsString() @MaxLength(200) messageInfo?: string | null;

  @ApiPropertyOptional({ nullable: true, description: REPLY_ALERTS_MEANING })
  @nullable
  @IsBoolean()
  replyAlerts?: boolean | null;

  @ApiPropertyOptional({ nullable: true, description: DISCUSSION_ALERTS_MEANING })
  @nullable
  @IsBoolean()
  discussionAlerts?: boolean | null;
}

/** The company level has what only a company has: its country. */
export class CompanyDefaultsDto extends DefaultsDto {
  @ApiPropertyOptional({ example: 'FR', description: 'ISO 3166 code of the country national phone numbers are read in' })
  @IsOptional()
  @IsIn(getCountries(), { message: 'country must be an ISO 3166 code such as FR or BE' })
  country?: string;
}

export class BannerDto {
  @ApiProperty({ nullable: true, maxLength: 300, description: 'null removes the banner' })
  @nullable
  @IsString()
  @Length(1, 300)
  text!: string | null;

  @ApiPropertyOptional({ enum: BANNER_AUDIENCES })
  @ValidateIf((dto: BannerDto) => dto.text !== null)
  @IsIn(BANNER_AUDIENCES, { message: 'audience must be collaborators or clients' })
  audience?: BannerAudience;
}

export class CreateSnippetDto {
  @ApiProperty() @IsString() @Length(1, 100) title!: string;
  @ApiProperty() @IsString() @Length(1, 2000) text!: string;
}

export class UpdateSnippetDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) text?: string;
}
