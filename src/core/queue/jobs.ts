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
  /** Threading inbound SMS: only PostgreSQL and Redis involved, retried for a while if they hiccup. */
  'inbound-sms': {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3_600 },
  },
  /** Inbound email: a few quick retries, then the mail is quarantined with its reason (never lost). */
  'inbound-email': {
    attempts: 4,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3_600 },
  },
  /**
   * Copies by channel, so a slow SMS provider never holds up email. Transient provider errors
   * (SMTP 4xx, Twilio 429/5xx, timeouts) retry with exponential backoff: 1, 2, 4, 8, 16 s.
   * Permanent ones are recorded on the delivery and end the job without a retry.
   */
  'outbound-email': { attempts: 6, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: { age: 24 * 3_600 } },
  'outbound-sms': { attempts: 6, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: { age: 24 * 3_600 } },
  'outbound-fax': { attempts: 6, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: { age: 24 * 3_600 } },
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
  /** SMS the webhook stored (one or many, a single SMS is a batch of one): threaded, keyword applied or quarantined. */
  'inbound.sms-batch': {
    queue: 'inbound-sms',
    payload: z.object({ inboundSmsIds: z.array(z.uuid()).min(1).max(1_000) }),
  },
  /** A mail was stored raw from a mailbox: classify, thread and append it (idempotent per row). */
  'inbound.email-received': {
    queue: 'inbound-email',
    payload: z.object({ inboundEmailId: z.uuid() }),
  },
  /**
   * Mails stored together from one mailbox: processed as a batch (set-based threading, one write
   * transaction); any mail the batch cannot finish goes on alone as `inbound.email-received`.
   */
  'inbound.email-batch': {
    queue: 'inbound-email',
    payload: z.object({ inboundEmailIds: z.array(z.uuid()).min(1).max(1_000) }),
  },
  /** Send one delivery (a copy or a reply alert) by email; the job id is the delivery id. */
  'outbound.send-email': { queue: 'outbound-email', payload: z.object({ deliveryId: z.uuid() }) },
  /**
   * Email a link that sets a console password: an invitation to one account, or a reset to every
   * active account with this email (none: nothing is sent, and the requester is not told).
   */
  'outbound.password-link': {
    queue: 'outbound-email',
    payload: z.discriminatedUnion('purpose', [
      z.object({ purpose: z.literal('invitation'), userId: z.uuid() }),
      z.object({ purpose: z.literal('reset'), email: z.string().min(3).max(320) }),
    ]),
  },
  /** Send one SMS delivery through Twilio; the job id is the delivery id. */
  'outbound.send-sms': { queue: 'outbound-sms', payload: z.object({ deliveryId: z.uuid() }) },
  /** Send one fax delivery (PDF emailed to the company's gateway); the job id is the delivery id. */
  'outbound.send-fax': { queue: 'outbound-fax', payload: z.object({ deliveryId: z.uuid() }) },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<J extends JobName> = z.output<(typeof JOBS)[J]['payload']>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
