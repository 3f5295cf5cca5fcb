import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { Worker } from 'bullmq';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../app-config.module.js';
import { redisSettings } from '../redis/redis-settings.js';
import { JobHandlerRegistry } from './job-handler.registry.js';
import { QUEUES } from './jobs.js';

/**
 * Whether this process is the worker role (it has the queue consumers). Background loops that must
 * run once per worker, never in the API (relays, sweepers), ask this at bootstrap.
 */
export function isWorkerProcess(moduleRef: ModuleRef): boolean {
  try {
    return Boolean(moduleRef.get(QueueWorkers, { strict: false }));
  } catch {
    return false;
  }
}

/**
 * The consumers: one BullMQ worker per queue, dispatching each job by name to its `@HandlesJob`
 * method. Started explicitly once the application is built (`start()`), after the handler check,
 * so a worker that fails the check never takes a job. Closing waits for jobs in progress.
 */
@Injectable()
export class QueueWorkers implements BeforeApplicationShutdown {
  private readonly logger = new Logger('queue');
  private workers: Worker[] = [];

  constructor(
    private readonly registry: JobHandlerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    this.registry.load();
    this.workers = Object.keys(QUEUES).map((queue) => {
      const worker = new Worker(queue, (job) => this.registry.dispatch(job), {
        prefix: this.config.queue.prefix,
        concurrency: this.config.queue.concurrency,
        // Blocking commands must wait for Redis to come back rather than fail the worker.
        connection: { ...redisSettings(this.config.redis.url), maxRetriesPerRequest: null },
      });
      worker.on('error', (error) => this.logger.warn(`worker ${queue}: ${error.message}`));
      worker.on('failed', (job, error) =>
        this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`),
      );
      return worker;
    });
  }

  /**
   * Stops taking jobs and waits for the ones in progress to finish. Runs before any
   * `onApplicationShutdown` hook, so the database and Redis are still open for those jobs.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
