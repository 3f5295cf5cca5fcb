import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors/domain-error.js';
import { AccountsService } from '../accounts.service.js';
import { actingContext } from '../acting-context.js';
import { User } from '../user.entity.js';
import { AttemptLimiter } from './attempt-limiter.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import { csrfMatches, csrfTokenOf } from './session-cookie.js';
import type { SessionResponse } from './sign-in.dto.js';
import { type OpenSession, SessionsService } from './sessions.service.js';

const INVALID = 'The email or the password is wrong';

/**
 * People signing in to the console with their email and password, and out. An unknown email and a
 * wrong password get the same answer after the same work (a dummy hash is verified); attempts are
 * limited per IP, failed ones per email.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly em: EntityManager,
    private readonly sessions: SessionsService,
    private readonly limiter: AttemptLimiter,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * Opens a session; returns the cookie's secret and the session as the console sees it. The
   * session the browser's cookie held until then (`previous`) ends: the new cookie replaces it.
   */
  async signIn(email: string, password: string, ip: string, previous: string | null): Promise<{ secret: string; view: SessionResponse }> {
    const address = email.trim().toLowerCase();
    await this.limiter.take('email', address, ip);
    const user = await this.matching(address, password);
    if (!user) throw new DomainError('invalid_credentials', INVALID);
    // Only failures count against the address: the attempt counted before the check is taken back.
    await this.limiter.takeBack('email', address);
    if (!user.active) throw new DomainError('account_inactive', 'This account is deactivated');
    const em = this.em.fork();
    const { session, secret } = this.sessions.open(em, user);
    await em.flush();
    if (previous) await this.sessions.revokeSecret(previous);
    return { secret, view: await this.view({ session, auth: actingContext(user, { type: 'session', id: session.id }) }, secret) };
  }

  /** The session the cookie names, as the console sees it (401 when there is none). */
  async current(secret: string | null): Promise<SessionResponse> {
    if (!secret) throw new DomainError('not_signed_in', 'Sign in first');
    return this.view(await this.sessions.authenticate(secret), secret);
  }

  /**
   * Ends the cookie's session, if it names one still open; a write like the others, so it needs the
   * CSRF header (without it, a session that has already ended is answered as ended, not refused).
   */
  async signOut(secret: string | null, csrfHeader: string | undefined): Promise<void> {
    if (!secret) return;
    if (csrfMatches(secret, csrfHeader)) return this.sessions.revokeSecret(secret);
    if (await this.sessions.isOpen(secret)) throw new DomainError('csrf_failed', 'Signing out needs the X-CSRF-Token header');
  }

  /**
   * The account this email and password sign in to. An address may have an account in more than
   * one company: each one with a password is tried, oldest first. Without one, a dummy hash is
   * verified so the answer takes as long as a wrong password.
   */
  private async matching(email: string, password: string): Promise<User | null> {
    const candidates = await this.em.fork().find(
      User,
      { email, kind: { $ne: 'system' }, passwordHash: { $ne: null } },
      { populate: ['passwordHash'], orderBy: { id: 'asc' } },
    );
    if (candidates.length === 0) return verifyAgainstDummy(password).then(() => null);
    for (const user of candidates) if (await verifyPassword(password, user.passwordHash!)) return user;
    return null;
  }

  private async view(open: OpenSession, secret: string): Promise<SessionResponse> {
    return {
      account: await this.accounts.describe(open.auth),
      csrfToken: csrfTokenOf(secret),
      idleExpiresAt: this.sessions.idleExpiresAt(open.session).toISOString(),
      expiresAt: open.session.expiresAt.toISOString(),
    };
  }
}
