import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../core/http/params.js';
import { COPY_CHANNELS, type CopyChannel } from '../../settings/settings.entity.js';
import type { DigestRequest } from '../../conversations/conversation.entity.js';

/**
 * Seeds 000/001: a private message goes "uniquement au destinataire", whatever the sharing: the
 * file's client (and its secretary), plus its author and CC — never the other collaborators, the
 * company circle or subcontractors.
 */
export const PRIVATE_MEANING =
  'Seen only by its recipients: the file’s client (and secretary accounts), its author and CC; not by other collaborators, the copy circle or subcontractors';

const isDate = IsISO8601({ strict: true }, { message: 'must be a date such as 2026-12-24' });

export class ComposeMessageDto {
  @ApiPropertyOptional({ description: 'Defaults to the template’s subject; when given, it wins over the template’s' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  subject?: string;

  @ApiPropertyOptional({
    description:
      'Required unless a template brings it. When given, it wins over the template’s body (the user edited the text the template filled in); ' +
      'when left out, the named template, else the account’s default template (settings), else the company’s default template fills it in.',
  })
  @IsOptional()
  @IsString()
  body?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Fills in subject and body (what the request gives explicitly wins: it is the edited text), brings its instruction and may tick VAD',
  })
  @IsOptional()
  @IsUUID()
  templateId?: string;

  @ApiPropertyOptional({ type: [String], description: 'CC: collaborators of the company, or accounts of this client file (others → 422 invalid_cc)' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  cc?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'A contact of this client' }) @IsOptional() @IsUUID() contactId?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() task?: boolean;

  @ApiPropertyOptional({ description: 'A day task: to do on dueDate (required then)' }) @IsOptional() @IsBoolean() dayTask?: boolean;

  // Checked by the service so that any malformed value, a number included, is a 422 invalid_due_date.
  @ApiPropertyOptional({ type: String, description: 'Makes it a day task: to do on this date (yyyy-mm-dd); malformed → 422' })
  @IsOptional()
  dueDate?: unknown;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() urgent?: boolean;
  @ApiPropertyOptional({ description: PRIVATE_MEANING + '; refused (422) from client and secretary accounts' }) @IsOptional() @IsBoolean() private?: boolean;
  @ApiPropertyOptional({ description: 'Copy to the company’s client-messages circle: its members get the copies too' }) @IsOptional() @IsBoolean() copyCircle?: boolean;
  @ApiPropertyOptional({ description: 'Client side: a remark about the service, for managers' }) @IsOptional() @IsBoolean() remark?: boolean;

  @ApiPropertyOptional({ description: 'Home-visit request' }) @IsOptional() @IsBoolean() vad?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Required for a VAD' })
  @ValidateIf((dto: ComposeMessageDto) => dto.vadPlannedAt !== undefined)
  @Type(() => Date)
  @IsDate({ message: 'vadPlannedAt must be a date-time' })
  vadPlannedAt?: Date;

  @ApiPropertyOptional({ description: 'Overrides the address copied from the contact' }) @IsOptional() @IsString() @MaxLength(300) vadStreet?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) vadPostalCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(120) vadCity?: string;

  @ApiPropertyOptional({ enum: COPY_CHANNELS, isArray: true, description: 'Copies to the client; default from settings' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(COPY_CHANNELS, { each: true })
  copies?: CopyChannel[];

  @ApiPropertyOptional({ description: 'Attach the PDF digest of the client’s messages over this period to the email copies (see the digest endpoint)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DigestQuery)
  attachDigest?: DigestRequest;
}

export class ReplyDto {
  @ApiProperty() @IsString() body!: string;
  @ApiPropertyOptional({ description: 'Reply and set the thread as a task in one step' }) @IsOptional() @IsBoolean() setTask?: boolean;
  @ApiPropertyOptional({ type: String, description: 'With setTask: a day task due on this date (yyyy-mm-dd); malformed → 422' }) @IsOptional() dueDate?: unknown;

  @ApiPropertyOptional({ enum: COPY_CHANNELS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(COPY_CHANNELS, { each: true })
  copies?: CopyChannel[];
}

export const TASK_ACTIONS = ['set', 'done', 'cancel', 'reopen'] as const;

export class TaskDto {
  @ApiProperty({ enum: TASK_ACTIONS, description: 'set: make it a task; done; cancel: back to a plain message; reopen' })
  @IsIn(TASK_ACTIONS)
  action!: (typeof TASK_ACTIONS)[number];

  @ApiPropertyOptional({ type: String, description: 'With "set": makes it a day task due on this date; malformed → 422' }) @IsOptional() dueDate?: unknown;
  @ApiPropertyOptional({ description: 'Refused: urgent is only set at creation' }) @IsOptional() @IsBoolean() urgent?: boolean;
}

export class VadDto {
  @ApiProperty({ description: 'true confirms the request as transmitted' }) @IsBoolean() transmitted!: boolean;
}

/** What can change on a message after it was written: the home visit's planned date and address. */
export class UpdateMessageDto {
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @ValidateIf((dto: UpdateMessageDto) => dto.vadPlannedAt !== undefined)
  @Type(() => Date)
  @IsDate({ message: 'vadPlannedAt must be a date-time' })
  vadPlannedAt?: Date;

  @ApiPropertyOptional({ type: String, nullable: true }) @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @MaxLength(300) vadStreet?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @MaxLength(20) vadPostalCode?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @MaxLength(120) vadCity?: string | null;
  @ApiPropertyOptional({ description: 'Refused: 422 urgent_only_at_creation' }) @IsOptional() @IsBoolean() urgent?: boolean;
}

export const LIST_FILTERS = ['all', 'read', 'unread', 'deleted'] as const;

export class MessageListQuery extends PageQuery {
  // Seed 000 (C3): the list opens on the unread messages.
  @ApiPropertyOptional({ enum: LIST_FILTERS, default: 'unread' }) @IsOptional() @IsIn(LIST_FILTERS) filter?: (typeof LIST_FILTERS)[number];
}

export class TaskListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsIn(['true', 'false']) vad?: 'true' | 'false';
  @ApiPropertyOptional() @IsOptional() @IsIn(['true', 'false']) urgent?: 'true' | 'false';
  @ApiPropertyOptional({ description: 'Day tasks due on this date' }) @IsOptional() @isDate date?: string;
}

export class DayCountsQuery {
  @ApiProperty({ example: '2026-12-01' }) @isDate from!: string;
  @ApiProperty({ example: '2026-12-31' }) @isDate to!: string;
}

export class RemarkListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Remarks posted on this date' }) @IsOptional() @isDate date?: string;
}

export class SubcontractingListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() companyId?: string;
  @ApiPropertyOptional() @IsOptional() @IsIn(['true', 'false']) task?: 'true' | 'false';
  @ApiPropertyOptional() @IsOptional() @IsIn(['true', 'false']) urgent?: 'true' | 'false';
}

export class CreateMessageTemplateDto {
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
  @ApiProperty() @IsString() @Length(1, 300) subject!: string;
  @ApiProperty() @IsString() @Length(1, 20000) body!: string;
  @ApiPropertyOptional({ nullable: true }) @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @MaxLength(2000) instruction?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() vad?: boolean;
  @ApiPropertyOptional({ description: 'The company’s default template (one at most: setting it unsets the previous one)' }) @IsOptional() @IsBoolean() default?: boolean;
}

export class UpdateMessageTemplateDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) subject?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 20000) body?: string;
  @ApiPropertyOptional({ nullable: true }) @ValidateIf((_, v) => v !== null && v !== undefined) @IsString() @MaxLength(2000) instruction?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() vad?: boolean;
  @ApiPropertyOptional({ description: 'The company’s default template (one at most: setting it unsets the previous one)' }) @IsOptional() @IsBoolean() default?: boolean;
}

export class DigestQuery {
  @ApiProperty({ example: '2026-12-01' }) @isDate from!: string;
  @ApiProperty({ example: '2026-12-31' }) @isDate to!: string;
  @ApiPropertyOptional({ enum: ['all', 'unread'], default: 'all' }) @IsOptional() @IsIn(['all', 'unread']) scope?: 'all' | 'unread';

  @ApiPropertyOptional({ enum: ['collaborators', 'everyone'], default: 'everyone', description: 'Written by collaborators only, or by everyone' })
  @IsOptional()
  @IsIn(['collaborators', 'everyone'])
  authors?: 'collaborators' | 'everyone';
}
