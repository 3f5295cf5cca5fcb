import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../core/database/new-id.js';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { boundSql, unnestRows } from '../core/database/sql-rows.js';
import type { EntryAttachment, EntryOrigin } from './conversation.entity.js';
import { ConversationReplied } from './conversation-replied.js';
import { LiveEvents } from './live-events.service.js';

/** An entry received by email or SMS, already threaded to `conversationId` by the inbound side. */
export interface InboundEntryInput {
  conversationId: string;
  origin: Exclude<EntryOrigin, 'app'>;
  /** `email:<inbound id>` or `sms:<MessageSid>`: the same key never makes a second entry. */
  inboundKey: string;
  senderAddress: string;
  senderName?: string | null;
  /** The account of the sender when one is known (a client account's email or mobile). */
  authorUserId?: string | null;
  body: string;
  originalBody?: string | null;
  automatic?: boolean;
  attachments?: EntryAttachment[] | null;
}

/** One appended inbound item: its reply, whether this call made it, and its thread. */
export interface AppendedEntry {
  inboundKey: string;
  entryId: string;
  conversationId: string;
  companyId: string;
  /** The conversation's kind (its live event is `<kind>.replied`). */
  kind: string;
  automatic: boolean;
  /** False when the reply existed already (the same inbound item seen again). */
  created: boolean;
}


/**
 * `appendInboundReply` for many items at once, as set-based statements in one transaction: the
 * replies (one per inbound key, ever: an item seen again answers its first reply), their history
 * lines; then `within` adds the caller's own rows to the same transaction (the inbound rows'
 * outcome, alerts; on this transaction only, never on another connection, which could wait for
 * this one); the threads' last activity last. Once committed, a live event goes out per thread
 * that got replies. Throws when a thread is missing or any row is refused: the caller then takes the
 * items one by one.
 */
@Injectable()
export class InboundAppend {
  constructor(
    private readonly em: EntityManager,
    private readonly live: LiveEvents,
    private readonly replied: ConversationReplied,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async appendMany(inputs: InboundEntryInput[], within?: (em: EntityManager, appended: AppendedEntry[]) => Promise<void>): Promise<AppendedEntry[]> {
    if (inputs.length === 0) return [];
    const { appended, deliveries } = await this.em.fork().transactional(async (em) => {
      const { appended, touched } = await this.write(em, inputs);
      if (within) await within(em, appended);
      // conversation.replied, recorded here (staff alerts commit with the entries), delivered after the commit.
      const deliveries = await this.replied.record(em, appended);
      // Last: concurrent batches answering one thread wait on its row lock only until they commit.
      if (touched.length > 0) await boundSql(em, `update conversation set last_activity_at = now(), updated_at = now() where id = any(?::uuid[])`, [touched]);
      return { appended, deliveries };
    });
    for (const deliver of deliveries) await deliver();
    // One event per thread that got replies: it tells viewers to read the thread again, however many came.
    const threads = new Map(appended.filter((a) => a.created).map((a) => [a.conversationId, a]));
    await Promise.all([...threads.values()].map((a) => this.live.publish({ type: `${a.kind}.replied`, messageId: a.conversationId, companyId: a.companyId })));
    return appended;
  }

  /** The replies and history lines; returns them and the threads whose last activity moves (a person's reply). */
  private async write(em: EntityManager, inputs: InboundEntryInput[]): Promise<{ appended: AppendedEntry[]; touched: string[] }> {
    const threadIds = [...new Set(inputs.map((i) => i.conversationId))];
    const threads = new Map(
      (await boundSql<{ id: string; company_id: string; author_id: string; kind: string }>(em, `select id, company_id, author_id, kind from conversation where id = any(?::uuid[])`, [threadIds])).map((t) => [t.id, t]),
    );
    const missing = threadIds.find((id) => !threads.has(id));
    if (missing) throw new Error(`Conversation ${missing} not found`);
    // The same key twice in one call makes one reply, the first.
    const fresh = new Map<string, { input: InboundEntryInput; id: string }>();
    for (const input of inputs) if (!fresh.has(input.inboundKey)) fresh.set(input.inboundKey, { input, id: newId() });
    const replies = unnestRows(
      {
        id: 'uuid', company_id: 'uuid', conversation_id: 'uuid', author_id: 'uuid', body: 'text', origin: 'entry_origin',
        sender_address: 'text', sender_name: 'text', automatic: 'bool', original_body: 'text', inbound_key: 'text', attachments: 'jsonb',
      },
      [...fresh.values()].map(({ input, id }) => {
        const body = input.body.trim().slice(0, this.config.messages.maxBodyChars);
        return [
          id, threads.get(input.conversationId)!.company_id, input.conversationId, input.authorUserId, body.length > 0 ? body : '(message vide)', input.origin,
          input.senderAddress, input.senderName, input.automatic ?? false, input.originalBody, input.inboundKey, input.attachments ? JSON.stringify(input.attachments) : null,
        ];
      }),
    );
    // An item seen before (or committed first by a concurrent run) keeps its reply; this one makes
    // none, and answers with that reply, read back for those keys alone.
    const inserted = await boundSql<{ id: string; inbound_key: string }>(
      em,
      `insert into conversation_entry (id, created_at, updated_at, company_id, conversation_id, author_id, body, origin, sender_address, sender_name, automatic, original_body, inbound_key, attachments)
       select v.id, now(), now(), v.company_id, v.conversation_id, v.author_id, v.body, v.origin, v.sender_address, v.sender_name, v.automatic, v.original_body, v.inbound_key, v.attachments
         from ${replies.from}
       on conflict (inbound_key) do nothing returning id, inbound_key`,
      replies.params,
    );
    const created = new Set(inserted.map((row) => row.inbound_key));
    const existing = new Map<string, string>();
    const seenBefore = [...fresh.keys()].filter((key) => !created.has(key));
    if (seenBefore.length > 0) {
      for (const r of await boundSql<{ id: string; inbound_key: string }>(em, `select id, inbound_key from conversation_entry where inbound_key = any(?::text[])`, [seenBefore])) existing.set(r.inbound_key, r.id);
    }
    const made = [...fresh.values()].filter((f) => created.has(f.input.inboundKey));
    if (made.length > 0) {
      const events = unnestRows(
        { id: 'uuid', company_id: 'uuid', conversation_id: 'uuid', actor_id: 'uuid', type: 'text', details: 'jsonb' },
        made.map(({ input, id }) => {
          const thread = threads.get(input.conversationId)!;
          return [
            newId(), thread.company_id, thread.id, input.authorUserId ?? thread.author_id, input.automatic ? 'replied.automatic' : 'replied',
            JSON.stringify({ replyId: id, origin: input.origin, sender: input.senderAddress }),
          ];
        }),
      );
      await boundSql(
        em,
        `insert into conversation_event (id, created_at, updated_at, company_id, conversation_id, actor_id, type, details)
         select v.id, now(), now(), v.company_id, v.conversation_id, v.actor_id, v.type, v.details from ${events.from}`,
        events.params,
      );
    }
    const seen = new Set<string>();
    const out: AppendedEntry[] = [];
    for (const input of inputs) {
      if (seen.has(input.inboundKey)) continue;
      seen.add(input.inboundKey);
      const thread = threads.get(input.conversationId)!;
      const own = fresh.get(input.inboundKey);
      const isCreated = created.has(input.inboundKey);
      out.push({
        inboundKey: input.inboundKey,
        entryId: isCreated ? own!.id : existing.get(input.inboundKey)!,
        conversationId: thread.id,
        companyId: thread.company_id,
        kind: thread.kind,
        automatic: input.automatic ?? false,
        created: isCreated,
      });
    }
    const touched = [...new Set([...fresh.values()].filter((f) => created.has(f.input.inboundKey) && !f.input.automatic).map((f) => f.input.conversationId))].sort();
    return { appended: out, touched };
  }
}
