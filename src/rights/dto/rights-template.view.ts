import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';
import { COLLABORATOR_ROLES, type CollaboratorRole, USER_KINDS, type UserKind } from '../../accounts/user.entity.js';
import type { Permission } from '../permissions.js';

@ApiSchema({ name: 'RightsTemplate' })
export class RightsTemplateView extends CompanyOwnedView {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: USER_KINDS }) kind!: UserKind;
  @ApiProperty({ enum: COLLABORATOR_ROLES, nullable: true }) role!: CollaboratorRole | null;
  @ApiProperty({ type: [String] }) permissions!: Permission[];
}
