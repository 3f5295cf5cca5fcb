import { FileAlertView } from '../../core/file-alerts/file-alerts.js';
import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';
import type { Permission } from '../../rights/permissions.js';
import { COLLABORATOR_ROLES, type CollaboratorRole, USER_KINDS, type UserKind } from '../user.entity.js';

@ApiSchema({ name: 'User' })
export class UserView extends CompanyOwnedView {
  @ApiProperty({ enum: USER_KINDS }) kind!: UserKind;
  @ApiProperty({ enum: COLLABORATOR_ROLES, nullable: true }) role!: CollaboratorRole | null;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  /** Stored lower-cased: addresses are compared case-insensitively. */
  @ApiProperty() email!: string;
  /** E.164, e.g. +33612345678. */
  @ApiProperty({ type: String, nullable: true, description: 'E.164' }) mobile!: string | null;
  @ApiProperty() active!: boolean;
  /** The client file a client or secretary account is bound to. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  /**
   * What the account may do: a copy of the permissions of the rights template last applied to it.
   * Editing the template later does not change it until the template is applied again.
   */
  @ApiProperty({ type: [String] }) permissions!: Permission[];
  /** The rights template last applied (null if none, or if it was deleted since). */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) rightsTemplateId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) rightsAppliedAt!: Date | null;
  /** On the file opened (`GET …/:id`): staff's note alerts about this person, until dismissed. */
  @ApiProperty({ type: [FileAlertView], required: false }) noteAlerts?: FileAlertView[];
}
