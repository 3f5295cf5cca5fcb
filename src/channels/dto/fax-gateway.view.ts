import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';

@ApiSchema({ name: 'FaxGateway' })
export class FaxGatewayView extends CompanyOwnedView {
  @ApiProperty({ example: '{number}@fax.example' }) addressPattern!: string;
}
