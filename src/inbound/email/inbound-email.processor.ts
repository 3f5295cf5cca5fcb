import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { NotFoundError } from '../../core/errors/domain-error.js';
import { HandlesJob } from '../../core/queue/job-handler.decorator.js';
import type { JobPayload } from '../../core/queue/jobs.js';
import type { ReplyAttachment } from '../../messages/message.entity.js';
import { MessagesService } from '../../messages/messages.service.js';
import { ReplyAlerts } from '../../outbound/reply-alerts.service.js';
import type { QuarantineItem } from '../quarantine/quarantine-item.entity.js';
import { QuarantineService } from '../quarantine/quarantine.service.js';
import { AttachmentStorage } from './attachment-storage.js';
import { BounceRecorder } from './bounce-recorder.js';
import { classify } from './classify.js';
import { InboundEmail, type InboundEmailStatus } from './inbound-email.entity.js';
import { type ParsedInbound, parseMail } from './parse-mail.js';
import { replyText } from './reply-text.js';
import { ThreadMatcher } from './thread-matcher.service.js';

/** What processing needs of a stored mail besides its bytes. */
type StoredRow = Pick<InboundEmail, 'id' | 'companyId'>;

/** An inbound mail processing step gave up on the mail: it goes to quarantine with this reason. */
class Quarantined extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
    readonly suggestedMessageId: string | null = null,
  ) {
    super(`${reason}: ${detail}`);
  }
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
export class InboundEmailProcessor {
  private readonly logger = new Logger('inbound-email');

  constructor(
    private readonly em: EntityManager,
    private readonly matcher: ThreadMatcher,
    private readonly messages: MessagesService,
    private readonly quarantine: QuarantineService,
    private readonly storage: AttachmentStorage,
    private readonly bounces: BounceRecorder,
    private readonly alerts: ReplyAlerts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.quarantine.registerAssigner('email', (item, messageId) => this.assign(item, messageId));
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

  async process(id: string): Promise<void> {
    // One query for the row and the first row carrying the same mail (the hot path of a backlog).
    const [found] = await this.em.getConnection().execute<{ id: string; company_id: string; status: InboundEmailStatus; raw: Buffer; first_id: string }[]>(
      `select e.id, e.company_id, e.status, e.raw,
              (select f.id from inbound_email f where f.company_id = e.company_id and f.dedup_key = e.dedup_key order by f.id limit 1) as first_id
         from inbound_email e where e.id = ?`,
      [id],
    );
    if (!found || found.status !== 'received') return;
    const row: StoredRow = { id: found.id, companyId: found.company_id };
    if (found.first_id !== row.id) return this.finish(row, 'duplicate', { outcome: `duplicate of ${found.first_id}` });
    let mail: ParsedInbound;
    try {
      mail = await parseMail(found.raw);
    } catch (error) {
      // Parsing is deterministic: a mail mailparser refuses (e.g. MIME nested past its limits) is
      // quarantined at once rather than retried.
      return this.toQuarantine(row, null, new Quarantined('unparsable', `The MIME structure could not be parsed: ${(error as Error).message}`));
    }
    try {
      await this.route(row, mail);
    } catch (error) {
      if (!(error instanceof Quarantined)) throw error;
      await this.toQuarantine(row, mail, error);
    }
  }

  private async route(row: StoredRow, mail: ParsedInbound): Promise<void> {
    if (await this.matcher.isOwnMessage(mail)) return this.finish(row, 'loop', { outcome: `our own message ${mail.messageId} came back` });
    const kind = classify(mail);
    // Before the sender check: some delivery reports come without a usable From.
    if (kind.kind === 'bounce') {
      const failed = await this.bounces.record(row.companyId, kind.originalMessageIds, kind.diagnostic);
      if (!failed) throw new Quarantined('bounce_unmatched', `Delivery report naming none of our messages: ${kind.diagnostic}`);
      return this.finish(row, 'bounce', { outcome: `delivery ${failed} failed: ${kind.diagnostic}` });
    }
    if (!mail.fromAddress) throw new Quarantined('unparsable', 'No sender address could be read from the mail (malformed or not a mail)');
    const match = await this.matcher.match(row.companyId, mail);
    if (!match) throw new Quarantined('no_thread', 'No reply token, Message-ID or reference tag of ours in the mail');
    const sender = await this.matcher.checkSender(match, mail.fromAddress);
    if (!sender.allowed) {
      throw new Quarantined('sender_mismatch', `${mail.fromAddress} is not a party of the thread it answers (matched by ${match.via})`, match.messageId);
    }
    const automatic = kind.kind === 'automatic';
    await this.append(row, mail, match.messageId, automatic, sender.authorUserId);
  }

  /** Writes the reply (idempotent on the row), then the row's outcome; alerts staff for a person's reply. */
  private async append(row: StoredRow, mail: ParsedInbound, messageId: string, automatic: boolean, authorUserId: string | null): Promise<string> {
    const text = replyText(mail);
    const { reply, created } = await this.messages.appendInboundReply({
      messageId,
      origin: 'email',
      inboundKey: `email:${row.id}`,
      senderAddress: mail.fromAddress ?? 'unknown',
      senderName: mail.fromName,
      authorUserId,
      body: text.body,
      originalBody: text.original !== text.body ? text.original : null,
      automatic,
      attachments: await this.keepAttachments(row, mail),
    });
    await this.finish(row, automatic ? 'automatic' : 'threaded', { threadMessageId: messageId, replyId: reply.id }, ['received', 'quarantined']);
    if (created && !automatic) await this.alerts.notify(reply.id);
    return reply.id;
  }

  private async keepAttachments(row: StoredRow, mail: ParsedInbound): Promise<ReplyAttachment[]> {
    const kept: ReplyAttachment[] = [];
    for (const [index, file] of mail.attachments.entries()) {
      const name = (file.filename ?? `attachment-${index + 1}`).slice(0, 200);
      const base = { name, contentType: file.contentType, size: file.size ?? file.content.length };
      if (base.size > this.config.inbound.attachmentMaxBytes) {
        kept.push({ ...base, location: null, omitted: `larger than ${this.config.inbound.attachmentMaxBytes} bytes: not kept` });
        continue;
      }
      const safe = name.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^\.+/, '') || 'file';
      kept.push({ ...base, location: await this.storage.put(`${row.companyId}/${row.id}/${index + 1}-${safe}`, file.content, file.contentType) });
    }
    return kept;
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
      preview: mail ? safePreview(mail) : null,
      suggestedMessageId: why.suggestedMessageId,
    });
    await this.finish(row, 'quarantined', { outcome: why.reason });
  }

  /** An operator chose the thread of a quarantined mail: write it there as a reply. */
  private async assign(item: QuarantineItem, messageId: string): Promise<{ replyId: string }> {
    const row = await this.em.fork().findOne(InboundEmail, { id: item.sourceId, companyId: item.companyId }, { populate: ['raw'] });
    if (!row) throw new NotFoundError('The inbound email of this quarantine item');
    const mail = await parseMail(row.raw);
    return { replyId: await this.append(row, mail, messageId, classify(mail).kind === 'automatic', null) };
  }

  /** Compare-and-set on the status: of two racing runs, one writes the outcome. */
  private async finish(
    row: StoredRow,
    status: InboundEmailStatus,
    fields: Partial<Pick<InboundEmail, 'outcome' | 'threadMessageId' | 'replyId'>>,
    from: InboundEmailStatus[] = ['received'],
  ): Promise<void> {
    await this.em.fork().nativeUpdate(InboundEmail, { id: row.id, status: { $in: from } }, { status, ...fields, processedAt: new Date() });
  }
}

function safePreview(mail: ParsedInbound): string {
  try {
    return replyText(mail).body.slice(0, 500);
  } catch {
    return mail.text.slice(0, 500);
  }
}
