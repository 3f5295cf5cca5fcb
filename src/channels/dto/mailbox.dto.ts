import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class CreateMailboxDto {
  @ApiProperty({ example: 'Réponses clients' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: 'imap.example.com' }) @IsString() @Length(1, 253) host!: string;
  @ApiProperty({ example: 993 }) @IsInt() @Min(1) @Max(65535) port!: number;
  @ApiProperty({ description: 'Implicit TLS (993); otherwise STARTTLS when the server offers it' }) @IsBoolean() secure!: boolean;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() verifyCertificate?: boolean;
  @ApiProperty() @IsString() @Length(1, 320) username!: string;
  @ApiProperty({ description: 'Stored encrypted; never returned' }) @IsString() @Length(1, 1000) password!: string;
  @ApiPropertyOptional({ default: 'INBOX' }) @IsOptional() @IsString() @Length(1, 200) folder?: string;
  @ApiPropertyOptional({ default: 'Relais/Processed', description: 'Where mail is moved once processed; created if missing. "/" separates sub-folders whatever the server uses (Relais.Processed on a Dovecot that separates with ".")' }) @IsOptional() @IsString() @Length(1, 200) processedFolder?: string;
  @ApiPropertyOptional({ default: 'Relais/Failed', description: 'Where quarantined mail is moved; created if missing. "/" separates sub-folders whatever the server uses (Relais.Failed on a Dovecot that separates with ".")' }) @IsOptional() @IsString() @Length(1, 200) failedFolder?: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'mx.example.com',
    description:
      'The authserv-id of the server receiving this mailbox’s mail: its Authentication-Results headers (and only its) are read, and a reply whose From fails DMARC, or DKIM and SPF, is quarantined as sender_unverified. Null: not checked',
  })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  trustedAuthservId?: string | null;
}

export class UpdateMailboxDto extends PartialType(CreateMailboxDto) {}

export class MailboxTestResult {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ description: 'Why the connection failed: mailbox_unreachable (one answer for a host refused, unknown, closed, filtered or not speaking IMAP), unprocessable (the server refused the login or a folder)' })
  code?: string;
  @ApiPropertyOptional({ description: 'Why the connection failed' }) error?: string;
  @ApiPropertyOptional({ description: 'Messages waiting in the watched folder' }) messages?: number;
  @ApiPropertyOptional() uidValidity?: string;
}
