import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';

@ApiSchema({ name: 'Note' })
export class NoteView extends CompanyOwnedView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) userId!: string | null;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty() text!: string;
  @ApiProperty() alert!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dismissedAt!: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) dismissedBy!: string | null;
}
