import { EntityRepositoryType, type Opt } from '@mikro-orm/core';
import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';
import { ApiTokenRepository } from './api-token.repository.js';
import { User } from './user.entity.js';

/**
 * A bearer token. Only the SHA-256 of the secret is stored: the token is 256 random bits, so a
 * slow password hash would add latency to every request without adding safety.
 */
@Entity({ tableName: 'api_token', repository: () => ApiTokenRepository })
export class ApiToken extends CompanyOwnedEntity {
  [EntityRepositoryType]?: ApiTokenRepository;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'text' })
  name!: string;

  /** Hex SHA-256 of the whole token string. */
  @Property({ type: 'text', unique: 'api_token_hash_unique' })
  hash!: string;

  /** The first characters of the token, to recognise it in a list without revealing it. */
  @Property({ type: 'text' })
  hint!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt: Opt<Date> | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Opt<Date> | null = null;
}
