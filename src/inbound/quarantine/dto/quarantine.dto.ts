import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../../core/http/params.js';
import { QUARANTINE_STATUSES, type QuarantineStatus } from '../quarantine-item.entity.js';

const CHANNELS = ['email', 'sms'] as const;

export class QuarantineListQueryDto extends PageQuery {
  @ApiPropertyOptional({ enum: QUARANTINE_STATUSES }) @IsOptional() @IsIn(QUARANTINE_STATUSES) status?: QuarantineStatus;
  @ApiPropertyOptional({ enum: CHANNELS }) @IsOptional() @IsIn(CHANNELS) channel?: (typeof CHANNELS)[number];
}

export class AssignQuarantineDto {
  @ApiProperty({ format: 'uuid', description: 'The thread the item becomes a reply of' }) @IsUUID() messageId!: string;
}

export class DiscardQuarantineDto {
  @ApiProperty({ description: 'Why the item is dropped (kept on the item)' }) @IsString() @Length(1, 1000) reason!: string;
}
