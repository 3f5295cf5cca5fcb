import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import type { SmsNumber } from './sms-number.entity.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const nullable = ValidateIf((_: object, value: unknown) => value !== null && value !== undefined);

/** A Twilio number (E.164) or Messaging Service, at least one of the two; the auth token is write-only. */
export class CreateSmsNumberDto {
  @ApiPropertyOptional({ nullable: true, example: '+33756781234' })
  @nullable
  @Matches(E164, { message: 'phoneNumber must be an E.164 number such as +33756781234' })
  phoneNumber?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'MG0123456789abcdef0123456789abcdef' })
  @nullable
  @Matches(/^MG[0-9a-f]{32}$/, { message: 'messagingServiceSid must be MG followed by 32 hexadecimal digits' })
  messagingServiceSid?: string | null;

  @ApiProperty({ example: 'AC0123456789abcdef0123456789abcdef' })
  @Matches(/^AC[0-9a-f]{32}$/, { message: 'accountSid must be AC followed by 32 hexadecimal digits' })
  accountSid!: string;

  @ApiProperty({ description: 'Twilio auth token; stored encrypted, never returned', writeOnly: true })
  @IsString()
  @Length(16, 200)
  authToken!: string;
}

/** Any field may change; a new authToken replaces the stored one (rotation). */
export class UpdateSmsNumberDto {
  @ApiPropertyOptional({ nullable: true })
  @nullable
  @Matches(E164, { message: 'phoneNumber must be an E.164 number such as +33756781234' })
  phoneNumber?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @nullable
  @Matches(/^MG[0-9a-f]{32}$/, { message: 'messagingServiceSid must be MG followed by 32 hexadecimal digits' })
  messagingServiceSid?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_: object, value: unknown) => value !== undefined)
  @Matches(/^AC[0-9a-f]{32}$/, { message: 'accountSid must be AC followed by 32 hexadecimal digits' })
  accountSid?: string;

  @ApiPropertyOptional({ writeOnly: true })
  @ValidateIf((_: object, value: unknown) => value !== undefined)
  @IsString()
  @Length(16, 200)
  authToken?: string;
}

/** What the API shows of a configured number: everything but the token. */
export class SmsNumberView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty({ type: String, nullable: true }) phoneNumber!: string | null;
  @ApiProperty({ type: String, nullable: true }) messagingServiceSid!: string | null;
  @ApiProperty() accountSid!: string;
  /**
   * When Twilio last confirmed the credentials can read the number and service; null for a number
   * registered before that check (re-send its authToken to have it checked).
   */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) verifiedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export function toSmsNumberView(row: SmsNumber): SmsNumberView {
  return {
    id: row.id,
    companyId: row.companyId,
    phoneNumber: row.phoneNumber,
    messagingServiceSid: row.messagingServiceSid,
    accountSid: row.accountSid,
    verifiedAt: row.verifiedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
