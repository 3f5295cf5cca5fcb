import { boundSql } from '../core/database/sql-rows.js';
import { type EntityManager, EntityRepository } from '@mikro-orm/postgresql';
import type { ApiToken } from './api-token.entity.js';
import { generateTokenSecret, hashTokenSecret, tokenHint } from './token-secret.js';
import type { User } from './user.entity.js';

export interface IssuedToken {
  token: ApiToken;
  /** The bearer secret: returned once, at creation; only its hash is stored. */
  secret: string;
}

export class ApiTokenRepository extends EntityRepository<ApiToken> {
  /** Creates a token for the user in this repository's EntityManager; the caller flushes. */
  issue(user: User, name: string): IssuedToken {
    const secret = generateTokenSecret();
    const token = this.create({
      companyId: user.companyId,
      user,
      name,
      hash: hashTokenSecret(secret),
      hint: tokenHint(secret),
    });
    return { token, secret };
  }

  /** The token with this hash and its user, whatever its state (the caller decides what revoked means). */
  findByHash(hash: string): Promise<ApiToken | null> {
    return this.findOne({ hash }, { populate: ['user'] });
  }

  /** Records a use; never moves the timestamp backwards, so replays and reordering are harmless. */
  async recordUse(tokenId: string, usedAt: Date): Promise<void> {
    await boundSql(this.getEntityManager() as EntityManager, 'update api_token set last_used_at = greatest(last_used_at, ?::timestamptz) where id = ?', [
        usedAt.toISOString(),
        tokenId,
      ]);
  }
}
