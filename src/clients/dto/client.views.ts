import { FileAlertView } from '../../core/file-alerts/file-alerts.js';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';
import { INSTRUCTION_VISIBILITIES, type InstructionVisibility } from '../client.entity.js';

@ApiSchema({ name: 'Client' })
export class ClientView extends CompanyOwnedView {
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  /** E.164. */
  @ApiProperty({ type: String, nullable: true }) mobile!: string | null;
  /** E.164. */
  @ApiProperty({ type: String, nullable: true }) fax!: string | null;
  @ApiProperty({ type: String, nullable: true }) street!: string | null;
  @ApiProperty({ type: String, nullable: true }) postalCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) city!: string | null;
  /** On the file opened (`GET …/:id`): staff's note alerts about this person, until dismissed. */
  @ApiProperty({ type: [FileAlertView], required: false }) noteAlerts?: FileAlertView[];
}

@ApiSchema({ name: 'Contact' })
export class ContactView extends CompanyOwnedView {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) street!: string | null;
  @ApiProperty({ type: String, nullable: true }) postalCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) city!: string | null;
}

@ApiSchema({ name: 'Instruction' })
export class InstructionView extends CompanyOwnedView {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ enum: INSTRUCTION_VISIBILITIES, isArray: true }) visibility!: InstructionVisibility[];
}
