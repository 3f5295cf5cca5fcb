import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CompanyOwnedView } from '../../core/http/views.js';

@ApiSchema({ name: 'Mailbox' })
export class MailboxView extends CompanyOwnedView {
  @ApiProperty() name!: string;
  @ApiProperty() host!: string;
  @ApiProperty() port!: number;
  /** Implicit TLS (993); otherwise STARTTLS when offered. */
  @ApiProperty() secure!: boolean;
  @ApiProperty() verifyCertificate!: boolean;
  @ApiProperty() username!: string;
  @ApiProperty() folder!: string;
  @ApiProperty() processedFolder!: string;
  @ApiProperty() failedFolder!: string;
  @ApiProperty() active!: boolean;
  /**
   * The authserv-id of the receiving server whose Authentication-Results (RFC 8601) are believed:
   * a reply whose From fails DMARC, or DKIM and SPF, there is quarantined as sender_unverified.
   */
  @ApiProperty({ type: String, nullable: true }) trustedAuthservId!: string | null;
  /** UIDVALIDITY the cursor belongs to (a 32-bit unsigned number, kept as text). */
  @ApiProperty({ type: String, nullable: true }) cursorUidValidity!: string | null;
  /** Highest UID stored from `folder` under `cursorUidValidity`. */
  @ApiProperty() cursorUid!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastConnectedAt!: Date | null;
}
