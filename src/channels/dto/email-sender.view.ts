import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';

@ApiSchema({ name: 'EmailSender' })
export class EmailSenderView extends CompanyOwnedView {
  /** Stored lower-cased. */
  @ApiProperty({ example: 'accueil@permanence.example' }) address!: string;
  @ApiProperty({ example: 'Permanence du Centre' }) name!: string;
}
