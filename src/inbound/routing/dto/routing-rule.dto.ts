import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsObject, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateNested } from 'class-validator';

const CONDITIONS = `All must hold (each optional): channel ("email"|"sms"); mailboxIds; smsNumbers (E.164); recipients (addresses, * for any characters);
senders (addresses or patterns, domains such as "example.fr" or "*.example.fr", E.164 numbers); knownSender (true, false or a client id);
subjectKeywords / bodyKeywords (whole words or phrases, any of them, case and accents ignored); hasAttachments; classifications
("reply"|"new"|"automatic"); timeWindow {days: [1-7], from: "HH:MM", to: "HH:MM", outside?: true} in Europe/Paris.`;
const ACTION = `One of: {type: "open_message", clientId?, recipientUserIds?, structureId?, urgent?, taskDueInDays?} (on the sender's file
when no clientId); {type: "append_latest"} (the sender's latest conversation); {type: "quarantine", label}; {type: "drop"} (recorded as
automatic, out of view, still stored).`;

/** A rule as written by an admin: its conditions and action are checked as a whole by the service (routing_rule_invalid names each problem). */
export class RoutingRuleInput {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: CONDITIONS }) @IsObject() conditions!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: ACTION }) @IsObject() action!: Record<string, unknown>;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateRoutingRuleDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: CONDITIONS }) @IsOptional() @IsObject() conditions?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: ACTION }) @IsOptional() @IsObject() action?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ReorderRoutingRulesDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Rules to put first, in this order; the others follow in the order they had (list them all to reorder them all)' })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  ids!: string[];
}

export class DryRunSmsDto {
  @ApiProperty() @IsString() @MaxLength(40) from!: string;
  @ApiProperty() @IsString() @MaxLength(40) to!: string;
  @ApiProperty() @IsString() @MaxLength(10_000) body!: string;
}

/** Exactly one of email, sms, quarantineItemId. */
export class DryRunDto {
  @ApiPropertyOptional({ description: 'A raw mail (RFC 5322), headers and body' }) @IsOptional() @IsString() @MaxLength(2_000_000) email?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The mailbox the mail is taken to have come in' }) @IsOptional() @IsUUID() mailboxId?: string;
  @ApiPropertyOptional({ type: DryRunSmsDto }) @IsOptional() @ValidateNested() @Type(() => DryRunSmsDto) sms?: DryRunSmsDto;
  @ApiPropertyOptional({ format: 'uuid', description: 'A quarantined item, as it came in' }) @IsOptional() @IsUUID() quarantineItemId?: string;
}
