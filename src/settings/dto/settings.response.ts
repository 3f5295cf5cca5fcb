import { ApiProperty } from '@nestjs/swagger';
import { BANNER_AUDIENCES, type BannerAudience, COPY_CHANNELS, type CopyChannel, REPLY_ALERTS_MEANING, DISCUSSION_ALERTS_MEANING } from '../settings.entity.js';

export class Defaults {
  @ApiProperty({ enum: COPY_CHANNELS, isArray: true }) defaultChannels!: CopyChannel[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) defaultMessageTemplateId!: string | null;
  @ApiProperty({ type: String, nullable: true }) messageInfo!: string | null;
  @ApiProperty({ description: REPLY_ALERTS_MEANING }) replyAlerts!: boolean;
  @ApiProperty({ description: DISCUSSION_ALERTS_MEANING }) discussionAlerts!: boolean;
}

export class CompanyDefaults extends Defaults {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) copyCircleStructureId!: string | null;
  @ApiProperty({ example: 'FR', description: 'ISO 3166 code of the country national phone numbers are read in' }) country!: string;
}

export class AccountOverrides {
  @ApiProperty({ enum: COPY_CHANNELS, isArray: true, nullable: true }) defaultChannels!: CopyChannel[] | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) defaultMessageTemplateId!: string | null;
  @ApiProperty({ type: String, nullable: true }) messageInfo!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) replyAlerts!: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true }) discussionAlerts!: boolean | null;
}

export class SettingsView {
  @ApiProperty({ type: CompanyDefaults }) company!: CompanyDefaults;
  @ApiProperty({ type: AccountOverrides, description: 'The caller’s overrides; null fields follow the company' })
  user!: AccountOverrides;
  @ApiProperty({ type: Defaults, description: 'What applies to the caller' }) effective!: Defaults;
}

export class BannerView {
  @ApiProperty({ type: String, nullable: true }) text!: string | null;
  @ApiProperty({ enum: BANNER_AUDIENCES, nullable: true }) audience!: BannerAudience | null;
}
