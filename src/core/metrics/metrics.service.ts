import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { JobQueue } from '../queue/job-queue.service.js';
import { QUEUES } from '../queue/jobs.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'] as const;

/**
 * Prometheus metrics of the API process: Node process metrics, HTTP durations by route pattern,
 * and queue depths read from Redis at scrape time. A registry per instance (not prom-client's
 * global one) so several apps can live in one test process.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(jobs: JobQueue) {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests, by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'relais_queue_jobs',
      help: 'Jobs in each queue, by state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        await Promise.all(
          Object.keys(QUEUES).map(async (queue) => {
            const counts = await jobs.queue(queue).getJobCounts(...JOB_STATES);
            for (const state of JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
          }),
        );
      },
    });
  }

  /** Express middleware timing every request; unmatched paths share one label to bound cardinality. */
  readonly httpTimer = (req: Request, res: Response, next: NextFunction): void => {
    const stop = this.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      // Nest answers unknown paths from a catch-all route; those share the "unmatched" label.
      const route = (req.route as { path?: string } | undefined)?.path;
      const matched = route && !route.includes('*') ? `${req.baseUrl}${route}` : 'unmatched';
      stop({ route: matched, status: String(res.statusCode) });
    });
    next();
  };
}
