import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.js';
import { FIELD_MAX } from './sign-in.dto.js';

export class PasswordResetDto {
  @ApiProperty({ example: 'marie.dupont@example.fr', format: 'email' })
  @IsEmail()
  @MaxLength(320)
  email!: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'The token of the link (`/console/password?token=…`)' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MaxLength(FIELD_MAX)
  password!: string;
}
