import { EntityManager } from '@mikro-orm/postgresql';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job } from 'bullmq';
import { boundSql, unnestRows } from '../../core/database/sql-rows.js';
import { NotFoundError } from '../../core/errors/domain-error.js';
import { HandlesJob } from '../../core/queue/job-handler.decorator.js';
import { isWorkerProcess } from '../../core/queue/queue-workers.js';
import type { JobPayload } from '../../core/queue/jobs.js';
import { type AppendedEntry, InboundAppend, type InboundEntryInput } from '../../conversations/inbound-append.js';
import type { QuarantineItem } from '../quarantine/quarantine-item.entity.js';
import { QuarantineService } from '../quarantine/quarantine.service.js';
import { authenticateSender } from './authentication-results.js';
import { SentCopies } from '../../outbound/sent-copies.js';
import { classify, type MailKind } from './classify.js';
import { InboundEmail, type InboundEmailStatus } from './inbound-email.entity.js';
import { InboundEmailStore } from './inbound-email.store.js';
import { type ParsedInbound, parseMail } from './parse-mail.js';
import { ParsePool } from './parse-pool.js';
import { Quarantined, quarantinePreview } from './quarantined.js';
import { type SenderCheck, type ThreadMatch, ThreadMatcher } from './thread-matcher.service.js';
import { MailEntries, type StoredRow } from './mail-entries.js';
import { MailRouting } from './mail-routing.js';
import { quarantinedMailReader } from './quarantined-mail.js';


/** A stored row as read for processing, with the first row carrying the same mail. */
interface LoadedRow {
  id: string;
  company_id: string;
  status: InboundEmailStatus;
  raw: Buffer;
  first_id: string;
  mailbox_id: string;
  created_at: Date;
  /** The authserv-id whose Authentication-Results the row's mailbox trusts. */
  trusted_authserv_id: string | null;
}

/** A mail of a batch on its way to the batch's write. */
interface BatchMail {
  row: StoredRow;
  mail: ParsedInbound;
  kind: MailKind;
  trusted: string | null;
}

/**
 * Turns a stored mail into its outcome, exactly once: a duplicate (same Message-ID or bytes seen
 * before) is recognised; our own mail coming back is a loop; a bounce fails the original delivery;
 * an auto-reply is recorded on its thread as automatic; a reply is threaded (token, Message-ID,
 * subject tag), its sender checked, its text trimmed, its files kept; anything else is quarantined
 * with its reason. The row's final status is written after the thread write committed, and the
 * watcher moves the mail out of the folder only then.
 */
@Injectable()
export class InboundEmailProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('inbound-email');
  /** Parsing off the main thread, in the worker process (the API parses the odd mail itself). */
  private readonly parser = new ParsePool();

  constructor(
    private readonly em: EntityManager,
    private readonly matcher: ThreadMatcher,
    private readonly quarantine: QuarantineService,
    private readonly entries: MailEntries,
    private readonly sent: SentCopies,
    private readonly replies: InboundAppend,
    private readonly store: InboundEmailStore,
    private readonly routing: MailRouting,
    private readonly moduleRef: ModuleRef,
  ) {
    this.quarantine.registerAssigner('email', (item, messageId) => this.assign(item, messageId));
    this.quarantine.registerRerouter('email', (item) => this.routing.reroute(item));
    this.quarantine.registerReader('email', quarantinedMailReader(this.em));
  }

  /** The worker starts its parsing thread with its other connections, before it takes jobs. */
  async onApplicationBootstrap(): Promise<void> {
    if (isWorkerProcess(this.moduleRef)) await this.parser.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.parser.close();
  }

  @HandlesJob('inbound.email-received')
  async handle(payload: JobPayload<'inbound.email-received'>, job: Job): Promise<void> {
    try {
      await this.process(payload.inboundEmailId);
    } catch (error) {
      // The last attempt quarantines the mail instead of failing: it never blocks its mailbox.
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 < attempts) throw error;
      this.logger.warn(`inbound email ${payload.inboundEmailId} failed ${attempts} times: ${(error as Error).message}`);
      const row = await this.em.fork().findOne(InboundEmail, { id: payload.inboundEmailId });
      if (row) await this.toQuarantine(row, null, new Quarantined('processing_failed', (error as Error).message));
    }
  }

  @HandlesJob('inbound.email-batch')
  async handleBatch(payload: JobPayload<'inbound.email-batch'>, job: Job): Promise<void> {
    try {
      await this.processBatch(payload.inboundEmailIds);
    } catch (error) {
      // The batch is retried as a whole a few times (a database or Redis hiccup), then its mails
      // go on alone, each with its own retries and quarantine: none stays unprocessed.
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 < attempts) throw error;
      this.logger.warn(`a batch of ${payload.inboundEmailIds.length} inbound emails failed ${attempts} times (${(error as Error).message}): each goes on alone`);
      await this.store.enqueue(payload.inboundEmailIds);
    }
  }

  /**
   * The rows and, for each, the first row carrying the same mail: one query. The raw bytes come
   * from the store's hand-off when this process stored the row, else from the row.
   */
  private async load(ids: string[]): Promise<LoadedRow[]> {
    const handed = new Map<string, Buffer>();
    for (const id of ids) {
      const raw = this.store.takeRaw(id);
      if (raw) handed.set(id, raw);
    }
    const rows = await boundSql<LoadedRow>(
      this.em.fork(),
      `select e.id, e.company_id, e.status, e.mailbox_id, e.created_at, case when e.id = any(?::uuid[]) then null else e.raw end as raw,
              (select f.id from inbound_email f where f.company_id = e.company_id and f.dedup_key = e.dedup_key order by f.id limit 1) as first_id,
              (select m.trusted_authserv_id from mailbox m where m.id = e.mailbox_id) as trusted_authserv_id
         from inbound_email e where e.id = any(?::uuid[]) order by e.id`,
      [[...handed.keys()], ids],
    );
    for (const row of rows) row.raw ??= handed.get(row.id)!;
    return rows;
  }

  /**
   * The backlog's path: the rows of one batch are read in one query, parsed, matched with one
   * query per kind of reference, and their replies, history lines, outcomes and staff alerts
   * written in one transaction. What the batch does not finish itself goes on alone, through the
   * one-mail job and its retries: duplicates aside, anything but a reply from a known party
   * (loops, bounces, no sender, no thread, sender mismatch, unparsable), a mail whose files could
   * not be kept, and every mail of a batch whose write failed.
   */
  async processBatch(ids: string[]): Promise<void> {
    const alone: string[] = [];
    const duplicates: { id: string; outcome: string }[] = [];
    let mails: BatchMail[] = [];
    const first: LoadedRow[] = [];
    for (const found of await this.load(ids)) {
      if (found.status !== 'received') continue;
      if (found.first_id === found.id) first.push(found);
      else duplicates.push({ id: found.id, outcome: `duplicate of ${found.first_id}` });
    }
    // All mails of the batch at once: the thread parses them while the main thread writes other batches.
    const parsed = await this.parser.parseMany(first.map((found) => found.raw));
    for (const [i, found] of first.entries()) {
      const row: StoredRow = { id: found.id, companyId: found.company_id };
      const mail = parsed[i].mail;
      let kind: MailKind;
      try {
        if (!mail) throw new Error(parsed[i].error); // mailparser refused it
        kind = classify(mail);
      } catch {
        alone.push(row.id); // quarantined as unparsable by the one-mail path, with the parser's reason
        continue;
      }
      // Bounces and mail without a sender are finished one by one.
      if (kind.kind === 'bounce' || !mail.fromAddress) alone.push(row.id);
      else mails.push({ row, mail, kind, trusted: found.trusted_authserv_id });
    }
    if (duplicates.length > 0) await this.store.finishMany(duplicates.map((d) => ({ ...d, status: 'duplicate' as const })));
    const own = await this.matcher.ownMessages(mails.map((m) => m.mail));
    mails = mails.filter((m) => {
      const loop = m.mail.messageId !== null && own.has(m.mail.messageId.toLowerCase());
      if (loop) alone.push(m.row.id);
      return !loop;
    });
    // One lookup per kind of reference for the whole batch, whatever company's mailbox each mail
    // came from: a reply belongs to the company that issued its token, Message-ID or tag.
    const matches = await this.matcher.match(mails.map((m) => m.mail));
    const senders = new Map<string, SenderCheck>();
    const ready: { mail: BatchMail; match: ThreadMatch; sender: SenderCheck }[] = [];
    for (const [i, batchMail] of mails.entries()) {
      const match = matches[i];
      const { row, mail } = batchMail;
      if (!match) {
        alone.push(row.id);
        continue;
      }
      const from = mail.fromAddress!;
      const key = `${match.messageId} ${match.delivery?.id ?? ''} ${from}`;
      if (!senders.has(key)) senders.set(key, await this.matcher.checkSender(match, from));
      const sender = senders.get(key)!;
      // A refused or unverified sender is quarantined by the one-mail path, with its reason.
      if (!sender.allowed || authenticateSender(mail.authenticationResults, batchMail.trusted, from).verdict === 'unverified') {
        alone.push(row.id);
        continue;
      }
      ready.push({ mail: batchMail, match, sender });
    }
    const moving = ready.filter((r) => r.match.companyId !== r.mail.row.companyId);
    const moved = await this.store.adopt(moving.map((r) => ({ id: r.mail.row.id, from: r.mail.row.companyId, to: r.match.companyId })));
    const inputs: { row: StoredRow; input: InboundEntryInput }[] = [];
    const movedDuplicates: { id: string; outcome: string }[] = [];
    for (const { mail: batchMail, match, sender } of ready) {
      const { row, mail, kind } = batchMail;
      if (match.companyId !== row.companyId) {
        if (!moved.has(row.id)) continue; // another run finished it meanwhile
        row.companyId = match.companyId;
        const first = moved.get(row.id);
        if (first) {
          movedDuplicates.push({ id: row.id, outcome: `duplicate of ${first}` });
          continue;
        }
      }
      try {
        inputs.push({ row, input: await this.entries.input(row, mail, match.messageId, kind.kind === 'automatic', sender.authorUserId) });
      } catch {
        alone.push(row.id);
      }
    }
    if (movedDuplicates.length > 0) await this.store.finishMany(movedDuplicates.map((d) => ({ ...d, status: 'duplicate' as const })));
    if (inputs.length > 0) {
      try {
        await this.appendAll(inputs);
      } catch (error) {
        this.logger.warn(`a batch of ${inputs.length} inbound emails could not be written together (${(error as Error).message}): each goes on alone`);
        alone.push(...inputs.map((i) => i.row.id));
      }
    }
    await this.store.enqueue(alone);
  }

  async process(id: string): Promise<void> {
    const [found] = await this.load([id]);
    if (!found || found.status !== 'received') return;
    const row: StoredRow = { id: found.id, companyId: found.company_id, mailboxId: found.mailbox_id, receivedAt: new Date(found.created_at) };
    if (found.first_id !== row.id) return this.store.finish(row.id, 'duplicate', { outcome: `duplicate of ${found.first_id}` });
    let mail: ParsedInbound;
    try {
      mail = await this.parser.parse(found.raw);
    } catch (error) {
      // Parsing is deterministic: a mail mailparser refuses (e.g. MIME nested past its limits) is
      // quarantined at once rather than retried.
      return this.toQuarantine(row, null, new Quarantined('unparsable', `The MIME structure could not be parsed: ${(error as Error).message}`));
    }
    try {
      await this.route(row, mail, found.trusted_authserv_id);
    } catch (error) {
      if (!(error instanceof Quarantined)) throw error;
      await this.toQuarantine(row, mail, error);
    }
  }

  private async route(row: StoredRow, mail: ParsedInbound, trustedAuthservId: string | null): Promise<void> {
    if (mail.messageId && (await this.matcher.ownMessages([mail])).has(mail.messageId.toLowerCase())) return this.store.finish(row.id, 'loop', { outcome: `our own message ${mail.messageId} came back` });
    const kind = classify(mail);
    // Before the sender check: some delivery reports come without a usable From.
    if (kind.kind === 'bounce') {
      const failed = await this.sent.recordBounce(kind.originalMessageIds, kind.diagnostic);
      if (!failed) throw new Quarantined('bounce_unmatched', `Delivery report naming none of our messages: ${kind.diagnostic}`);
      if (!(await this.handTo(row, failed.companyId))) return;
      return this.store.finish(row.id, 'bounce', { outcome: `delivery ${failed.deliveryId} failed: ${kind.diagnostic}` });
    }
    if (!mail.fromAddress) throw new Quarantined('unparsable', 'No sender address could be read from the mail (malformed or not a mail)');
    const [match] = await this.matcher.match([mail]);
    if (!match) return this.unthreaded(row, mail, kind);
    const sender = await this.matcher.checkSender(match, mail.fromAddress);
    // A tag is short and retyped by people: a stranger's mail to this mailbox whose subject
    // happens to carry another company's tag stays here, it is not handed to that company.
    if (match.companyId !== row.companyId && !sender.allowed && match.via === 'subject-tag') return this.unthreaded(row, mail, kind);
    // Everything else about the mail (quarantine item, files, outcome) is the thread's company's.
    if (!(await this.handTo(row, match.companyId))) return;
    if (!sender.allowed) {
      throw new Quarantined('sender_mismatch', `${mail.fromAddress} is not a party of the thread it answers (matched by ${match.via})`, match.messageId);
    }
    const authentication = authenticateSender(mail.authenticationResults, trustedAuthservId, mail.fromAddress);
    if (authentication.verdict === 'unverified') {
      throw new Quarantined('sender_unverified', `The receiving server could not verify that ${mail.fromAddress} sent this mail (${authentication.detail})`, match.messageId);
    }
    const automatic = kind.kind === 'automatic';
    await this.append(row, mail, match.messageId, automatic, sender.authorUserId);
  }

  /**
   * A mail no thread was waiting for goes to the company's routing rules (first match wins); with
   * none, or one that sends it there, to the quarantine. The rule's outcome is written with what it
   * did, in one transaction; the row records the rule.
   */
  private async unthreaded(row: StoredRow, mail: ParsedInbound, kind: MailKind): Promise<void> {
    const noThread = 'No reply token, Message-ID or reference tag of ours in the mail';
    const result = await this.routing.route(row, { ...mail, fromAddress: mail.fromAddress! }, kind);
    if (!result) throw new Quarantined('no_thread', noThread);
    if (!result.done) throw new Quarantined('no_thread', result.reason ?? noThread, null, result.label, result.ruleId);
  }

  /**
   * Hands the row to the company its mail concerns when that is not the mailbox's (see
   * InboundEmailStore.adopt). False when there is nothing left to do: another run finished the row,
   * or that company had the mail already (the row is finished as its duplicate).
   */
  private async handTo(row: StoredRow, companyId: string): Promise<boolean> {
    if (companyId === row.companyId) return true;
    const moved = await this.store.adopt([{ id: row.id, from: row.companyId, to: companyId }]);
    if (!moved.has(row.id)) return false;
    row.companyId = companyId;
    const first = moved.get(row.id);
    if (first) await this.store.finish(row.id, 'duplicate', { outcome: `duplicate of ${first}` });
    return !first;
  }

  /** One mail's reply and outcome: `appendAll` of one. */
  private async append(row: StoredRow, mail: ParsedInbound, messageId: string, automatic: boolean, authorUserId: string | null): Promise<string> {
    const [appended] = await this.appendAll([{ row, input: await this.entries.input(row, mail, messageId, automatic, authorUserId) }]);
    return appended.entryId;
  }

  /**
   * The one transaction rule for mail, a batch or one: the replies (one per mail, ever), the mails'
   * outcomes and what conversation.replied records (staff alerts) commit together; alerts are queued
   * after. The outcome is a compare-and-set, as `finish`: a row another run finished keeps its own.
   */
  private appendAll(items: { row: StoredRow; input: InboundEntryInput }[]): Promise<AppendedEntry[]> {
    return this.replies.appendMany(
      items.map((i) => i.input),
      async (em, appended) => {
        const byKey = new Map(appended.map((a) => [a.inboundKey, a]));
        const outcomes = unnestRows(
          { id: 'uuid', status: 'text', thread: 'uuid', reply: 'uuid' },
          items.map(({ row, input }) => [row.id, input.automatic ? 'automatic' : 'threaded', input.conversationId, byKey.get(input.inboundKey)!.entryId]),
        );
        await boundSql(
          em,
          `update inbound_email e set status = v.status, conversation_id = v.thread, entry_id = v.reply, processed_at = now(), updated_at = now()
             from ${outcomes.from}
            where e.id = v.id and e.status in ('received', 'quarantined')`,
          outcomes.params,
        );
      },
    );
  }

  private async toQuarantine(row: StoredRow, mail: ParsedInbound | null, why: Quarantined): Promise<void> {
    await this.quarantine.quarantine({
      companyId: row.companyId,
      channel: 'email',
      sourceId: row.id,
      reason: why.reason,
      detail: why.detail,
      sender: mail?.fromAddress ?? null,
      subject: mail?.subject ?? null,
      preview: mail ? quarantinePreview(mail) : null,
      suggestedMessageId: why.suggestedMessageId,
      label: why.label,
      ruleId: why.ruleId,
      receivedBy: row.mailboxId ?? null,
    });
    await this.store.finish(row.id, 'quarantined', { outcome: why.label ? `${why.reason} (${why.label})` : why.reason, ruleId: why.ruleId });
  }

  /** An operator chose the thread of a quarantined mail: write it there as a reply. */
  private async assign(item: QuarantineItem, messageId: string): Promise<{ replyId: string }> {
    const row = await this.em.fork().findOne(InboundEmail, { id: item.sourceId, companyId: item.companyId }, { populate: ['raw'] });
    if (!row) throw new NotFoundError('The inbound email of this quarantine item');
    const mail = await parseMail(row.raw);
    return { replyId: await this.append(row, mail, messageId, classify(mail).kind === 'automatic', null) };
  }
}
