import { boundSql } from '../../core/database/sql-rows.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { JobQueue } from '../../core/queue/job-queue.service.js';
import { isWorkerProcess } from '../../core/queue/queue-workers.js';

const BATCH = 500;
const MAX_BATCHES = 10;

/**
 * Stored is not yet processed: if the process died between the insert and the enqueue, or Redis
 * lost its jobs, an SMS would stay `received` for ever. The worker re-enqueues SMS still received
 * after SMS_REQUEUE_AFTER_MS, a batch job per page of them. An SMS whose job is only waiting gets a
 * second one: whichever runs first processes it, the other finds it processed and skips it.
 */
@Injectable()
export class InboundSmsSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('inbound-sms');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly jobs: JobQueue,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Only the worker (the process with queue consumers) sweeps; the API only acknowledges.
    if (isWorkerProcess(this.moduleRef)) this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Re-enqueues the SMS left `received`; returns how many. */
  async sweep(): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let requeued = 0;
    // Bounded per tick: during a backlog the rows found are mostly in waiting jobs (skipped when their second job runs).
    for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
      const rows = await boundSql<{ id: string }>(
        this.em,
        `select id from inbound_sms where status = 'received' and created_at < now() - (? * interval '1 millisecond') and id > ? order by id limit ?`,
        [this.config.inboundSms.requeueAfterMs, after, BATCH],
      );
      // The same page offered again while its job waits (a backlog outlasting a tick) is not doubled.
      if (rows.length > 0) {
        const jobId = `sms-sweep-${rows[0].id}-${rows[rows.length - 1].id}-${rows.length}`;
        await this.jobs.enqueue('inbound.sms-batch', { inboundSmsIds: rows.map((row) => row.id) }, { jobId });
      }
      requeued += rows.length;
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1].id;
    }
    if (requeued > 0) this.logger.warn(`${requeued} stored SMS still unprocessed offered to the queue again`);
    return requeued;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then(() => undefined)
        .catch((error: Error) => this.logger.warn(`sweep failed: ${error.message}`))
        .finally(() => this.schedule());
    }, this.config.inboundSms.requeueAfterMs);
  }
}
