import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { PageQuery } from '../../core/http/params.js';

const nullable = ValidateIf((_: object, value: unknown) => value !== null && value !== undefined);

/**
 * A new discussion. Staff name its person (clientId or workerId) and may show it on the portal; from a
 * portal the person is the caller itself and the discussion is visible by definition (those fields
 * are refused there).
 */
export class CreateDiscussionDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) title!: string;
  @ApiProperty({ minLength: 1, maxLength: 10000, description: 'The first message' }) @IsString() @Length(1, 10000) body!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Staff: the client file it is about (or workerId)' }) @IsOptional() @IsUUID() clientId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Staff: the worker it is about (or clientId)' }) @IsOptional() @IsUUID() workerId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Staff: another account it concerns (a collaborator, a worker)' }) @IsOptional() @IsUUID() linkedUserId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Staff: another client file it concerns' }) @IsOptional() @IsUUID() linkedClientId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Staff: the collaborator who handles it (default: the caller)' }) @IsOptional() @IsUUID() managerId?: string;
  @ApiPropertyOptional({ default: false, description: 'Staff: shown on the person’s portal' }) @IsOptional() @IsBoolean() visible?: boolean;
}

/** What staff change on a discussion; hiding it takes it off the portal at once. */
export class UpdateDiscussionDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() visible?: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() managerId?: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @nullable @IsUUID() linkedUserId?: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @nullable @IsUUID() linkedClientId?: string | null;
}

export class CreateDiscussionReplyDto {
  @ApiProperty({ minLength: 1, maxLength: 10000 }) @IsString() @Length(1, 10000) body!: string;
}

export class DiscussionListQueryDto extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() clientId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() workerId?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only discussions new to the caller (true: unread since their last message), or only read ones' })
  @IsOptional()
  @IsIn(['true', 'false'])
  new?: 'true' | 'false';
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Staff: only those shown on the portal, or only the others' })
  @IsOptional()
  @IsIn(['true', 'false'])
  visible?: 'true' | 'false';
}
