import { EntityManager } from '@mikro-orm/postgresql';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { boundSql } from '../../core/database/sql-rows.js';
import { isWorkerProcess } from '../../core/queue/queue-workers.js';

/** What one run of the purge did, and whether it stopped with work left (the next run goes on). */
export interface PurgeRun {
  emails: number;
  sms: number;
  discarded: number;
  more: boolean;
}

export interface PurgeOptions {
  /** Rows per statement (each statement commits on its own: a run stopped midway loses nothing done). */
  batch?: number;
  /** Statements per run, all tables together: the work of one run stays bounded. */
  maxBatches?: number;
}

/**
 * Retention, scheduled in the worker (every RETENTION_INTERVAL_MS, the first run a minute after
 * start): the raw content of inbound mail and SMS older than INBOUND_RETENTION_DAYS is emptied (the
 * row stays, with its outcome, its rule and the reply or thread it made; so do the replies and the
 * audit), and discarded quarantine items go QUARANTINE_DISCARDED_RETENTION_DAYS after their discard.
 * Batched and resumable: each batch commits alone, rows are picked with SKIP LOCKED (two workers
 * purge different rows), and a run that reaches its bound leaves the rest to the next one. Rows
 * still to process (`received`) are never purged.
 */
@Injectable()
export class InboundRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('retention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (isWorkerProcess(this.moduleRef)) this.schedule(Math.min(60_000, this.config.inbound.retentionIntervalMs));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async purge(options: PurgeOptions = {}): Promise<PurgeRun> {
    const batch = options.batch ?? 1_000;
    let budget = options.maxBatches ?? 200;
    const run: PurgeRun = { emails: 0, sms: 0, discarded: 0, more: false };
    const steps: [keyof Omit<PurgeRun, 'more'>, string, unknown[]][] = [
      [
        'emails',
        `with picked as (
           select id from inbound_email
            where raw_purged_at is null and status <> 'received' and created_at < now() - (? * interval '1 day')
            order by created_at limit ? for update skip locked)
         update inbound_email e set raw = ''::bytea, raw_purged_at = now(), updated_at = now() from picked where e.id = picked.id returning e.id`,
        [this.config.inbound.retentionDays, batch],
      ],
      [
        'sms',
        `with picked as (
           select id from inbound_sms
            where raw_purged_at is null and status <> 'received' and created_at < now() - (? * interval '1 day')
            order by created_at limit ? for update skip locked)
         update inbound_sms s set body = '', media = '[]'::jsonb, params = '{}'::jsonb, raw_purged_at = now(), updated_at = now()
           from picked where s.id = picked.id returning s.id`,
        [this.config.inbound.retentionDays, batch],
      ],
      [
        'discarded',
        `delete from quarantine_item where id in (
           select id from quarantine_item where status = 'discarded' and resolved_at < now() - (? * interval '1 day')
            order by resolved_at limit ? for update skip locked) returning id`,
        [this.config.inbound.discardedRetentionDays, batch],
      ],
    ];
    for (const [key, sql, params] of steps) {
      for (;;) {
        if (budget === 0) {
          run.more = true;
          return run;
        }
        budget--;
        const rows = await boundSql<{ id: string }>(this.em.fork(), sql, params);
        run[key] += rows.length;
        if (rows.length < batch) break;
      }
    }
    return run;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.purge()
        .then((run) => {
          if (run.emails + run.sms + run.discarded > 0) {
            this.logger.log(`purged ${run.emails} raw mails, ${run.sms} raw SMS, ${run.discarded} discarded quarantine items${run.more ? ' (more left for the next run)' : ''}`);
          }
          // Work left: the next run comes soon rather than at the next interval.
          return run.more ? 1_000 : this.config.inbound.retentionIntervalMs;
        })
        .catch((error: Error) => {
          this.logger.warn(`retention purge failed: ${error.message}`);
          return this.config.inbound.retentionIntervalMs;
        })
        .then((next) => this.schedule(next));
    }, delay);
    this.timer.unref();
  }
}
