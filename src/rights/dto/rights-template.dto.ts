import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, ValidateIf } from 'class-validator';
import { COLLABORATOR_ROLES, type CollaboratorRole, USER_KINDS, type UserKind } from '../../accounts/user.entity.js';
import { ALL_PERMISSIONS, type Permission } from '../permissions.js';

export class CreateRightsTemplateDto {
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
  @ApiProperty({ enum: USER_KINDS }) @IsIn(USER_KINDS) kind!: UserKind;

  @ApiPropertyOptional({ enum: COLLABORATOR_ROLES, description: 'Required for collaborator templates, absent otherwise' })
  @ValidateIf((dto: CreateRightsTemplateDto) => dto.kind === 'collaborator' || dto.role !== undefined)
  @IsIn(COLLABORATOR_ROLES, { message: 'role must be manager, supervisor or operator (collaborator templates only)' })
  role?: CollaboratorRole;

  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(ALL_PERMISSIONS, { each: true, message: 'each permission must be one of GET /v1/permissions' })
  permissions!: Permission[];
}

export class UpdateRightsTemplateDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;

  @ApiPropertyOptional({ enum: ALL_PERMISSIONS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ALL_PERMISSIONS, { each: true, message: 'each permission must be one of GET /v1/permissions' })
  permissions?: Permission[];
}

export class ApplyRightsTemplateDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() userId!: string;
}
