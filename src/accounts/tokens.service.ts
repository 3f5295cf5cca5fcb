import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import { HandlesJob } from '../core/queue/job-handler.decorator.js';
import { JobQueue } from '../core/queue/job-queue.service.js';
import type { JobPayload } from '../core/queue/jobs.js';
import { ApiToken } from './api-token.entity.js';
import { hashTokenSecret, hasTokenShape } from './token-secret.js';
import { actingContext } from './acting-context.js';

/** Last-use times are kept to this precision, so a busy token costs one job per window, not per request. */
const LAST_USE_PRECISION_MS = 5 * 60_000;

@Injectable()
export class TokensService {
  private readonly logger = new Logger('tokens');

  constructor(
    private readonly em: EntityManager,
    private readonly jobs: JobQueue,
  ) {}

  /** Resolves a bearer secret to its caller, or refuses with the reason as an error code. */
  async authenticate(secret: string): Promise<AuthContext> {
    if (!hasTokenShape(secret)) throw new DomainError('invalid_token', 'The bearer token is not valid');
    const token = await this.em.getRepository(ApiToken).findByHash(hashTokenSecret(secret));
    if (!token) throw new DomainError('invalid_token', 'The bearer token is not valid');
    if (token.revokedAt) throw new DomainError('token_revoked', 'The bearer token has been revoked');
    const user = token.user;
    if (!user.active || user.kind === 'system') throw new DomainError('account_inactive', 'The account of this token is deactivated');
    await this.noteUse(token);
    return actingContext(user, { type: 'token', id: token.id });
  }

  private async noteUse(token: ApiToken): Promise<void> {
    const now = Date.now();
    if (token.lastUsedAt && now - token.lastUsedAt.getTime() < LAST_USE_PRECISION_MS) return;
    const window = Math.floor(now / LAST_USE_PRECISION_MS);
    try {
      await this.jobs.enqueue(
        'accounts.token-used',
        { tokenId: token.id, usedAt: new Date(now).toISOString() },
        { jobId: `token-used-${token.id}-${window}` },
      );
    } catch (error) {
      // Bookkeeping only: a Redis hiccup must not turn away an authenticated caller.
      this.logger.warn(`Could not record the use of token ${token.id}: ${(error as Error).message}`);
    }
  }

  @HandlesJob('accounts.token-used')
  async recordUse(payload: JobPayload<'accounts.token-used'>): Promise<void> {
    await this.em.getRepository(ApiToken).recordUse(payload.tokenId, new Date(payload.usedAt));
  }
}
