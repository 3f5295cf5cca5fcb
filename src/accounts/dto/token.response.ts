import { ApiProperty } from '@nestjs/swagger';

/** A token as listed: never its secret. */
export class TokenView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'First characters of the token, to recognise it' }) hint!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: Date | null;
}

/** A token just created: the only answer that carries its secret. */
export class IssuedTokenView extends TokenView {
  @ApiProperty({ description: 'The bearer secret, shown this once' }) token!: string;
}
