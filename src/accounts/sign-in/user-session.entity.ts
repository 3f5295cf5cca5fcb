import type { Opt } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../../core/tenancy/company-owned.entity.js';
import { User } from '../user.entity.js';

/**
 * A person signed in to the console: what the `relais_session` cookie names. Only the SHA-256 of
 * the cookie's secret is stored (256 random bits, like an API token's). It ends when unused for
 * SESSION_IDLE_MINUTES (`lastSeenAt` slides with use), at `expiresAt` whatever the use, or when revoked
 * (sign-out, a new password).
 */
@Entity({ tableName: 'user_session' })
export class UserSession extends CompanyOwnedEntity {
  @ManyToOne(() => User, { deleteRule: 'cascade', index: true })
  user!: User;

  /** Hex SHA-256 of the cookie's secret. */
  @Property({ type: 'text', unique: 'user_session_hash_unique' })
  hash!: string;

  /** The last request made with it, to the minute: the idle expiry counts from here. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  lastSeenAt!: Date;

  /** The absolute end (SESSION_MAX_HOURS after signing in). */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Opt<Date> | null = null;
}
