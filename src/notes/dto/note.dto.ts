import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { PageQuery } from '../../core/http/params.js';

export class CreateNoteDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The client file the note is about (or userId)' }) @IsOptional() @IsUUID() clientId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The account the note is about: a collaborator, a worker (or clientId)' }) @IsOptional() @IsUUID() userId?: string;
  @ApiProperty({ minLength: 1, maxLength: 5000 }) @IsString() @Length(1, 5000) text!: string;
  @ApiPropertyOptional({ default: false, description: 'Shown where the person’s file is opened until dismissed' }) @IsOptional() @IsBoolean() alert?: boolean;
}

export class UpdateNoteDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 5000 }) @IsOptional() @IsString() @Length(1, 5000) text?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() alert?: boolean;
}

export class NoteListQueryDto extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() clientId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only alerts still shown (true), or only plain notes and dismissed alerts (false)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  alert?: 'true' | 'false';
}
