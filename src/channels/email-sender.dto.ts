import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches } from 'class-validator';

export class EmailSenderDto {
  @ApiProperty({ example: 'accueil@permanence.example' }) @IsEmail({}, { message: 'address must be an email address' }) address!: string;
  @ApiProperty({ example: 'Permanence du Centre' }) @IsString() @Length(1, 120) name!: string;
}

export class FaxGatewayDto {
  @ApiProperty({ example: '{number}@fax.example', description: '{number} is replaced by the fax number in international digits (33123456789)' })
  @Matches(/^[^@\s]*\{number\}[^@\s]*@[a-z0-9.-]+\.[a-z]{2,}$/i, { message: 'addressPattern must be an email address containing {number}, e.g. {number}@fax.example' })
  addressPattern!: string;
}
