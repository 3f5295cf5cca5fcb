import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { DomainError, RetryLaterError } from '../../core/errors/domain-error.js';
import { RedisClient } from '../../core/redis/redis.module.js';

/** How long an attempt waits for the Redis connection to be ready before being refused (503). */
const READY_WAIT_MS = 2_000;

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

  /** Refuses with 429 too_many_attempts (and how long to wait) when either count is at its limit. */
  async assertAllowed(emailScope: Exclude<AttemptScope, 'ip'>, email: string, ip: string): Promise<void> {
    for (const [scope, value] of [[emailScope, email], ['ip', ip]] as const) {
      const key = this.key(scope, value);
      const [count, ttl] = await this.guarded(async () => [Number((await this.redis.client.get(key)) ?? 0), await this.redis.client.pttl(key)] as const);
      if (count >= this.limit(scope)) {
        throw new RetryLaterError('too_many_attempts', 'Too many attempts: try again later', ttl > 0 ? ttl / 1000 : this.config.signIn.windowMinutes * 60, { scope });
      }
    }
  }

  /** Counts one attempt against `scope`. */
  async count(scope: AttemptScope, value: string): Promise<void> {
    const key = this.key(scope, value);
    const windowMs = this.config.signIn.windowMinutes * 60_000;
    await this.guarded(() => this.redis.client.multi().set(key, '0', 'PX', windowMs, 'NX').incr(key).exec());
  }

  private limit(scope: AttemptScope): number {
    return scope === 'ip' ? this.config.signIn.maxAttemptsPerIp : this.config.signIn.maxAttemptsPerEmail;
  }

  private key(scope: AttemptScope, value: string): string {
    const digest = createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 32);
    return `${this.config.queue.prefix}:sign-in:${scope}:${digest}`;
  }

  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      await this.connected();
      return await work();
    } catch (error) {
      this.logger.warn(`sign-in attempts not counted: ${(error as Error).message}`);
      throw new DomainError('not_ready', 'Signing in is unavailable for a moment; try again shortly');
    }
  }

  /**
   * The shared connection fails commands at once while it is not ready (no offline queue): just
   * after start, or while reconnecting, an attempt waits a little for it rather than being refused.
   */
  private async connected(): Promise<void> {
    const client = this.redis.client;
    if (client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', ready);
        reject(new Error(`Redis not ready within ${READY_WAIT_MS} ms (${client.status})`));
      }, READY_WAIT_MS);
      const ready = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', ready);
    });
  }
}
