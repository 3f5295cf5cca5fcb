import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { DomainError, RetryLaterError } from '../../core/errors/domain-error.js';
import { RedisClient } from '../../core/redis/redis.module.js';

/** How long an attempt waits for the Redis connection to be ready before being refused (503). */
const READY_WAIT_MS = 2_000;

/**
 * Takes one back from each key still in its window. A key whose window ended in between is left
 * alone: a DECR would make it again, without expiry.
 */
const TAKE_BACK = `for _, key in ipairs(KEYS) do if redis.call('pttl', key) > 0 then redis.call('decr', key) end end return 0`;

/**
 * Who an attempt is counted against: the address a sign-in names (failures only), the address a
 * password reset names (every request), or where either comes from (every attempt).
 */
export type AttemptScope = 'email' | 'reset-email' | 'ip';

/**
 * Counts sign-in and password-reset attempts in Redis, in fixed windows of SIGN_IN_WINDOW_MINUTES,
 * per email address and per IP address, across every API process. Addresses are hashed in the
 * keys. When Redis cannot count, attempts are refused (503) rather than let through unlimited.
 */
@Injectable()
export class AttemptLimiter {
  private readonly logger = new Logger('sign-in');

  constructor(
    private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Counts an attempt against the address and the IP before the work for it is done, in one round
   * trip, so attempts made at once are counted one after the other: when either count is then over
   * its limit, the attempt is taken back and refused with 429 too_many_attempts (and how long to wait).
   */
  async take(emailScope: Exclude<AttemptScope, 'ip'>, email: string, ip: string): Promise<void> {
    const scopes = [
      { scope: emailScope, key: this.key(emailScope, email) },
      { scope: 'ip' as const, key: this.key('ip', ip) },
    ];
    const windowMs = this.config.signIn.windowMinutes * 60_000;
    const counted = await this.guarded(async () => {
      const multi = this.redis.client.multi();
      for (const { key } of scopes) multi.set(key, '0', 'PX', windowMs, 'NX').incr(key).pttl(key);
      const replies = await multi.exec();
      if (!replies) throw new Error('the transaction was aborted');
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0]!;
      return scopes.map(({ scope }, at) => ({ scope, count: Number(replies[at * 3 + 1][1]), ttl: Number(replies[at * 3 + 2][1]) }));
    });
    const over = counted.find(({ scope, count }) => count > this.limit(scope));
    if (!over) return;
    // A refused attempt counts against neither, as if it had not been made.
    await this.decrement(scopes.map(({ key }) => key));
    throw new RetryLaterError('too_many_attempts', 'Too many attempts: try again later', over.ttl > 0 ? over.ttl / 1000 : windowMs / 1000, { scope: over.scope });
  }

  /** Takes back the attempt counted against `scope` (a sign-in that succeeded is no failure of its address). */
  async takeBack(scope: AttemptScope, value: string): Promise<void> {
    await this.decrement([this.key(scope, value)]);
  }

  private limit(scope: AttemptScope): number {
    return scope === 'ip' ? this.config.signIn.maxAttemptsPerIp : this.config.signIn.maxAttemptsPerEmail;
  }

  private key(scope: AttemptScope, value: string): string {
    const digest = createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 32);
    return `${this.config.queue.prefix}:sign-in:${scope}:${digest}`;
  }

  /** At worst an attempt stays counted until its window ends: logged, never a refusal. */
  private async decrement(keys: string[]): Promise<void> {
    try {
      await this.redis.client.eval(TAKE_BACK, keys.length, ...keys);
    } catch (error) {
      this.logger.warn(`sign-in attempt not taken back: ${(error as Error).message}`);
    }
  }

  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      await this.redis.whenReady(READY_WAIT_MS);
      return await work();
    } catch (error) {
      this.logger.warn(`sign-in attempts not counted: ${(error as Error).message}`);
      throw new DomainError('not_ready', 'Signing in is unavailable for a moment; try again shortly');
    }
  }
}
