import { SetMetadata } from '@nestjs/common';
import type { JobName } from './jobs.js';

export const JOB_HANDLER = Symbol('relais:job-handler');

/**
 * Marks a provider method as the handler of one job. The method receives the validated payload and
 * must be safe to run twice (BullMQ delivers at least once).
 */
export const HandlesJob = (name: JobName): MethodDecorator => SetMetadata(JOB_HANDLER, name);
