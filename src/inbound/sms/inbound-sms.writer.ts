import { boundSql } from '../../core/database/sql-rows.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { newId } from '../../core/database/new-id.js';
import { JobQueue } from '../../core/queue/job-queue.service.js';
import type { InboundSmsMedia, InboundSmsStatus } from './inbound-sms.entity.js';
import { MicroBatch } from '../../core/batching/micro-batch.js';

/** An SMS to store as received, as the webhook checked it. */
export interface NewInboundSms {
  companyId: string;
  messageSid: string;
  accountSid: string;
  smsNumberId: string;
  fromRaw: string;
  toRaw: string;
  body: string;
  media: InboundSmsMedia[];
  params: Record<string, string>;
}

/** The stored row of a MessageSid: this request's, or the one a previous delivery of it stored. */
export interface StoredInboundSms {
  id: string;
  status: InboundSmsStatus;
}

/** Rows per INSERT: well under PostgreSQL's parameter limit, and a batch stays a few milliseconds of work. */
const MAX_ROWS = 200;
/** Statements running at once, below the pool size so the rest of the API keeps connections. */
const MAX_STATEMENTS = 4;
/** Enqueueing is only a head start (the sweeper catches up): a batch gives up on Redis after this. */
const ENQUEUE_TIMEOUT_MS = 1_000;
/** SMS per job: the worker threads them as one batch. */
const MAX_JOBS = 500;
/**
 * A job gathers the SMS stored within this delay: the worker's statements per batch are mostly
 * fixed, so larger batches cost it (and PostgreSQL) less per SMS. Nobody waits on it but the thread.
 */
const JOB_GATHER_MS = 100;

/**
 * The webhook's writes, batched across concurrent requests: the SMS that arrive together are
 * inserted by one statement (one round trip, one commit) and each request is answered when the
 * statement that holds its row has committed; they go to the worker as one job after that.
 * A statement either stores all its rows or none; when it fails, its rows are tried one by one, so
 * a row PostgreSQL refuses fails its own request only.
 */
@Injectable()
export class InboundSmsWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('inbound-sms');
  private readonly inserts = new MicroBatch<NewInboundSms, StoredInboundSms>((rows) => this.insertOrSplit(rows), {
    maxBatch: MAX_ROWS,
    maxInFlight: MAX_STATEMENTS,
  });
  private readonly jobs = new MicroBatch<string, void>((ids) => this.enqueueAll(ids), { maxBatch: MAX_JOBS, maxInFlight: 2, waitMs: JOB_GATHER_MS });

  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
  ) {}

  /** Stores the SMS unless its MessageSid is stored already; resolves once committed, with the stored row. */
  store(sms: NewInboundSms): Promise<StoredInboundSms> {
    return this.inserts.add(sms);
  }

  /**
   * Offers a stored SMS to the worker, in one job with the others stored within JOB_GATHER_MS. Not awaited by
   * the webhook: once stored the SMS is safe, and when Redis cannot take the job (down, or slow) the
   * worker's sweeper enqueues it later. An SMS offered twice (a retried webhook) is processed once:
   * the worker skips what is no longer `received`.
   */
  enqueue(inboundSmsId: string): void {
    void this.jobs.add(inboundSmsId);
  }

  /** Lets the writes and enqueues under way finish before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.inserts.drained();
    await this.jobs.drained();
  }

  private async insertOrSplit(rows: NewInboundSms[]): Promise<PromiseSettledResult<StoredInboundSms>[]> {
    try {
      const stored = await this.insert(rows);
      return rows.map((row) => ({ status: 'fulfilled', value: stored.get(row.messageSid)! }));
    } catch (error) {
      if (rows.length === 1) return [{ status: 'rejected', reason: error }];
      return Promise.allSettled(rows.map(async (row) => (await this.insert([row])).get(row.messageSid)!));
    }
  }

  /** One statement inserts the rows (each MessageSid once); the MessageSids stored before are read after it. */
  private async insert(rows: NewInboundSms[]): Promise<Map<string, StoredInboundSms>> {
    const unique = new Map<string, NewInboundSms>();
    for (const row of rows) if (!unique.has(row.messageSid)) unique.set(row.messageSid, row);
    const values: unknown[] = [];
    for (const row of unique.values()) {
      values.push(newId(), row.companyId, row.messageSid, row.accountSid, row.smsNumberId, row.fromRaw, row.toRaw, row.body, JSON.stringify(row.media), JSON.stringify(row.params));
    }
    const inserted = await boundSql<{ id: string; message_sid: string }>(
      this.em,
      `insert into inbound_sms (id, created_at, updated_at, company_id, message_sid, account_sid, sms_number_id, from_raw, to_raw, body, media, params, status)
       values ${[...unique.keys()].map(() => "(?, now(), now(), ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, 'received')").join(', ')}
       on conflict (message_sid) do nothing returning id, message_sid`,
      values,
    );
    const stored = new Map<string, StoredInboundSms>(inserted.map((row) => [row.message_sid, { id: row.id, status: 'received' }]));
    const before = [...unique.keys()].filter((sid) => !stored.has(sid));
    if (before.length > 0) {
      const existing = await boundSql<{ id: string; status: InboundSmsStatus; message_sid: string }>(
        this.em,
        `select id, status, message_sid from inbound_sms where message_sid in (${before.map(() => '?').join(', ')})`,
        before,
      );
      for (const row of existing) stored.set(row.message_sid, { id: row.id, status: row.status });
    }
    const lost = [...unique.keys()].find((sid) => !stored.has(sid));
    if (lost) throw new Error(`MessageSid ${lost} was neither inserted nor found`);
    return stored;
  }

  /** The SMS stored together go to the worker as one job (threaded as a batch). */
  private async enqueueAll(ids: string[]): Promise<PromiseSettledResult<void>[]> {
    const unique = [...new Set(ids)];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.queue.enqueue('inbound.sms-batch', { inboundSmsIds: unique }), timeout]);
    } catch (error) {
      this.logger.warn(`${unique.length} inbound SMS stored but not enqueued (${(error as Error).message}); the sweeper will enqueue them`);
    } finally {
      clearTimeout(timer);
    }
    return ids.map(() => ({ status: 'fulfilled', value: undefined }));
  }
}
