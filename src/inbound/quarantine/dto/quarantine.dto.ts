import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { BULK_ACTIONS, type BulkAction, MAX_BULK } from '../quarantine.service.js';
import { PageQuery } from '../../../core/http/params.js';
import { QUARANTINE_STATUSES, type QuarantineStatus } from '../quarantine-item.entity.js';

const CHANNELS = ['email', 'sms'] as const;

export class QuarantineListQueryDto extends PageQuery {
  @ApiPropertyOptional({ enum: QUARANTINE_STATUSES }) @IsOptional() @IsIn(QUARANTINE_STATUSES) status?: QuarantineStatus;
  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS) channel?: (typeof CHANNELS)[number];
  @ApiPropertyOptional({ description: 'no_thread, sender_mismatch, unknown_sender…' }) @IsOptional() @IsString() @MaxLength(100) reason?: string;
  @ApiPropertyOptional({ description: 'The label a routing rule gave' }) @IsOptional() @IsString() @MaxLength(100) label?: string;
  @ApiPropertyOptional({ description: 'The mailbox id or SMS number (E.164) the items came in' }) @IsOptional() @IsString() @MaxLength(100) receivedBy?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Items that came in at or after this instant' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Items that came in before this instant' }) @IsOptional() @IsISO8601() to?: string;
}

export class OpenFromQuarantineDto {
  @ApiProperty({ format: 'uuid', description: 'The client file the new message is opened on' }) @IsUUID() clientId!: string;
}

export class BulkQuarantineDto {
  @ApiProperty({ enum: BULK_ACTIONS, description: 'assign (messageId), discard (reason), open a message (clientId), rerun the routing rules' })
  @IsIn(BULK_ACTIONS)
  action!: BulkAction;
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_BULK }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_BULK) @IsUUID('all', { each: true }) ids!: string[];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() messageId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 1000) reason?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() clientId?: string;
}

export class AssignQuarantineDto {
  @ApiProperty({ format: 'uuid', description: 'The thread the item becomes a reply of' }) @IsUUID() messageId!: string;
}

export class DiscardQuarantineDto {
  @ApiProperty({ description: 'Why the item is dropped (kept on the item)' }) @IsString() @Length(1, 1000) reason!: string;
}
