import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { newId } from '../../core/database/new-id.js';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { boundSql, unnestRows } from '../../core/database/sql-rows.js';
import { NotFoundError } from '../../core/errors/domain-error.js';
import { HandlesJob } from '../../core/queue/job-handler.decorator.js';
import type { JobPayload } from '../../core/queue/jobs.js';
import { type AppendedEntry, InboundAppend, type InboundEntryInput } from '../../conversations/inbound-append.js';
import { ConversationKinds } from '../../conversations/conversation-kinds.js';
import { OptOutsService } from '../../outbound/opt-outs.service.js';
import type { QuarantineItem } from '../quarantine/quarantine-item.entity.js';
import { QuarantineService } from '../quarantine/quarantine.service.js';
import { InboundSms, type InboundSmsMedia, type InboundSmsStatus } from './inbound-sms.entity.js';
import { toE164 } from '../../core/phone/phone-number.js';
import { keywordOf, type SmsKeyword } from './sms-text.js';
import { tagsInText } from '../../conversations/thread-tags.js';
import { type KnownSender, SmsThreads } from './sms-threads.service.js';
import { smsEntryInput } from './sms-entry.js';
import { SmsRouting } from './sms-routing.js';
import { quarantinedSmsReader } from './quarantined-sms.js';

type Outcome = {
  status: InboundSmsStatus;
  outcome?: string;
  messageId?: string | null;
  replyId?: string | null;
  /** Written already, with the reply, in its transaction (see appendAll). */
  recorded?: boolean;
  /** The routing rule that decided it. */
  rule?: string;
};

/** An SMS becoming a reply, and the outcome its row records in the same transaction. */
interface SmsAppend {
  id: string;
  from: string;
  input: InboundEntryInput;
  status: 'threaded' | 'composed';
  outcome: string | null;
}

/** A row of a batch, as read for processing. */
interface BatchRow {
  id: string;
  company_id: string;
  message_sid: string;
  from_raw: string;
  body: string;
  media: InboundSmsMedia[];
}

/**
 * The processing half of inbound SMS, in a job: keywords (STOP/START/HELP), then the thread the SMS
 * answers, a new thread on the sender's file, or the quarantine. Safe to run twice: a processed SMS
 * is left alone, the reply is keyed on the MessageSid, a new thread on an id stored beforehand.
 */
@Injectable()
export class InboundSmsProcessor implements OnModuleInit {
  private readonly logger = new Logger('inbound-sms');

  constructor(
    private readonly em: EntityManager,
    private readonly kinds: ConversationKinds,
    private readonly quarantine: QuarantineService,
    private readonly threads: SmsThreads,
    private readonly replies: InboundAppend,
    private readonly optOuts: OptOutsService,
    private readonly routing: SmsRouting,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.quarantine.registerAssigner('sms', (item, messageId) => this.assign(item, messageId));
    this.quarantine.registerRerouter('sms', (item) => this.routing.reroute(item));
    this.quarantine.registerReader('sms', quarantinedSmsReader(this.em));
  }

  @HandlesJob('inbound.sms-batch')
  async handleBatch(payload: JobPayload<'inbound.sms-batch'>): Promise<void> {
    await this.processBatch(payload.inboundSmsIds);
  }

  /**
   * The common case of many SMS at once: a plain reply from a number a recent thread texted. The
   * batch's rows, the threads their numbers were texted from and who those numbers are come from
   * one query each (per company); the replies and their history lines are written in one
   * transaction (InboundAppend.appendMany; the staff alerts, by conversation.replied, in it), then
   * the rows' outcomes by one statement. Everything else (keywords,
   * invalid senders, bodies to quarantine, thread codes, no recent thread), and every SMS of a
   * batch whose write failed, goes through `process`, one SMS at a time.
   * Rows already processed are skipped, and an outcome is written only over `received`, so a batch
   * run twice, or alongside the sweeper's, changes nothing.
   */
  async processBatch(ids: string[]): Promise<void> {
    const rows = await boundSql<BatchRow>(
      this.em,
      `select id, company_id, message_sid, from_raw, body, media from inbound_sms where id in (${ids.map(() => '?').join(', ')}) and status = 'received' order by id`,
      ids,
    );
    const alone: string[] = [];
    const plain: { row: BatchRow; from: string }[] = [];
    for (const row of rows) {
      const from = toE164(row.from_raw);
      const simple = from && !keywordOf(row.body) && tagsInText(row.body).length === 0 && row.body.length <= this.config.inboundSms.maxBodyChars
        && (row.body.trim().length > 0 || row.media.length > 0);
      if (simple) plain.push({ row, from });
      else alone.push(row.id);
    }
    const inputs: { id: string; from: string; input: InboundEntryInput }[] = [];
    for (const companyId of new Set(plain.map((p) => p.row.company_id))) {
      const mine = plain.filter((p) => p.row.company_id === companyId);
      const numbers = mine.map((p) => p.from);
      const [targets, senders] = await Promise.all([
        this.threads.latestThreads(companyId, numbers, this.config.inboundSms.replyWindowDays),
        this.threads.knownSendersOf(companyId, numbers),
      ]);
      for (const { row, from } of mine) {
        const target = targets.get(from);
        if (!target) {
          alone.push(row.id);
          continue;
        }
        const sender = senders.get(from)?.find((s) => s.clientId === target.clientId) ?? null;
        inputs.push({ id: row.id, from, input: smsEntryInput({ messageSid: row.message_sid, body: row.body, media: row.media }, from, target.messageId, sender) });
      }
    }
    let threaded = 0;
    if (inputs.length > 0) {
      try {
        await this.appendAll(inputs.map((i) => ({ ...i, status: 'threaded' as const, outcome: null })));
        threaded = inputs.length;
      } catch (error) {
        this.logger.warn(`a batch of ${inputs.length} SMS replies could not be written together (${(error as Error).message}): each goes on alone`);
        alone.push(...inputs.map((i) => i.id));
      }
    }
    const failures: string[] = [];
    for (const id of alone) {
      try {
        await this.process(id);
      } catch (error) {
        failures.push(`${id}: ${(error as Error).message}`);
      }
    }
    this.logger.log(`SMS batch: ${threaded} threaded, ${alone.length} one by one, ${failures.length} failed`);
    // The job is retried: what this run finished is skipped then, the rest is tried again.
    if (failures.length > 0) throw new Error(`${failures.length} of ${rows.length} SMS not processed (${failures.slice(0, 3).join('; ')})`);
  }

  async process(id: string): Promise<void> {
    const sms = await this.em.findOne(InboundSms, { id });
    if (!sms || sms.status !== 'received') return;
    const from = toE164(sms.fromRaw);
    sms.fromAddress = from;
    const keyword = keywordOf(sms.body);
    let result: Outcome;
    if (!from) result = await this.toQuarantine(sms, 'invalid_sender', `"${sms.fromRaw}" is not a phone number`);
    else if (keyword) result = await this.applyKeyword(sms, from, keyword);
    else result = await this.thread(sms, from);
    // A reply's outcome was written with it. Otherwise one update of the row, rather than a flush over
    // everything this job loaded; over `received` (or the keyword's own status, set under its lock),
    // never over another run's outcome.
    if (!result.recorded) await this.em.nativeUpdate(
      InboundSms,
      { id: sms.id, status: { $in: ['received', result.status] } },
      { status: result.status, outcome: result.outcome ?? null, messageId: result.messageId ?? sms.messageId, replyId: result.replyId ?? null, ruleId: result.rule ?? null, fromAddress: from, processedAt: new Date() },
    );
    this.logger.log(`SMS ${sms.messageSid}: ${result.status}${result.outcome ? ` (${result.outcome})` : ''}`);
  }

  private async thread(sms: InboundSms, from: string): Promise<Outcome> {
    const [target, senders] = await Promise.all([
      this.threads.threadFor(sms.companyId, from, sms.body, this.config.inboundSms.replyWindowDays),
      this.threads.knownSenders(sms.companyId, from),
    ]);
    const threadId = target?.messageId ?? null;
    if (sms.body.length > this.config.inboundSms.maxBodyChars) {
      return this.toQuarantine(sms, 'body_too_long', `${sms.body.length} characters, over ${this.config.inboundSms.maxBodyChars}`, threadId);
    }
    if (sms.body.trim().length === 0 && sms.media.length === 0) return this.toQuarantine(sms, 'empty_body', 'No text and no media', threadId);
    if (target) {
      const replyId = await this.appendReply(sms, from, target.messageId, senders.find((s) => s.clientId === target.clientId) ?? null, 'threaded');
      return { status: 'threaded', messageId: target.messageId, replyId, recorded: true };
    }
    // No thread was waiting for it: the company's routing rules first.
    const routed = await this.routing.route(sms, from, senders);
    if (routed?.done) {
      const { outcome } = routed;
      return { status: outcome.status, outcome: outcome.outcome, messageId: outcome.conversationId, replyId: outcome.entryId, recorded: true, rule: outcome.ruleId };
    }
    const { label = null, ruleId = null, reason = null } = routed ?? {};
    if (senders.length > 1) {
      return this.toQuarantine(sms, 'ambiguous_sender', `This number belongs to ${senders.length} client files: ${senders.map((s) => s.name).join(', ')}`, null, label, ruleId);
    }
    if (senders.length === 0) return this.toQuarantine(sms, 'unknown_sender', reason ?? 'No recent thread sent an SMS to this number and no client file knows it', null, label, ruleId);
    if (label) return this.toQuarantine(sms, 'no_thread', `No recent thread sent an SMS to this number; the rule sent it here`, null, label, ruleId);
    return this.compose(sms, from, senders[0]);
  }

  /** A known sender with no recent thread: a new thread on their file, the SMS as its first reply. */
  private async compose(sms: InboundSms, from: string, sender: KnownSender): Promise<Outcome> {
    const authorId = sender.userId ?? (await this.threads.fallbackAuthor(sms.companyId));
    if (!sms.messageId) {
      // Stored before the thread exists: a retried job opens this same thread, never a second one;
      // of two runs at once, the first to store its id wins and both open that one.
      const [stored] = await boundSql<{ conversation_id: string }>(
        this.em,
        `update inbound_sms set conversation_id = coalesce(conversation_id, ?), updated_at = now() where id = ? returning conversation_id`,
        [newId(), sms.id],
      );
      sms.messageId = stored.conversation_id;
    }
    await this.kinds.inboundOpener().open({
      id: sms.messageId,
      companyId: sms.companyId,
      clientId: sender.clientId,
      contactId: sender.contactId,
      authorId,
      subject: `SMS de ${sender.name}`,
      body: `SMS reçu de ${sender.name} (${from}), sans conversation récente avec ce numéro.`,
      origin: 'sms',
      senderAddress: from,
    });
    const replyId = await this.appendReply(sms, from, sms.messageId, sender, 'composed');
    return { status: 'composed', messageId: sms.messageId, replyId, recorded: true };
  }

  /** One SMS's reply and outcome: `appendAll` of one. */
  private async appendReply(
    sms: InboundSms,
    from: string,
    messageId: string,
    sender: KnownSender | null,
    status: SmsAppend['status'],
    outcome: string | null = null,
  ): Promise<string> {
    const [appended] = await this.appendAll([{ id: sms.id, from, input: smsEntryInput(sms, from, messageId, sender), status, outcome }]);
    return appended.entryId;
  }

  /**
   * The one transaction rule for SMS, a batch or one, as for mail: the replies (one per SMS, ever),
   * the rows' outcomes and what conversation.replied records (staff alerts) commit together; alerts
   * are queued after. The outcome is a compare-and-set: a row another run finished keeps its own.
   */
  private appendAll(items: SmsAppend[]): Promise<AppendedEntry[]> {
    return this.replies.appendMany(
      items.map((i) => i.input),
      async (em, appended) => {
        const byKey = new Map(appended.map((a) => [a.inboundKey, a]));
        const outcomes = unnestRows(
          { id: 'uuid', status: 'text', conversation_id: 'uuid', entry_id: 'uuid', from_address: 'text', outcome: 'text' },
          items.map((i) => [i.id, i.status, i.input.conversationId, byKey.get(i.input.inboundKey)!.entryId, i.from, i.outcome]),
        );
        await boundSql(
          em,
          `update inbound_sms s set status = v.status, conversation_id = v.conversation_id, entry_id = v.entry_id, from_address = v.from_address,
                  outcome = v.outcome, processed_at = now(), updated_at = now()
             from ${outcomes.from}
            where s.id = v.id and s.status in ('received', 'quarantined')`,
          outcomes.params,
        );
      },
    );
  }

  /**
   * STOP / START change the number's opt-out under a per-number lock, and only if no later keyword
   * from the same number was applied already: jobs may run out of order, the last word stands.
   */
  private async applyKeyword(sms: InboundSms, from: string, keyword: SmsKeyword): Promise<Outcome> {
    if (keyword === 'help') return { status: 'help', outcome: 'answered with the help text' };
    const status: InboundSmsStatus = keyword === 'opt-out' ? 'opted_out' : 'opted_in';
    const applied = await this.em.fork().transactional(async (em) => {
      await boundSql(em, 'select pg_advisory_xact_lock(hashtext(?))', [`sms-opt:${sms.companyId}:${from}`]);
      const later = await em.count(InboundSms, {
        companyId: sms.companyId,
        fromAddress: from,
        status: { $in: ['opted_out', 'opted_in'] },
        id: { $gt: sms.id },
      });
      if (later > 0) return false;
      const address = { companyId: sms.companyId, channel: 'sms' as const, address: from };
      if (keyword === 'opt-in') await this.optOuts.optIn(em, address);
      else await this.optOuts.optOut(em, address, 'keyword', `SMS "${sms.body.trim().slice(0, 40)}"`);
      // Marked inside the lock, so a keyword processed after this one sees it as the earlier word.
      await em.nativeUpdate(InboundSms, { id: sms.id }, { status, fromAddress: from, processedAt: new Date() });
      return true;
    });
    return { status, outcome: applied ? undefined : 'superseded by a later keyword from this number' };
  }

  private async toQuarantine(
    sms: InboundSms,
    reason: string,
    detail: string,
    suggestedMessageId: string | null = null,
    label: string | null = null,
    ruleId: string | null = null,
  ): Promise<Outcome> {
    await this.quarantine.quarantine({
      companyId: sms.companyId,
      channel: 'sms',
      sourceId: sms.id,
      reason,
      detail,
      sender: sms.fromAddress ?? sms.fromRaw,
      preview: sms.body,
      suggestedMessageId,
      label,
      ruleId,
      receivedBy: toE164(sms.toRaw) ?? sms.toRaw,
    });
    return { status: 'quarantined', outcome: label ? `${reason} (${label})` : reason, messageId: suggestedMessageId, rule: ruleId ?? undefined };
  }

  /** An operator chose the thread of a quarantined SMS: it becomes a reply there (once, whatever the retries). */
  private async assign(item: QuarantineItem, messageId: string): Promise<{ replyId: string }> {
    const em = this.em.fork();
    const sms = await em.findOne(InboundSms, { id: item.sourceId, companyId: item.companyId });
    if (!sms) throw new NotFoundError('Inbound SMS');
    const from = sms.fromAddress ?? toE164(sms.fromRaw) ?? sms.fromRaw;
    const clientId = await this.threads.clientOf(messageId);
    const sender = (await this.threads.knownSenders(sms.companyId, from)).find((s) => s.clientId === clientId) ?? null;
    return { replyId: await this.appendReply(sms, from, messageId, sender, 'threaded', 'assigned from the quarantine') };
  }
}
