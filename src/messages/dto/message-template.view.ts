import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';

@ApiSchema({ name: 'MessageTemplate' })
export class MessageTemplateView extends CompanyOwnedView {
  @ApiProperty() name!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: String, nullable: true }) instruction!: string | null;
  @ApiProperty() vad!: boolean;
  /** Pre-fills a new message when neither the request nor the account's settings name a template. */
  @ApiProperty() default!: boolean;
}
