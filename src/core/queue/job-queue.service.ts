import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DomainError } from '../errors/domain-error.js';
import { type JobName, type JobPayload, JOBS, QUEUES } from './jobs.js';

export interface EnqueueOptions {
  /** Jobs with the same id are enqueued once while the first is kept (deduplication). */
  jobId?: string;
  delayMs?: number;
}

/** The typed way to enqueue: a job name, its payload, checked against the job's schema. */
@Injectable()
export class JobQueue implements OnModuleInit {
  private readonly logger = new Logger('queue');

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    // Connection errors while Redis is away: logged (health reports them); unhandled they would crash.
    for (const name of Object.keys(QUEUES)) {
      this.queue(name).on('error', (error) => this.logger.warn(`queue ${name}: ${error.message}`));
    }
  }

  async enqueue<J extends JobName>(name: J, payload: JobPayload<J>, options: EnqueueOptions = {}): Promise<void> {
    const definition = JOBS[name];
    const checked = definition.payload.safeParse(payload);
    if (!checked.success) {
      throw new DomainError('unprocessable', `Invalid payload for job ${name}`, checked.error.issues);
    }
    await this.queue(definition.queue).add(name, checked.data, { jobId: options.jobId, delay: options.delayMs });
  }

  queue(name: string): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
