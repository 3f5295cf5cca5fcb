import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';

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

  @ApiProperty({ format: 'password', minLength: 12, maxLength: 256 })
  @IsString()
  @MaxLength(4096)
  password!: string;
}
