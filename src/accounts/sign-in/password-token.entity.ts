import type { Opt } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../../core/tenancy/company-owned.entity.js';
import { User } from '../user.entity.js';

/** Why a password link was sent: a first password (an invitation, 7 days) or a forgotten one (1 hour). */
export type PasswordTokenPurpose = 'invitation' | 'reset';

/**
 * The token of a link that sets an account's password (`/console/password?token=…`). Only its
 * SHA-256 is stored; it is used once: setting a password uses up every open link of the account.
 */
@Entity({ tableName: 'password_token' })
export class PasswordToken extends CompanyOwnedEntity {
  @ManyToOne(() => User, { deleteRule: 'cascade', index: true })
  user!: User;

  @Property({ type: 'text' })
  purpose!: PasswordTokenPurpose;

  /** Hex SHA-256 of the token. */
  @Property({ type: 'text', unique: 'password_token_hash_unique' })
  hash!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  usedAt: Opt<Date> | null = null;
}
