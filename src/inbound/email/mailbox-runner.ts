import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { Mailbox } from '../../channels/mailbox.entity.js';
import { mailboxSettings } from '../../channels/mailboxes.service.js';
import type { SecretBox } from '../../core/crypto/secret-box.js';
import type { MailboxClient, MailboxSession } from '../../channels/imap/mailbox.port.js';
import { boundSql } from '../../core/database/sql-rows.js';
import type { InboundEmailStatus } from './inbound-email.entity.js';
import type { InboundEmailStore } from './inbound-email.store.js';

const BATCH = 200;
/** Bytes of mail fetched and stored per round (one mail larger than this goes alone). */
const BATCH_BYTES = 32 * 1024 * 1024;
const MOVE_CHECK_MS = 1_000;
/** Finished mails moved per round. */
const MOVE_BATCH = 1_000;
const MAX_BACKOFF_MS = 60_000;
/** Mail of a folder still to move (mailbox, UIDVALIDITY), in UID order: the pending-move index. */
export const TO_MOVE_SQL = `select id, uid, status from inbound_email where mailbox_id = ? and uid_validity = ? and moved_at is null order by uid limit ${MOVE_BATCH}`;

export interface RunnerDeps {
  em: EntityManager;
  client: MailboxClient;
  store: InboundEmailStore;
  box: SecretBox;
  config: AppConfig;
  logger: Logger;
}

/**
 * Holds one mailbox while this worker owns it: connects, catches up from the cursor, then waits on
 * IDLE (or the safety poll) and stores each new mail; moves finished mail to the processed or
 * failed folder; reconnects with exponential backoff after any failure. Never processes mail
 * itself: the jobs do, so a poison mail cannot stall the mailbox.
 */
export class MailboxRunner {
  private stopped = false;
  private wake: (() => void) | null = null;
  private pendingSignal = false;
  private lost: string | null = null;
  private generation = 0;
  private readonly done: Promise<void>;

  constructor(
    readonly mailboxId: string,
    private readonly deps: RunnerDeps,
  ) {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.signal();
    await this.done;
  }

  /** Read through a method: set by the session's close callback, which the compiler cannot see. */
  private lostReason(): string | null {
    return this.lost;
  }

  private signal(): void {
    this.pendingSignal = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    let backoff = 1_000;
    while (!this.stopped) {
      let session: MailboxSession | null = null;
      try {
        const mailbox = await this.mailbox();
        if (!mailbox) return;
        this.lost = null;
        session = await this.deps.client.connect(mailboxSettings(mailbox, this.deps.box), { maxIdleMs: this.deps.config.inbound.idleRestartMs });
        await session.ensureFolder(mailbox.processedFolder);
        await session.ensureFolder(mailbox.failedFolder);
        await this.deps.store.requeuePending(mailbox.id);
        // A closed session's late events must not touch the next one: each session has its generation.
        const generation = ++this.generation;
        await session.watch(mailbox.folder, () => this.signal(), (reason) => {
          if (generation !== this.generation) return;
          this.lost = reason;
          this.signal();
        });
        await this.note({ lastConnectedAt: new Date(), lastError: null });
        backoff = 1_000;
        while (!this.stopped && this.lostReason() === null) {
          this.pendingSignal = false;
          await this.catchUp(session, mailbox);
          const waiting = await this.moveFinished(session, mailbox);
          // IDLE (or imapflow's STATUS polling where IDLE is missing) wakes the loop on new mail; the
          // timer is the safety poll, and a short one while processed mail still waits to be moved.
          await this.sleep(waiting ? MOVE_CHECK_MS : this.deps.config.inbound.pollIntervalMs);
        }
        const lost = this.lostReason();
        if (lost !== null) throw new Error(`connection lost: ${lost}`);
      } catch (error) {
        const message = (error as Error).message;
        this.deps.logger.warn(`mailbox ${this.mailboxId}: ${message}; reconnecting in ${backoff} ms`);
        await this.note({ lastError: message.slice(0, 1000) }).catch(() => undefined);
        // Mail announcements of the dead session must not shorten the backoff: only stop() does.
        if (!this.stopped) await this.sleep(backoff + Math.floor(Math.random() * 250), false);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        this.generation += 1;
        await session?.close().catch(() => undefined);
      }
    }
  }

  /** Stores every mail after the cursor, in UID order, then moves the cursor past them. */
  private async catchUp(session: MailboxSession, mailbox: Mailbox): Promise<void> {
    const state = await session.folderState(mailbox.folder);
    const stored = await this.cursor(mailbox);
    let cursor = { uidValidity: state.uidValidity.toString(), uid: stored.uid };
    if (stored.uidValidity !== cursor.uidValidity) {
      // UIDs of the old UIDVALIDITY name nothing any more: rescan the folder from the start;
      // mail already stored under the old numbering is recognised as duplicate (Message-ID, hash).
      if (stored.uidValidity !== null) this.deps.logger.warn(`mailbox ${mailbox.id}: UIDVALIDITY ${stored.uidValidity} → ${state.uidValidity}, rescanning`);
      cursor = { uidValidity: state.uidValidity.toString(), uid: 0 };
      await this.saveCursor(cursor);
    }
    for (;;) {
      if (this.stopped) return;
      const batch = await session.fetchAfter(mailbox.folder, cursor.uid, BATCH, BATCH_BYTES);
      if (batch.length === 0) return;
      if (batch[0].uidValidity.toString() !== cursor.uidValidity) return; // changed meanwhile: next round rescans
      // Durable first: the batch is in PostgreSQL before any job exists for it.
      await this.deps.store.enqueueBatch(await this.deps.store.storeBatch(mailbox, batch));
      cursor = { uidValidity: cursor.uidValidity, uid: batch[batch.length - 1].uid };
      await this.saveCursor(cursor);
    }
  }

  /**
   * Flags and moves mail whose processing committed: to the processed folder, or to the failed
   * folder when quarantined. Returns whether mail of this folder still waits to be moved.
   */
  private async moveFinished(session: MailboxSession, mailbox: Mailbox): Promise<boolean> {
    const cursor = await this.cursor(mailbox);
    if (cursor.uidValidity === null) return false;
    const em = this.deps.em.fork();
    // Plain rows, up to a thousand a round: no entities to build.
    const rows = await boundSql<{ id: string; uid: string; status: InboundEmailStatus }>(em, TO_MOVE_SQL, [mailbox.id, cursor.uidValidity]);
    const finished = rows.filter((row) => row.status !== 'received');
    const failed = finished.filter((row) => row.status === 'quarantined');
    const processed = finished.filter((row) => row.status !== 'quarantined');
    const uidValidity = BigInt(cursor.uidValidity);
    await session.moveMessages(mailbox.folder, uidValidity, processed.map((r) => Number(r.uid)), mailbox.processedFolder, ['\\Seen']);
    await session.moveMessages(mailbox.folder, uidValidity, failed.map((r) => Number(r.uid)), mailbox.failedFolder, ['\\Flagged']);
    if (finished.length > 0) await boundSql(em, `update inbound_email set moved_at = now() where id = any(?::uuid[])`, [finished.map((r) => r.id)]);
    // More to move (a full round) or still being processed: look again shortly.
    return rows.length > finished.length || rows.length === MOVE_BATCH;
  }

  private async mailbox(): Promise<Mailbox | null> {
    return this.deps.em.fork().findOne(Mailbox, { id: this.mailboxId, active: true });
  }

  private async cursor(mailbox: Mailbox): Promise<{ uidValidity: string | null; uid: number }> {
    const fresh = await this.deps.em.fork().findOne(Mailbox, { id: mailbox.id }, { fields: ['cursorUidValidity', 'cursorUid'] });
    return { uidValidity: fresh?.cursorUidValidity ?? null, uid: fresh?.cursorUid ?? 0 };
  }

  private async saveCursor(cursor: { uidValidity: string; uid: number }): Promise<void> {
    await this.note({ cursorUidValidity: cursor.uidValidity, cursorUid: cursor.uid });
  }

  private async note(fields: Partial<Pick<Mailbox, 'cursorUidValidity' | 'cursorUid' | 'lastError' | 'lastConnectedAt'>>): Promise<void> {
    await this.deps.em.fork().nativeUpdate(Mailbox, { id: this.mailboxId }, fields);
  }

  /** Waits for `ms`, or less when the runner is stopped or (`wakeOnMail`) the server announces mail. */
  private sleep(ms: number, wakeOnMail = true): Promise<void> {
    if (this.stopped || (wakeOnMail && this.pendingSignal)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        if (!wakeOnMail && !this.stopped) return;
        this.wake = null;
        done();
      };
    });
  }
}
