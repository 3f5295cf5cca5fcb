import { EntityManager } from '@mikro-orm/postgresql';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { Mailbox } from '../../channels/mailbox.entity.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { SecretBox } from '../../core/crypto/secret-box.js';
import { RedisClient } from '../../core/redis/redis.module.js';
import { MailboxClient } from '../../channels/imap/mailbox.port.js';
import { InboundEmailStore } from './inbound-email.store.js';
import { MailboxLock } from './mailbox-lock.js';
import { MailboxRunner } from './mailbox-runner.js';

/**
 * The worker's side of inbound email: every few seconds, takes the lock of each active mailbox it
 * can (one owner across replicas) and runs a MailboxRunner for it; renews the locks it holds and
 * stops a runner as soon as its lock is lost or its mailbox is deactivated or deleted.
 */
@Injectable()
export class MailboxWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('mailbox-watcher');
  private readonly runners = new Map<string, MailboxRunner>();
  /** The mailbox's updatedAt each runner started with. */
  private readonly versions = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private closing = false;

  constructor(
    private readonly em: EntityManager,
    private readonly client: MailboxClient,
    private readonly store: InboundEmailStore,
    private readonly lock: MailboxLock,
    private readonly redis: RedisClient,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Renewing at a third of the TTL leaves two chances before expiry; a dead owner's mailbox is
    // taken over at most one TTL plus one tick later.
    const tickMs = Math.max(500, Math.floor(this.lock.ttlMs / 3));
    this.timer = setInterval(() => void this.tick(), tickMs);
    // The first tick waits for Redis to be connected (commands fail fast until then): a restarted
    // worker takes its mailboxes at once instead of one tick later.
    void this.redisReady(tickMs).then(() => this.tick());
  }

  private async redisReady(withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (this.redis.client.status !== 'ready' && Date.now() < deadline && !this.closing) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Mailboxes this process holds right now. */
  owned(): string[] {
    return [...this.runners.keys()];
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    while (this.ticking) await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all([...this.runners.keys()].map((id) => this.drop(id)));
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.closing) return;
    this.ticking = true;
    try {
      for (const id of [...this.runners.keys()]) {
        const kept = await this.lock.renew(id).catch(() => false);
        if (!kept) {
          this.logger.warn(`mailbox ${id}: lock lost, stopping`);
          await this.drop(id, false);
        }
      }
      const active = await this.em.fork().find(Mailbox, { active: true }, { fields: ['id', 'updatedAt'] });
      const versions = new Map(active.map((m) => [m.id, m.updatedAt.getTime()]));
      // Deactivated, deleted, or edited through the API (server, password, folders): a runner
      // works with the settings it connected with, so an edited mailbox is restarted.
      for (const id of [...this.runners.keys()]) {
        if (versions.get(id) !== this.versions.get(id)) await this.drop(id, versions.has(id) === false);
      }
      for (const { id } of active) {
        if (this.closing || this.runners.has(id)) continue;
        // An edited mailbox's runner was stopped above with the lock kept: take it up again at once.
        const held = await this.lock.renew(id).catch(() => false);
        if (!held && !(await this.lock.acquire(id).catch(() => false))) continue;
        this.logger.log(`mailbox ${id}: owned by ${this.lock.owner}`);
        this.versions.set(id, versions.get(id)!);
        this.runners.set(id, new MailboxRunner(id, { em: this.em, client: this.client, store: this.store, box: this.box, config: this.config, logger: this.logger }));
      }
    } catch (error) {
      this.logger.warn(`watch tick failed: ${(error as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private async drop(id: string, release = true): Promise<void> {
    const runner = this.runners.get(id);
    this.runners.delete(id);
    this.versions.delete(id);
    await runner?.stop();
    if (release) await this.lock.release(id).catch(() => undefined);
  }
}
