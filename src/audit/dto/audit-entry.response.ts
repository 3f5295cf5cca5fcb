import { ApiProperty } from '@nestjs/swagger';

export class AuditView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the bootstrap CLI' }) actorId!: string | null;
  @ApiProperty({ example: 'user.update' }) action!: string;
  @ApiProperty({ example: 'user' }) targetType!: string;
  @ApiProperty({ format: 'uuid' }) targetId!: string;
  @ApiProperty({ type: Object, nullable: true }) before!: Record<string, unknown> | null;
  @ApiProperty({ type: Object, nullable: true }) after!: Record<string, unknown> | null;
}
