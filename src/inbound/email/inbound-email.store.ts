import { createHash } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { Mailbox } from '../../channels/mailbox.entity.js';
import { JobQueue } from '../../core/queue/job-queue.service.js';
import type { StoredMail } from '../imap/mailbox.port.js';
import { messageIds } from './parse-mail.js';

const HEADER_SCAN_BYTES = 256 * 1024;

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
 * + UID) before anything else happens to it, then a job is enqueued to process it. Storing the
 * same mail again is a no-op; enqueueing twice is deduplicated by the job id (the row id).
 */
@Injectable()
export class InboundEmailStore {
  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
  ) {}

  /** Stores one mail; returns its row id and whether it still needs processing. */
  async store(mailbox: Pick<Mailbox, 'id' | 'companyId'>, mail: StoredMail): Promise<{ id: string; pending: boolean }> {
    const contentHash = createHash('sha256').update(mail.source).digest('hex');
    const messageId = rawMessageId(mail.source);
    const connection = this.em.getConnection();
    const now = new Date();
    // insert … on conflict do nothing, then read: a re-fetch after a crash finds the first row.
    await connection.execute(
      `insert into inbound_email (id, created_at, updated_at, company_id, mailbox_id, uid_validity, uid, message_id_header, content_hash, dedup_key, size, raw, status)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received')
       on conflict (mailbox_id, uid_validity, uid) do nothing`,
      [uuidv7(), now, now, mailbox.companyId, mailbox.id, mail.uidValidity.toString(), mail.uid, messageId, contentHash, messageId ? `mid:${messageId}` : `sha256:${contentHash}`, mail.source.length, mail.source],
    );
    const [row] = await connection.execute<{ id: string; status: string }[]>(
      'select id, status from inbound_email where mailbox_id = ? and uid_validity = ? and uid = ?',
      [mailbox.id, mail.uidValidity.toString(), mail.uid],
    );
    return { id: row.id, pending: row.status === 'received' };
  }

  async enqueue(inboundEmailId: string): Promise<void> {
    await this.queue.enqueue('inbound.email-received', { inboundEmailId }, { jobId: inboundEmailId });
  }

  /** Rows stored but never processed (a crash between store and enqueue, a lost job): enqueued again. */
  async requeuePending(mailboxId: string): Promise<number> {
    const rows = await this.em.getConnection().execute<{ id: string }[]>(
      `select id from inbound_email where mailbox_id = ? and status = 'received' order by id limit 10000`,
      [mailboxId],
    );
    for (const row of rows) await this.enqueue(row.id);
    return rows.length;
  }
}
