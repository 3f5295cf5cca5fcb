import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../core/http/params.js';
import { COLLABORATOR_ROLES, type CollaboratorRole, USER_KINDS, type UserKind } from '../user.entity.js';

const nullable = ValidateIf((_: object, value: unknown) => value !== null && value !== undefined);

export class CreateUserDto {
  @ApiProperty({ format: 'uuid', description: 'The rights template to apply: it sets the kind, role and permissions' })
  @IsUUID()
  rightsTemplateId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for client and secretary accounts: their client file' })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiProperty() @IsString() @Length(1, 100) firstName!: string;
  @ApiProperty() @IsString() @Length(0, 100) lastName!: string;
  @ApiProperty() @IsEmail() email!: string;

  @ApiPropertyOptional({ nullable: true, example: '06 12 34 56 78', description: 'National (in the company’s country) or international; stored in E.164' })
  @nullable
  @IsString()
  @MaxLength(40)
  mobile?: string | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) firstName?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 100) lastName?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string;

  @ApiPropertyOptional({ nullable: true, example: '06 12 34 56 78', description: 'National (in the company’s country) or international; stored in E.164' })
  @nullable
  @IsString()
  @MaxLength(40)
  mobile?: string | null;

  @ApiPropertyOptional({ description: 'false deactivates the account: its tokens stop working at once' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UserListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: USER_KINDS }) @IsOptional() @IsIn(USER_KINDS) kind?: UserKind;
  @ApiPropertyOptional({ enum: COLLABORATOR_ROLES }) @IsOptional() @IsIn(COLLABORATOR_ROLES) role?: CollaboratorRole;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the client and secretary accounts of this client file' })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => String)
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}

export class CreateTokenDto {
  @ApiProperty({ example: 'reception desk' }) @IsString() @Length(1, 100) name!: string;
}
