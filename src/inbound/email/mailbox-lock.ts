import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { RedisClient } from '../../core/redis/redis.module.js';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * One owner per mailbox across worker replicas: a Redis key set if absent with a TTL, renewed by its
 * owner (compare-and-set on the owner's id). If the owner dies, the key expires and another
 * worker's next attempt takes the mailbox over.
 */
@Injectable()
export class MailboxLock {
  /** This process, as written in the lock: readable in Redis when asking who holds a mailbox. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get ttlMs(): number {
    return this.config.inbound.lockTtlMs;
  }

  private key(mailboxId: string): string {
    return `${this.config.queue.prefix}:mailbox-owner:${mailboxId}`;
  }

  async acquire(mailboxId: string): Promise<boolean> {
    return (await this.redis.client.set(this.key(mailboxId), this.owner, 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  /** False when the lock expired or another worker holds it now: stop working on the mailbox. */
  async renew(mailboxId: string): Promise<boolean> {
    return Number(await this.redis.client.eval(RENEW, 1, this.key(mailboxId), this.owner, String(this.ttlMs))) === 1;
  }

  async release(mailboxId: string): Promise<void> {
    await this.redis.client.eval(RELEASE, 1, this.key(mailboxId), this.owner);
  }
}
