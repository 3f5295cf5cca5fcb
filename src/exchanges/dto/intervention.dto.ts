import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../core/http/params.js';
import { EXCHANGE_DIRECTIONS, EXCHANGE_STATUSES, type ExchangeDirection, type ExchangeStatus, INTERVENTION_STATUSES, type InterventionStatus } from '../intervention.entity.js';

const nullable = ValidateIf((_: object, value: unknown) => value !== null && value !== undefined);
const SEND_CHANNELS = ['email', 'sms'] as const;
export type SendChannel = (typeof SEND_CHANNELS)[number];

export class CreateInterventionDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() clientId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'The request’s contact (a contact of the client): who exchanges go to by default' })
  @nullable @IsUUID() contactId?: string | null;
  @ApiProperty() @IsString() @Length(1, 300) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional({ enum: INTERVENTION_STATUSES, default: 'requested' }) @IsOptional() @IsIn(INTERVENTION_STATUSES) status?: InterventionStatus;
  @ApiPropertyOptional({ type: String, format: 'date-time' }) @IsOptional() @IsDateString() requestedAt?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) @nullable @IsDateString() plannedAt?: string | null;
}

export class UpdateInterventionDto {
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @nullable @IsUUID() contactId?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) description?: string;
  @ApiPropertyOptional({ enum: INTERVENTION_STATUSES, description: 'requested → in_progress → done, then reported (the report is written: exchanges are frozen)' })
  @IsOptional() @IsIn(INTERVENTION_STATUSES) status?: InterventionStatus;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) @nullable @IsDateString() plannedAt?: string | null;
}

export class InterventionListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() clientId?: string;
  @ApiPropertyOptional({ enum: INTERVENTION_STATUSES }) @IsOptional() @IsIn(INTERVENTION_STATUSES) status?: InterventionStatus;
  @ApiPropertyOptional({ description: 'true: only interventions with a reminder (the red badge); false: only those without' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  hasReminder?: boolean;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Changed (or had an exchange written) at or after this instant' })
  @IsOptional() @IsDateString() updatedSince?: string;
}

class ExchangeFields {
  @ApiPropertyOptional({ description: 'A key of GET /v1/exchange-types (call, email, letter, visit, sms, reminder, other, or the company’s own)' })
  @IsOptional() @IsString() @MaxLength(40) type?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Transmitted: the collaborator who sent it (default: you). Received: the client’s contact it came from (default: the request’s contact).' })
  @IsOptional() @IsUUID() sentById?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Transmitted: the client’s contact it went to (default: the request’s contact). Received: the collaborator who took it (default: you).' })
  @IsOptional() @IsUUID() receivedById?: string;
  @ApiPropertyOptional({ nullable: true, description: 'Default: the email of who receives it' }) @nullable @IsString() @MaxLength(320) recipientEmail?: string | null;
  @ApiPropertyOptional({ nullable: true }) @nullable @IsString() @MaxLength(300) subject?: string | null;
  @ApiPropertyOptional({ description: 'Required (422 detail_required when missing or blank)' }) @IsOptional() @IsString() detail?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'When it happened (default: now)' }) @IsOptional() @IsDateString() happenedAt?: string;
}

export class CreateExchangeDto extends ExchangeFields {
  @ApiPropertyOptional({ enum: EXCHANGE_DIRECTIONS, description: 'Default transmitted; a client account’s exchange is always received' })
  @IsOptional() @IsIn(EXCHANGE_DIRECTIONS) direction?: ExchangeDirection;
  @ApiPropertyOptional({ description: 'Keep it as a draft: listed with ?status=draft, editable, sendable later, never counted' })
  @IsOptional() @IsBoolean() draft?: boolean;
  @ApiPropertyOptional({ description: 'Send it at once (POST /v1/exchanges/:id/send in the same request)' }) @IsOptional() @IsBoolean() send?: boolean;
  @ApiPropertyOptional({ enum: SEND_CHANNELS, default: 'email' }) @IsOptional() @IsIn(SEND_CHANNELS) channel?: SendChannel;
}

export class UpdateExchangeDto extends ExchangeFields {}

export class SendExchangeDto {
  @ApiPropertyOptional({ enum: SEND_CHANNELS, default: 'email' }) @IsOptional() @IsIn(SEND_CHANNELS) channel?: SendChannel;
}

export class ExchangeListQuery {
  @ApiPropertyOptional({ enum: EXCHANGE_STATUSES, description: 'draft: the drafts (staff only); default: every exchange but drafts' })
  @IsOptional() @IsIn(EXCHANGE_STATUSES) status?: ExchangeStatus;
}

export class PutExchangeTypeDto {
  @ApiProperty() @IsString() @Length(1, 80) label!: string;
  @ApiPropertyOptional({ description: 'A type of the company’s own is a reminder (red badge); set when added, kept after' })
  @IsOptional() @IsBoolean() reminder?: boolean;
}

