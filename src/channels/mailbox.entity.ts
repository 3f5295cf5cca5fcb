import { BigIntType, type Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * An IMAP account a company receives email replies in. The password is sealed with SecretBox and
 * never returned. The cursor (UIDVALIDITY + last UID seen in `folder`) is what catch-up resumes
 * from after any outage: never a time window.
 */
@Entity({ tableName: 'mailbox' })
// One watcher per IMAP folder across the deployment (MailboxesService answers 409 before this).
@Index({
  name: 'mailbox_account_unique',
  expression: `create unique index "mailbox_account_unique" on "mailbox" (lower("host"), "port", lower("username"), (case when upper("folder") = 'INBOX' then 'INBOX' else "folder" end)) where "active"`,
})
export class Mailbox extends CompanyOwnedEntity {
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) host!: string;
  @Property({ type: 'integer' }) port!: number;
  /** Implicit TLS (993); otherwise STARTTLS when offered. */
  @Property({ type: 'boolean' }) secure!: boolean;
  @Property({ type: 'boolean' }) verifyCertificate: Opt<boolean> = true;
  @Property({ type: 'text' }) username!: string;
  /** SecretBox-sealed password; never returned by the API. */
  @Property({ type: 'text', hidden: true }) passwordSealed!: string;
  @Property({ type: 'text' }) folder: Opt<string> = 'INBOX';
  @Property({ type: 'text' }) processedFolder: Opt<string> = 'Relais/Processed';
  @Property({ type: 'text' }) failedFolder: Opt<string> = 'Relais/Failed';
  @Property({ type: 'boolean' }) active: Opt<boolean> = true;
  /**
   * The authserv-id of the receiving server whose Authentication-Results (RFC 8601) are believed:
   * a reply whose From fails DMARC, or DKIM and SPF, there is quarantined as sender_unverified.
   */
  @Property({ type: 'text', nullable: true }) trustedAuthservId: Opt<string> | null = null;

  /** UIDVALIDITY the cursor belongs to (a 32-bit unsigned number, kept as text). */
  @Property({ type: 'text', nullable: true }) cursorUidValidity: Opt<string> | null = null;
  /** Highest UID stored from `folder` under `cursorUidValidity`. */
  @Property({ type: new BigIntType('number') }) cursorUid: Opt<number> = 0;
  @Property({ type: 'text', nullable: true }) lastError: Opt<string> | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastConnectedAt: Opt<Date> | null = null;
}
