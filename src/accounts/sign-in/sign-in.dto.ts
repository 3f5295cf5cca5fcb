import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { MeResponse } from '../dto/me.response.js';

/** Longest text taken in a password field: beyond, the request is malformed (the rules on a password itself are in passwords.ts). */
export const FIELD_MAX = 4096;

export class SignInDto {
  @ApiProperty({ example: 'marie.dupont@example.fr' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ format: 'password' })
  @IsString()
  @MaxLength(FIELD_MAX)
  password!: string;
}

/** A signed-in session: who it acts as, what writes must carry, and when it ends. */
export class SessionResponse {
  @ApiProperty({ type: MeResponse, description: 'The account, as GET /v1/me shows it' }) account!: MeResponse;
  @ApiProperty({ description: 'Send it as the X-CSRF-Token header of every request that is not GET or HEAD' }) csrfToken!: string;
  @ApiProperty({ format: 'date-time', description: 'The session ends if unused until then (each request moves it)' }) idleExpiresAt!: string;
  @ApiProperty({ format: 'date-time', description: 'The session ends then, however much it is used' }) expiresAt!: string;
}
