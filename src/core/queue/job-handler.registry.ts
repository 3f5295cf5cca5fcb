import { EntityManager, RequestContext } from '@mikro-orm/core';
import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type Job, UnrecoverableError } from 'bullmq';
import { JOB_HANDLER } from './job-handler.decorator.js';
import { JOB_NAMES, type JobName, JOBS } from './jobs.js';

type Handler = (payload: unknown, job: Job) => Promise<unknown>;

/**
 * Finds every `@HandlesJob` method and refuses to start unless each job name has exactly one
 * handler, so a job can neither be enqueued into the void nor handled twice.
 */
@Injectable()
export class JobHandlerRegistry {
  private readonly logger = new Logger('queue');
  private handlers: Map<JobName, Handler> | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly em: EntityManager,
  ) {}

  /**
   * Collects the handlers; throws naming every job with none or several. Runs once the
   * application context exists (so producers' Redis connections may already be open), from
   * `QueueWorkers.start()` before any consumer is created: a worker that fails the check
   * never takes a job, and its start-up closes the context and stops.
   */
  load(): void {
    if (this.handlers) return;
    const found = new Map<string, { owner: string; handler: Handler }[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<string | undefined>(JOB_HANDLER, fn);
        if (!name) continue;
        const list = found.get(name) ?? [];
        list.push({ owner: `${instance.constructor.name}.${method}`, handler: fn.bind(instance) as Handler });
        found.set(name, list);
      }
    }
    const problems: string[] = [];
    for (const name of JOB_NAMES) {
      const list = found.get(name) ?? [];
      if (list.length === 0) problems.push(`job "${name}" has no handler`);
      if (list.length > 1) problems.push(`job "${name}" has ${list.length} handlers (${list.map((h) => h.owner).join(', ')})`);
    }
    for (const name of found.keys()) {
      if (!(JOB_NAMES as string[]).includes(name)) problems.push(`handler for unknown job "${name}"`);
    }
    if (problems.length > 0) throw new Error(`Job handlers are inconsistent: ${problems.join('; ')}`);
    this.handlers = new Map(JOB_NAMES.map((name) => [name, found.get(name)![0].handler]));
  }

  /** Runs one job: payload validated, handler called inside its own EntityManager context. */
  async dispatch(job: Job): Promise<unknown> {
    const name = job.name as JobName;
    const handler = this.handlers?.get(name);
    if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}"`);
    const checked = JOBS[name].payload.safeParse(job.data);
    if (!checked.success) {
      this.logger.error(`Job ${job.name} ${job.id} has an invalid payload; not retrying`);
      throw new UnrecoverableError(`Invalid payload for job ${job.name}: ${checked.error.message}`);
    }
    return RequestContext.create(this.em, () => handler(checked.data, job));
  }
}
