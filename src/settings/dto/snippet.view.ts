import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';

@ApiSchema({ name: 'Snippet' })
export class SnippetView extends CompanyOwnedView {
  @ApiProperty() title!: string;
  @ApiProperty() text!: string;
}
