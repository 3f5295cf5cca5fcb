import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../core/http/params.js';
import { DELIVERY_CHANNELS, DELIVERY_STATUSES, type DeliveryChannel, type DeliveryStatus } from '../delivery.entity.js';

export class DeliveryFilter extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES }) @IsOptional() @IsIn(DELIVERY_STATUSES) status?: DeliveryStatus;
  @ApiPropertyOptional({ enum: DELIVERY_CHANNELS }) @IsOptional() @IsIn(DELIVERY_CHANNELS) channel?: DeliveryChannel;
  @ApiPropertyOptional({ format: 'uuid', description: 'Copies of this message (thread)' }) @IsOptional() @IsUUID() messageId?: string;
  @ApiPropertyOptional({ description: 'The recipient: an account id, a client id, or (part of) an address' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  recipient?: string;
}

export class OptOutDto {
  @ApiProperty({ enum: DELIVERY_CHANNELS }) @IsIn(DELIVERY_CHANNELS) channel!: DeliveryChannel;
  @ApiProperty({ example: '+33612345678', description: 'A phone number (SMS, fax) or an email address' }) @IsString() @MaxLength(200) address!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class OptOutFilter extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_CHANNELS }) @IsOptional() @IsIn(DELIVERY_CHANNELS) channel?: DeliveryChannel;
}

export class TemplateSourceDto {
  @ApiProperty({ description: 'Handlebars source' }) @IsString() @MaxLength(100_000) source!: string;
}

export class PreviewDto {
  @ApiPropertyOptional({ description: 'A source to try; default: the company’s current version' }) @IsOptional() @IsString() @MaxLength(100_000) source?: string;
  @ApiPropertyOptional({ description: 'Variables; default: sample data', type: Object }) @IsOptional() @IsObject() data?: Record<string, unknown>;
}

export class DeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) messageId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) replyId!: string | null;
  @ApiProperty({ enum: DELIVERY_CHANNELS }) channel!: DeliveryChannel;
  @ApiProperty({ enum: ['copy', 'reply_alert'] }) kind!: string;
  @ApiProperty({ enum: ['client', 'user'] }) recipientType!: string;
  @ApiProperty({ type: String, nullable: true }) recipientUserId!: string | null;
  @ApiProperty({ type: String, nullable: true }) recipientClientId!: string | null;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) providerCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) emailMessageId!: string | null;
  @ApiProperty({ type: String, nullable: true }) providerMessageId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) segments!: number | null;
  @ApiProperty({ type: String, nullable: true }) encoding!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
}

export class AttemptView {
  @ApiProperty() outcome!: string;
  @ApiProperty({ type: String, nullable: true }) providerCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
}

export class DeliveryDetailView extends DeliveryView {
  @ApiProperty({ type: [AttemptView] }) history!: AttemptView[];
}

export class TemplateView {
  @ApiProperty({ example: 'email.copy.html' }) name!: string;
  @ApiProperty() overridden!: boolean;
  @ApiProperty() source!: string;
  @ApiProperty() defaultSource!: string;
}

export class PreviewView {
  @ApiProperty() output!: string;
  @ApiProperty({ type: [String], description: 'Variables the template uses that the data lacks' }) missing!: string[];
  @ApiPropertyOptional({ description: 'SMS templates: GSM-7 or UCS-2' }) encoding?: string;
  @ApiPropertyOptional({ description: 'SMS templates: parts the text costs' }) segments?: number;
}

/** An address never sent to on a channel. */
@ApiSchema({ name: 'OptOut' })
export class OptOutView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty({ enum: ['sms', 'email', 'fax'] }) channel!: DeliveryChannel;
  /** E.164 for SMS and fax numbers, lower-case for email. */
  @ApiProperty() address!: string;
  /** api, keyword, provider. */
  @ApiProperty() source!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
}
