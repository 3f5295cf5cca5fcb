import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JobQueue } from '../core/queue/job-queue.service.js';
import { type JobName, JOBS } from '../core/queue/jobs.js';
import type { DeliveryChannel } from './delivery.entity.js';

export const SEND_JOB: Record<DeliveryChannel, JobName> = {
  email: 'outbound.send-email',
  sms: 'outbound.send-sms',
  fax: 'outbound.send-fax',
};

export interface QueuedDelivery {
  id: string;
  channel: DeliveryChannel;
}

/**
 * The send jobs of deliveries, one per delivery with the delivery id as job id: adding a job that
 * is already waiting, delayed or running changes nothing, so relay, reconciler and retry may all
 * enqueue the same delivery without making two sends.
 */
@Injectable()
export class DeliveryQueue {
  constructor(private readonly jobs: JobQueue) {}

  /** Jobs for deliveries just made (no earlier job can exist), added in bulk per channel. */
  async addNew(deliveries: QueuedDelivery[]): Promise<void> {
    for (const channel of ['email', 'sms', 'fax'] as const) {
      const list = deliveries.filter((d) => d.channel === channel);
      if (list.length === 0) continue;
      const name = SEND_JOB[channel];
      await this.queue(channel).addBulk(list.map((d) => ({ name, data: { deliveryId: d.id }, opts: { jobId: d.id } })));
    }
  }

  /**
   * Enqueues deliveries that are pending again (reconciler, retry). A finished or stalled job kept
   * under the same id would swallow the add, so it is removed first; a live one is left alone.
   * Returns how many jobs were added.
   */
  async ensure(deliveries: QueuedDelivery[]): Promise<number> {
    let added = 0;
    for (const delivery of deliveries) {
      const queue = this.queue(delivery.channel);
      const job = await queue.getJob(delivery.id);
      if (job) {
        const state = await job.getState();
        if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
        // Finished, or active: BullMQ refuses to remove a job a live worker holds the lock of, so
        // only a stalled one (its worker died) is removed and replaced.
        const removed = await job.remove().then(
          () => true,
          () => false,
        );
        if (!removed) continue;
      }
      await queue.add(SEND_JOB[delivery.channel], { deliveryId: delivery.id }, { jobId: delivery.id });
      added += 1;
    }
    return added;
  }

  private queue(channel: DeliveryChannel): Queue {
    return this.jobs.queue(JOBS[SEND_JOB[channel]].queue);
  }
}
