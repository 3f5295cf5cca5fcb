import { createHash } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../core/database/new-id.js';
import { boundSql, unnestRows } from '../core/database/sql-rows.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConversationKinds } from '../conversations/conversation-kinds.js';
import { ConversationReplied, type RepliedListener } from '../conversations/conversation-replied.js';
import type { AppendedEntry } from '../conversations/inbound-append.js';
import { DeliveryQueue } from './delivery-queue.js';
import { ThreadTags } from '../conversations/thread-tags.js';
import { ReplyAddressing } from './reply-addressing.js';
import { AccountDirectory } from '../accounts/account-directory.js';
import { ChannelSenders } from '../channels/channel-senders.js';

/** A stable id per (reply, user): notifying twice about the same reply makes one alert. */
function alertKey(replyId: string, userId: string): string {
  const hex = createHash('sha256').update(`reply-alert:${replyId}:${userId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An alert delivery made by `ReplyAlerts.record`. */
export interface MadeAlert {
  id: string;
  /** To be sent (the company has a sender); otherwise recorded as skipped. */
  pending: boolean;
  messageId: string;
  companyId: string;
}

/**
 * The email telling staff that a client answered: to the thread's author (a collaborator), the
 * company's managers and whoever the thread's kind names (`replyWatchers`: a discussion's file manager), active accounts with an email, the reply's own author excepted. Alerts are
 * deliveries of kind `reply_alert`, so they are claimed, retried and listed like copies. They
 * follow the account settings (`replyAlerts`: the company's default, on unless changed, which each
 * account may override at `/v1/settings/me`).
 * Made in reaction to the core's conversation.replied event (see onModuleInit).
 */
@Injectable()
export class ReplyAlerts implements RepliedListener<MadeAlert[]>, OnModuleInit {
  readonly name = 'reply-alerts';

  constructor(
    private readonly em: EntityManager,
    private readonly queue: DeliveryQueue,
    private readonly addressing: ReplyAddressing,
    private readonly tags: ThreadTags,
    private readonly replied: ConversationReplied,
    private readonly accounts: AccountDirectory,
    private readonly senders: ChannelSenders,
    private readonly kinds: ConversationKinds,
  ) {}

  /** Alerts follow conversation.replied: recorded in the append's transaction, queued after its commit. */
  onModuleInit(): void {
    this.replied.listen(this);
  }

  recordReplied(em: EntityManager, replied: AppendedEntry[]): Promise<MadeAlert[]> {
    return this.record(replied.map((r) => r.entryId), em);
  }

  deliver(made: MadeAlert[]): Promise<void> {
    return this.enqueue(made);
  }

  /** Returns the number of alerts made (0 when they already existed or nobody is to be told). */
  async notify(replyId: string): Promise<number> {
    const made = await this.record([replyId], this.em.fork());
    await this.enqueue(made);
    return made.length;
  }

  /**
   * The alerts of many replies, made with `em` (the caller's transaction, so replies and their
   * alerts commit together): who is to be told is found once per thread (its author and the
   * company's managers, by their settings), then each reply's alerts go to them but its own
   * author; one statement inserts every alert. Returns the alerts made; `enqueue` them once committed.
   */
  async record(replyIds: string[], em: EntityManager): Promise<MadeAlert[]> {
    if (replyIds.length === 0) return [];
    const replies = await boundSql<{ entry_id: string; conversation_id: string; author_id: string | null }>(
      em,
      `select id as entry_id, conversation_id, author_id from conversation_entry where id = any(?::uuid[])`,
      [replyIds],
    );
    if (replies.length === 0) return [];
    const threads = await boundSql<{ id: string; company_id: string; author_id: string; kind: string }>(
      em,
      'select id, company_id, author_id, kind from conversation where id = any(?::uuid[])',
      [[...new Set(replies.map((r) => r.conversation_id))]],
    );
    const watchers = await this.watchers(em, threads);
    const [candidates, senders] = await Promise.all([
      this.accounts.alertRecipients(em, [
        ...threads.map((t) => ({ companyId: t.company_id, authorId: t.author_id })),
        ...threads.flatMap((t) => (watchers.get(t.id) ?? []).map((id) => ({ companyId: t.company_id, authorId: id }))),
      ]),
      this.senders.of(em, [...new Set(threads.map((t) => t.company_id))]),
    ]);
    const staff = threads.flatMap((t) =>
      candidates
        .filter((u) => u.companyId === t.company_id && (u.id === t.author_id || u.manager || (watchers.get(t.id) ?? []).includes(u.id)))
        .map((u) => ({ conversation_id: t.id, user_id: u.id, email: u.email, company_id: t.company_id, has_sender: Boolean(senders.get(t.company_id)?.email) })),
    );
    const staffOf = Map.groupBy(staff, (row) => row.conversation_id);
    // A reply's own author (staff answering by email) is not told about it.
    const recipients = replies.flatMap((reply) =>
      (staffOf.get(reply.conversation_id) ?? []).filter((u) => u.user_id !== reply.author_id).map((u) => ({ ...u, entry_id: reply.entry_id })),
    );
    if (recipients.length === 0) return [];
    const alerts = recipients.map((r) => ({ id: newId(), r }));
    const rows = unnestRows(
      {
        id: 'uuid', company_id: 'uuid', outbox_copy_id: 'uuid', conversation_id: 'uuid', entry_id: 'uuid', user_id: 'uuid',
        address: 'text', status: 'text', reason: 'text', email_message_id: 'text',
      },
      alerts.map(({ id, r }) => [
        id, r.company_id, alertKey(r.entry_id, r.user_id), r.conversation_id, r.entry_id, r.user_id, r.email, r.has_sender ? 'pending' : 'skipped',
        r.has_sender ? null : 'no_sender', this.addressing.newMessageId(),
      ]),
    );
    const made = await boundSql<{ id: string; status: string }>(
      em,
      `insert into delivery (id, created_at, updated_at, company_id, outbox_copy_id, conversation_id, entry_id, channel, kind, recipient_type, recipient_user_id,
         address, status, failure_reason, email_message_id)
       select v.id, now(), now(), v.company_id, v.outbox_copy_id, v.conversation_id, v.entry_id, 'email', 'reply_alert', 'user', v.user_id, v.address, v.status, v.reason, v.email_message_id
         from ${rows.from}
       on conflict (outbox_copy_id) do nothing returning id, status`,
      rows.params,
    );
    const recipientOf = new Map(alerts.map(({ id, r }) => [id, r]));
    return made.map((row) => {
      const r = recipientOf.get(row.id)!;
      return { id: row.id, pending: row.status === 'pending', messageId: r.conversation_id, companyId: r.company_id };
    });
  }

  /** Who else each thread's kind says is told of its answers (a discussion's file manager). */
  private async watchers(em: EntityManager, threads: { id: string; kind: string }[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const [kind, ofKind] of Map.groupBy(threads, (t) => t.kind)) {
      const found = this.kinds.find(kind);
      if (!found?.replyWatchers) continue;
      for (const [id, users] of await found.replyWatchers(em, ofKind.map((t) => t.id))) out.set(id, users);
    }
    return out;
  }

  /**
   * Queues the sends of alerts made by `record`, once committed (skipped ones have nothing to
   * send). Alert mails carry their thread's tag in the subject: made first, for all threads at once, on
   * connections of their own (never inside the caller's transaction).
   */
  async enqueue(made: MadeAlert[]): Promise<void> {
    if (made.length > 0) await this.tags.tagsFor(new Map(made.map((a) => [a.messageId, a.companyId])));
    await this.queue.addNew(made.filter((a) => a.pending).map((a) => ({ id: a.id, channel: 'email' as const })));
  }
}
