import { ApiProperty } from '@nestjs/swagger';
import { COLLABORATOR_ROLES, type CollaboratorRole, USER_KINDS, type UserKind } from '../user.entity.js';

export class CompanySummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class TokenSummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'First characters of the token, to recognise it' }) hint!: string;
}

/** The caller's own account, as seen through the token or session used. */
export class MeResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: CompanySummary }) company!: CompanySummary;
  @ApiProperty({ enum: USER_KINDS }) kind!: UserKind;
  @ApiProperty({ enum: COLLABORATOR_ROLES, nullable: true }) role!: CollaboratorRole | null;
  @ApiProperty() firstName!: string;
  @ApiProperty() lastName!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, description: 'E.164' }) mobile!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ nullable: true, format: 'uuid', description: 'The client file of a client or secretary account' })
  clientId!: string | null;
  @ApiProperty({ type: [String], description: 'What this account may do (see GET /v1/permissions)' })
  permissions!: string[];
  @ApiProperty({ type: TokenSummary, nullable: true, description: 'The API token of the request; null when signed in with a session (the console)' })
  token!: TokenSummary | null;
}
