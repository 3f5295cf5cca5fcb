import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * Queues and their retry policy. A job inherits the policy of its queue: work that talks to an
 * outside service retries longer than bookkeeping does.
 */
export const QUEUES = {
  accounts: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: { age: 3_600, count: 1_000 },
    removeOnFail: { age: 7 * 24 * 3_600 },
  },
} as const satisfies Record<string, JobsOptions>;

export type QueueName = keyof typeof QUEUES;

/**
 * Every job: its queue and the schema of its payload. Payloads carry ids, never entities, and are
 * validated when enqueued and again when processed (a job may outlive the code that enqueued it).
 */
export const JOBS = {
  /** A token authenticated a request at `usedAt`; remember it as the token's last use. */
  'accounts.token-used': {
    queue: 'accounts',
    payload: z.object({ tokenId: z.uuid(), usedAt: z.iso.datetime() }),
  },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<J extends JobName> = z.output<(typeof JOBS)[J]['payload']>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
