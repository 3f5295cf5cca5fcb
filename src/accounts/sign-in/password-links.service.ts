import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import type { AuthContext } from '../../core/auth/auth-context.js';
import { Clock } from '../../core/clock.js';
import { DomainError, NotFoundError } from '../../core/errors/domain-error.js';
import { JobQueue } from '../../core/queue/job-queue.service.js';
import type { JobPayload } from '../../core/queue/jobs.js';
import { hasSecretShape } from '../token-secret.js';
import { User } from '../user.entity.js';
import { AttemptLimiter } from './attempt-limiter.js';
import { assertAcceptablePassword, hashPassword } from './passwords.js';
import { PasswordToken, type PasswordTokenPurpose } from './password-token.entity.js';
import { hashPasswordToken, issuePasswordToken, passwordLink } from './password-tokens.js';
import { SessionsService } from './sessions.service.js';

const INVALID = 'This link is not valid (already used, expired or mistyped): ask for a new one';

/**
 * Links that set a console password, sent by email: an invitation (an admin sends it to an
 * account) or a reset (anyone may ask for one for an address, and is never told whether it has
 * an account). The API only enqueues the email; the worker makes the link as it sends it
 * (outbound/password-emails.ts), so a link's token exists nowhere but in the email.
 */
@Injectable()
export class PasswordLinks {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly limiter: AttemptLimiter,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sends an invitation to an active account of the caller's company (recorded in the audit log). */
  async invite(auth: AuthContext, userId: string): Promise<void> {
    const em = this.em.fork();
    const user = await em.findOne(User, { id: userId, companyId: auth.companyId, kind: { $ne: 'system' } });
    if (!user) throw new NotFoundError('User');
    if (!user.active) throw new DomainError('conflict', 'This account is deactivated: reactivate it before inviting it');
    this.audit.record(em, auth, 'user.invite', { type: 'user', id: user.id }, null, { email: user.email });
    await em.flush();
    await this.jobs.enqueue('outbound.password-link', { purpose: 'invitation', userId: user.id });
  }

  /** Asks for reset links to an address: always the same answer, whether it has accounts or not. */
  async requestReset(email: string, ip: string): Promise<void> {
    const address = email.trim().toLowerCase();
    await this.limiter.take('reset-email', address, ip);
    await this.jobs.enqueue('outbound.password-link', { purpose: 'reset', email: address });
  }

  /** The accounts a link job writes to, as they stand when it runs (a deactivated account gets none). */
  recipients(payload: JobPayload<'outbound.password-link'>): Promise<User[]> {
    const who = payload.purpose === 'invitation' ? { id: payload.userId } : { email: payload.email };
    return this.em.fork().find(User, { ...who, active: true, kind: { $ne: 'system' } }, { orderBy: { id: 'asc' } });
  }

  /** A new link for the account, valid 7 days (invitation) or 1 hour (reset). */
  async issue(user: Pick<User, 'id' | 'companyId'>, purpose: PasswordTokenPurpose): Promise<string> {
    const em = this.em.fork();
    const { token } = issuePasswordToken(em, user, purpose, this.clock.now());
    await em.flush();
    return passwordLink(this.config.publicBaseUrl, token);
  }

  /**
   * Sets the password of the link's account: uses up every open link of the account and ends its
   * sessions. A link already used, expired, of a deactivated account or unknown is refused alike.
   */
  async setPassword(token: string, password: string): Promise<void> {
    if (!hasSecretShape(token)) throw new DomainError('invalid_password_token', INVALID);
    const now = this.clock.now();
    await this.em.fork().transactional(async (em) => {
      const link = await em.findOne(PasswordToken, { hash: hashPasswordToken(token), usedAt: null, expiresAt: { $gt: now } }, { populate: ['user'] });
      if (!link || !link.user.active || link.user.kind === 'system') throw new DomainError('invalid_password_token', INVALID);
      assertAcceptablePassword(password);
      // Claimed by a compare-and-set: two uses of one link at once set the password once.
      if ((await em.nativeUpdate(PasswordToken, { id: link.id, usedAt: null }, { usedAt: now })) !== 1) throw new DomainError('invalid_password_token', INVALID);
      await em.nativeUpdate(PasswordToken, { user: link.user.id, usedAt: null }, { usedAt: now });
      await em.nativeUpdate(User, { id: link.user.id }, { passwordHash: await hashPassword(password) });
      await this.sessions.revokeAllOf(em, link.user.id);
    });
  }
}
