import { createHash } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { newId } from '../../core/database/new-id.js';
import type { Mailbox } from '../../channels/mailbox.entity.js';
import { boundSql, unnestRows } from '../../core/database/sql-rows.js';
import { JobQueue } from '../../core/queue/job-queue.service.js';
import { JOBS } from '../../core/queue/jobs.js';
import type { StoredMail } from '../../channels/imap/mailbox.port.js';
import { InboundEmail, type InboundEmailStatus } from './inbound-email.entity.js';
import { messageIds } from './parse-mail.js';

const HEADER_SCAN_BYTES = 256 * 1024;
/** Rows processed by one batch job. */
export const BATCH_JOB_SIZE = 200;
/** Raw mail kept in memory for its batch job, at most this many bytes (the oldest goes first). */
const HANDOFF_MAX_BYTES = 64 * 1024 * 1024;
/** A mailbox's rows never processed; still in the folder (only finished mail moves): the pending-move index. */
export const UNPROCESSED_SQL = `select id from inbound_email where mailbox_id = ? and moved_at is null and status = 'received' order by id limit 10000`;

/** The Message-ID of raw mail, read from its header block only (the body is not decoded here). */
export function rawMessageId(raw: Buffer): string | null {
  const head = raw.subarray(0, HEADER_SCAN_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const unfolded = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const line = /^Message-ID:[ \t]*(.*)$/im.exec(unfolded);
  return line ? (messageIds(line[1])[0]?.toLowerCase().slice(0, 998) ?? null) : null;
}

/**
 * Durable first: each fetched mail is written raw to PostgreSQL (unique per mailbox + UIDVALIDITY
 * + UID) before anything else happens to it, then a job is enqueued to process it (one job per
 * batch of stored rows; a row the batch cannot finish gets a job of its own). Storing the same
 * mail again is a no-op.
 */
@Injectable()
export class InboundEmailStore {
  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
  ) {}

  /**
   * Raw bytes of rows this process stored and has not processed yet, by row id: the batch job,
   * which almost always runs in the process whose watcher stored the mail, takes them from here
   * instead of reading back what it wrote a moment ago. A job elsewhere, or after a restart, reads
   * the row. Only rows inserted by this process are kept, so the bytes are the row's.
   */
  private readonly handoff = new Map<string, Buffer>();
  private handoffBytes = 0;

  /**
   * Stores a batch of fetched mails in one statement; returns the ids of the rows still to process
   * (new ones, and earlier ones a crash left unprocessed), in UID order.
   */
  async storeBatch(mailbox: Pick<Mailbox, 'id' | 'companyId'>, mails: StoredMail[]): Promise<string[]> {
    if (mails.length === 0) return [];
    const values: unknown[] = [];
    const ids = new Map<string, Buffer>();
    for (const mail of mails) {
      const contentHash = createHash('sha256').update(mail.source).digest('hex');
      const messageId = rawMessageId(mail.source);
      const dedupKey = messageId ? `mid:${messageId}` : `sha256:${contentHash}`;
      const id = newId();
      ids.set(id, mail.source);
      values.push(id, mailbox.companyId, mailbox.id, mail.uidValidity.toString(), mail.uid, messageId, contentHash, dedupKey, mail.source.length, mail.source);
    }
    const em = this.em.fork();
    // insert … on conflict do nothing: a re-fetch after a crash leaves the first row in place.
    // Bound parameters: the raw bytes travel as binary, not as hex inside the statement.
    const inserted = await boundSql<{ id: string }>(
      em,
      `insert into inbound_email (id, created_at, updated_at, company_id, mailbox_id, uid_validity, uid, message_id_header, content_hash, dedup_key, size, raw)
       values ${mails.map(() => '(?, now(), now(), ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       on conflict (mailbox_id, uid_validity, uid) do nothing returning id`,
      values,
    );
    for (const { id } of inserted) this.keep(id, ids.get(id)!);
    // All new: they are the rows to process, in the fetch's (UID) order. Otherwise some were
    // stored before (a re-fetch after a crash): those not yet processed are read back.
    if (inserted.length === mails.length) return [...ids.keys()];
    const rows = await boundSql<{ id: string }>(
      em,
      `select id from inbound_email where mailbox_id = ? and uid_validity = ? and uid = any(?::bigint[]) and status = 'received' order by uid`,
      [mailbox.id, mails[0].uidValidity.toString(), mails.map((mail) => mail.uid)],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Hands rows still to process to the company whose thread they answer (a mailbox of one company
   * receives the replies to every company's copies: the reply domain is the deployment's). The
   * stored mail is that company's from then on, so nothing of it stays with the mailbox's owner:
   * the later copies of the same mail already finished there as its duplicates go along. One
   * statement for all rows; answers, for each row moved, the first earlier row of its new company
   * carrying the same mail (null: none, it is not a duplicate there). A row another run finished
   * meanwhile is not moved and not in the answer.
   */
  async adopt(rows: { id: string; from: string; to: string }[]): Promise<Map<string, string | null>> {
    if (rows.length === 0) return new Map();
    const moves = unnestRows({ id: 'uuid', previous: 'uuid', company: 'uuid' }, rows.map((row) => [row.id, row.from, row.to]));
    const moved = await boundSql<{ id: string; first_id: string | null }>(
      this.em.fork(),
      `with moved as (
         update inbound_email e set company_id = v.company, updated_at = now()
           from ${moves.from}
          where e.id = v.id and e.status = 'received'
         returning e.id, e.dedup_key, v.previous, v.company,
                   (select f.id from inbound_email f where f.company_id = v.company and f.dedup_key = e.dedup_key and f.id < e.id order by f.id limit 1) as first_id
       ), copies as (
         update inbound_email d set company_id = m.company, updated_at = now()
           from moved m
          where d.company_id = m.previous and d.dedup_key = m.dedup_key and d.id > m.id and d.status = 'duplicate'
       )
       select id, first_id from moved`,
      moves.params,
    );
    return new Map(moved.map((row) => [row.id, row.first_id]));
  }

  /** Compare-and-set on the status: of two racing runs, one writes the outcome. */
  async finish(
    id: string,
    status: InboundEmailStatus,
    fields: Partial<Pick<InboundEmail, 'outcome' | 'threadMessageId' | 'replyId' | 'ruleId'>>,
    from: InboundEmailStatus[] = ['received'],
  ): Promise<void> {
    await this.em.fork().nativeUpdate(InboundEmail, { id, status: { $in: from } }, { status, ...fields, processedAt: new Date() });
  }

  /** `finish` from `received` for many rows at once. */
  async finishMany(rows: { id: string; status: InboundEmailStatus; outcome: string }[]): Promise<void> {
    const outcomes = unnestRows({ id: 'uuid', status: 'text', outcome: 'text' }, rows.map((r) => [r.id, r.status, r.outcome]));
    await boundSql(
      this.em.fork(),
      `update inbound_email e set status = v.status, outcome = v.outcome, processed_at = now(), updated_at = now()
         from ${outcomes.from}
        where e.id = v.id and e.status = 'received'`,
      outcomes.params,
    );
  }

  /** The raw bytes this process stored for a row, handed over once (null: read the row). */
  takeRaw(id: string): Buffer | null {
    const raw = this.handoff.get(id);
    if (!raw) return null;
    this.handoff.delete(id);
    this.handoffBytes -= raw.length;
    return raw;
  }

  private keep(id: string, raw: Buffer): void {
    if (raw.length > HANDOFF_MAX_BYTES / 4) return;
    this.handoff.set(id, raw);
    this.handoffBytes += raw.length;
    // Jobs that never came (another process took them, a crash) must not hold memory for ever.
    for (const [oldest, bytes] of this.handoff) {
      if (this.handoffBytes <= HANDOFF_MAX_BYTES) break;
      this.handoff.delete(oldest);
      this.handoffBytes -= bytes.length;
    }
  }

  /** One job per row, the row id as job id: enqueueing the same row twice makes one job. */
  async enqueue(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const { queue, payload } = JOBS['inbound.email-received'];
    const jobs = ids.map((inboundEmailId) => ({ name: 'inbound.email-received', data: payload.parse({ inboundEmailId }), opts: { jobId: inboundEmailId } }));
    await this.queue.queue(queue).addBulk(jobs);
  }

  /**
   * One job for rows stored together (processed as a batch), at most BATCH_JOB_SIZE rows a job.
   * Job ids are never reused: a finished or failed job kept under the same id would swallow the
   * add; a row queued twice is processed once (its status and its reply's inbound key say so).
   */
  async enqueueBatch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const { queue, payload } = JOBS['inbound.email-batch'];
    const jobs = [];
    for (let i = 0; i < ids.length; i += BATCH_JOB_SIZE) {
      jobs.push({ name: 'inbound.email-batch', data: payload.parse({ inboundEmailIds: ids.slice(i, i + BATCH_JOB_SIZE) }), opts: { jobId: `batch-${newId()}` } });
    }
    await this.queue.queue(queue).addBulk(jobs);
  }

  /** Rows stored but never processed (a crash between store and enqueue, a lost job): enqueued again. */
  async requeuePending(mailboxId: string): Promise<number> {
    const rows = await boundSql<{ id: string }>(this.em, UNPROCESSED_SQL, [mailboxId]);
    await this.enqueueBatch(rows.map((row) => row.id));
    return rows.length;
  }
}
