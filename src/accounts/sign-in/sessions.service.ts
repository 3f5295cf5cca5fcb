import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import type { AuthContext } from '../../core/auth/auth-context.js';
import { Clock } from '../../core/clock.js';
import { DomainError } from '../../core/errors/domain-error.js';
import { actingContext } from '../acting-context.js';
import { User } from '../user.entity.js';
import { generateSecret } from '../token-secret.js';
import { hashSessionSecret } from './session-cookie.js';
import { UserSession } from './user-session.entity.js';

/** A session the cookie resolved to, and who it acts as. */
export interface OpenSession {
  session: UserSession;
  auth: AuthContext;
}

/** The most the idle clock is behind: a session used within this delay is not written again. */
const SLIDE_PRECISION_MS = 60_000;

/**
 * People's sessions: opened at sign-in, resolved from the cookie on every request (the same
 * AuthContext an API token of the account gives), slid forward with use, ended by sign-out, by a
 * new password, by the account's deactivation, or by time (idle and absolute expiry, read from the Clock).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A new session for `user` in `em` (the caller flushes) and the secret to set in the cookie. */
  open(em: EntityManager, user: Pick<User, 'id' | 'companyId'>): { session: UserSession; secret: string } {
    const secret = generateSecret();
    const now = this.clock.now();
    const session = em.create(UserSession, {
      companyId: user.companyId,
      user: em.getReference(User, user.id),
      hash: hashSessionSecret(secret),
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.signIn.maxHours * 3_600_000),
    });
    return { session, secret };
  }

  /** The session the cookie's secret names, counted as used now; refuses an unknown, ended or expired one. */
  async authenticate(secret: string): Promise<OpenSession> {
    const session = await this.standing(secret);
    const now = this.clock.now();
    if (now.getTime() - session.lastSeenAt.getTime() >= Math.min(SLIDE_PRECISION_MS, this.idleMs() / 10)) {
      await this.em.nativeUpdate(UserSession, { id: session.id, lastSeenAt: { $lt: now } }, { lastSeenAt: now });
      session.lastSeenAt = now;
    }
    return { session, auth: actingContext(session.user, { type: 'session', id: session.id }) };
  }

  /** Whether the cookie's secret names a session that still stands, without counting it as used. */
  async isOpen(secret: string): Promise<boolean> {
    try {
      await this.standing(secret);
      return true;
    } catch (error) {
      if (error instanceof DomainError) return false;
      throw error;
    }
  }

  idleExpiresAt(session: Pick<UserSession, 'lastSeenAt' | 'expiresAt'>): Date {
    return new Date(Math.min(session.lastSeenAt.getTime() + this.idleMs(), session.expiresAt.getTime()));
  }

  /** Ends the session a cookie's secret names, whatever its state (sign-out; signing in again from the same browser), in one UPDATE. */
  async revokeSecret(secret: string): Promise<void> {
    await this.em.nativeUpdate(UserSession, { hash: hashSessionSecret(secret), revokedAt: null }, { revokedAt: this.clock.now() });
  }

  /** Ends every session of an account, in the caller's transaction (a new password). */
  async revokeAllOf(em: EntityManager, userId: string): Promise<void> {
    await em.nativeUpdate(UserSession, { user: userId, revokedAt: null }, { revokedAt: this.clock.now() });
  }

  /** Which of these sessions still stand (not revoked, not expired, their account active): for the streams' check. */
  async stillValid(em: EntityManager, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const now = this.clock.now();
    const rows = await em.find(UserSession, { id: { $in: ids }, revokedAt: null, expiresAt: { $gt: now }, user: { active: true } }, { fields: ['id', 'lastSeenAt', 'expiresAt'] });
    return new Set(rows.filter((row) => now < this.idleExpiresAt(row)).map((row) => row.id));
  }

  /** The session the secret names, refused unless it still stands. */
  private async standing(secret: string): Promise<UserSession> {
    const session = await this.em.findOne(UserSession, { hash: hashSessionSecret(secret) }, { populate: ['user'] });
    if (!session || session.revokedAt) throw new DomainError('not_signed_in', 'Sign in first (the session has ended or is unknown)');
    const now = this.clock.now();
    if (now >= this.idleExpiresAt(session) || now >= session.expiresAt) throw new DomainError('session_expired', 'The session has expired: sign in again');
    if (!session.user.active || session.user.kind === 'system') throw new DomainError('account_inactive', 'The account of this session is deactivated');
    return session;
  }

  private idleMs(): number {
    return this.config.signIn.idleMinutes * 60_000;
  }
}
