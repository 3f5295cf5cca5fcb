import { boundSql } from '../core/database/sql-rows.js';
import { EntityManager, RequestContext } from '@mikro-orm/postgresql';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { isWorkerProcess } from '../core/queue/queue-workers.js';
import type { DeliveryChannel } from './delivery.entity.js';
import { DeliveryQueue } from './delivery-queue.js';
import { DeliveryRelay } from './delivery-relay.service.js';
import { DeliverySmsLookup } from './delivery-sms-lookup.js';
import { OUTCOME_UNKNOWN } from '../channels/provider-error.js';

/**
 * The worker's two loops. The relay drains the outbox every OUTBOUND_RELAY_INTERVAL_MS (at once
 * again while batches come back full). The reconciler, every OUTBOUND_RECONCILE_INTERVAL_MS,
 * re-enqueues deliveries pending for longer than that (their job was lost: Redis restarted
 * empty, or a crash between the relay's commit and its adds) and settles claims older than
 * OUTBOUND_STALE_CLAIM_MS (their worker died): a claim that never reached the provider is sent
 * again; one that did may or may not be with the provider: an SMS is looked up in Twilio's message
 * list (found: sent), an email or fax cannot be, and what is not found becomes failed
 * "outcome_unknown" for an admin to retry — never re-sent automatically.
 * Several workers may run both: row locks, job ids and claims keep them from doubling anything.
 */
@Injectable()
export class DeliveryReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('outbound');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly relay: DeliveryRelay,
    private readonly queue: DeliveryQueue,
    private readonly smsLookup: DeliverySmsLookup,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Only the worker process (the one with queue consumers) runs the loops; the API never sends.
    if (!isWorkerProcess(this.moduleRef)) return;
    this.loop('relay', this.config.outbound.relayIntervalMs, () => this.relayUntilEmpty());
    this.loop('reconcile', this.config.outbound.reconcileIntervalMs, () => this.reconcile());
  }

  /** Stops the loops and waits for a tick in progress, while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    await Promise.all(this.running);
  }

  /** Re-enqueues lost jobs (up to 2,000 looked at per tick) and settles stale claims; returns what it did. */
  async reconcile(): Promise<{ requeued: number; unknown: number; found: number }> {
    // Stale claims that never reached the provider: nothing left, so pending again (enqueued below).
    const handedBack = await boundSql<{ id: string; channel: DeliveryChannel }>(
      this.em,
      `with stale as (
         update delivery set status = 'pending', claimed_at = null, updated_at = now()
          where status = 'sending' and provider_called_at is null and claimed_at < now() - (? * interval '1 millisecond') returning id, company_id, channel),
       logged as (
         insert into delivery_attempt (id, created_at, updated_at, company_id, delivery_id, outcome, detail)
         select gen_random_uuid(), now(), now(), company_id, id, 'retrying', 'The worker stopped before calling the provider; sent again.' from stale)
       select id, channel from stale`,
      [this.config.outbound.staleClaimMs],
    );
    if (handedBack.length > 0) await this.queue.ensure(handedBack);
    const unknown = await boundSql<{ id: string }>(
      this.em,
      `with stale as (
         update delivery set status = 'failed', failure_reason = ?, provider_code = ?, claimed_at = null, updated_at = now()
          where status = 'sending' and channel <> 'sms' and provider_called_at is not null and claimed_at < now() - (? * interval '1 millisecond')
          returning id, company_id)
       insert into delivery_attempt (id, created_at, updated_at, company_id, delivery_id, outcome, provider_code, detail)
       select gen_random_uuid(), now(), now(), company_id, id, 'failed', ?, 'The worker stopped while sending; the provider may have accepted the copy. Not re-sent automatically.'
         from stale returning delivery_id as id`,
      [OUTCOME_UNKNOWN, OUTCOME_UNKNOWN, this.config.outbound.staleClaimMs, OUTCOME_UNKNOWN],
    );
    if (unknown.length > 0) this.logger.warn(`${unknown.length} deliveries interrupted mid-send marked ${OUTCOME_UNKNOWN}`);
    let requeued = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    // Bounded per tick (the oldest first): a long backlog of live jobs is not re-checked all at once.
    for (let page = 0; page < 4 && !this.stopped; page += 1) {
      const pending = await boundSql<{ id: string; channel: DeliveryChannel }>(
        this.em,
        `select id, channel from delivery where status = 'pending' and updated_at < now() - (? * interval '1 millisecond')
          and id > ? order by id limit 500`,
        [this.config.outbound.reconcileIntervalMs, after],
      );
      if (pending.length === 0) break;
      requeued += await this.queue.ensure(pending);
      after = pending[pending.length - 1].id;
      if (pending.length < 500 || this.stopped) break;
    }
    if (requeued > 0) this.logger.warn(`re-enqueued ${requeued} pending deliveries whose job was missing`);
    // Twilio keeps a list of what it accepted: an interrupted SMS is settled by looking there first
    // (last, so that a slow Twilio never holds up the re-enqueueing above).
    const sms = await this.smsLookup.settleStale(this.config.outbound.staleClaimMs);
    return { requeued: requeued + handedBack.length, unknown: unknown.length + sms.unknown, found: sms.found };
  }

  private async relayUntilEmpty(): Promise<void> {
    while (!this.stopped && (await this.relay.relayBatch(1000)) === 1000);
  }

  private loop(name: string, intervalMs: number, work: () => Promise<unknown>): void {
    const tick = async () => {
      if (this.stopped) return;
      const run = RequestContext.create(this.em, work).then(
        () => undefined,
        (error: Error) => this.logger.warn(`${name} failed: ${error.message}`),
      );
      this.running.add(run);
      await run;
      this.running.delete(run);
      if (!this.stopped) this.timers.set(name, setTimeout(() => void tick(), intervalMs));
    };
    this.timers.set(name, setTimeout(() => void tick(), 0));
  }
}
