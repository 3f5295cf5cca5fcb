import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConversationKinds, type KindCopyContext } from '../conversations/conversation-kinds.js';
import { boundSql } from '../core/database/sql-rows.js';
import type { DeliveryChannel, DeliveryKind } from './delivery.entity.js';
import { ReplyAddressing } from './reply-addressing.js';

/** The delivery row as the claim returns it. */
export interface ClaimRow {
  id: string;
  company_id: string;
  conversation_id: string;
  entry_id: string | null;
  channel: DeliveryChannel;
  kind: DeliveryKind;
  recipient_type: 'client' | 'user';
  recipient_user_id: string | null;
  address: string;
  reply_token: string | null;
  email_message_id: string | null;
  /** The previous attempt's provider code (e.g. `timeout`: its answer never came). */
  provider_code: string | null;
  attempts: number;
  opted_out: boolean;
}

/** The core's part of a thread's copies: the same for every copy of one conversation or entry. */
interface CoreContext {
  company_id: string;
  conversation_kind: string;
  author_id: string;
  client_id: string;
  reply_body: string | null;
  reply_sender: string | null;
  client_name: string;
  company_name: string;
  tag: string | null;
  author_name: string;
  /** What the outbox row asked to attach (a message's digest request), for the kind to make. */
  attach_digest: unknown;
}

/** What the templates say about the thread: the core's part and the kind's (subject, body, its own variables). */
export type ThreadContext = CoreContext & { content: KindCopyContext };

export type ClaimedDelivery = ClaimRow & ThreadContext & { recipient_name: string };

/** A message's copies go out within seconds of each other; longer would risk a stale text. */
const TTL_MS = 5_000;
const MAX_ENTRIES = 5_000;

/**
 * Reads the thread once for all its copies (a message with 20 recipients is one read, not 20),
 * kept a few seconds. The claim itself stays a one-row update, cheap to plan and run.
 */
@Injectable()
export class ThreadContexts {
  private readonly threads = new Map<string, { at: number; value: Promise<ThreadContext> }>();
  private readonly users = new Map<string, { at: number; value: Promise<string> }>();

  constructor(
    private readonly em: EntityManager,
    private readonly addressing: ReplyAddressing,
    private readonly kinds: ConversationKinds,
  ) {}

  async complete(row: ClaimRow): Promise<ClaimedDelivery> {
    const [context, userName] = await Promise.all([
      this.cached(this.threads, `${row.conversation_id}:${row.entry_id ?? ''}`, () => this.load(row.conversation_id, row.entry_id)),
      row.recipient_user_id ? this.cached(this.users, row.recipient_user_id, () => this.userName(row.recipient_user_id!)) : null,
    ]);
    return { ...row, ...context, recipient_name: userName ?? context.client_name };
  }

  private cached<T>(map: Map<string, { at: number; value: Promise<T> }>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    if (map.size >= MAX_ENTRIES) map.clear();
    const value = load();
    map.set(key, { at: Date.now(), value });
    value.catch(() => map.delete(key));
    return value;
  }

  private async load(conversationId: string, entryId: string | null): Promise<ThreadContext> {
    const [row] = await boundSql<CoreContext>(
      this.em,
      `select c.company_id, c.kind as conversation_kind, c.author_id, c.client_id, r.body as reply_body,
              coalesce(r.sender_name, r.sender_address) as reply_sender, cl.name as client_name, co.name as company_name, t.tag,
              trim(coalesce(ra.first_name || ' ' || ra.last_name, r.sender_name, r.sender_address, ca.first_name || ' ' || ca.last_name, '')) as author_name,
              (select oc.attach_digest from outbox_copy oc where oc.conversation_id = c.id and oc.entry_id is not distinct from r.id
                  and oc.attach_digest is not null limit 1) as attach_digest
         from conversation c
         join client cl on cl.id = c.client_id
         join company co on co.id = c.company_id
         left join conversation_entry r on r.id = ?
         left join app_user ra on ra.id = r.author_id
         left join app_user ca on ca.id = c.author_id
         left join thread_tag t on t.conversation_id = c.id
        where c.id = ?`,
      [entryId, conversationId],
    );
    if (!row) throw new Error(`Conversation ${conversationId} of a delivery was not found`);
    const content = (await this.kinds.of(row.conversation_kind).copyContexts(this.em, [conversationId])).get(conversationId);
    if (!content) throw new Error(`The ${row.conversation_kind} of conversation ${conversationId} was not found`);
    // The thread's first copy makes its tag (safe when several workers race for it).
    const tag = row.tag ?? (await this.addressing.tagFor(row.company_id, conversationId));
    return { ...row, tag, content };
  }

  private async userName(userId: string): Promise<string> {
    const [row] = await this.em.getConnection().execute<{ name: string }[]>(`select trim(first_name || ' ' || last_name) as name from app_user where id = ?`, [userId]);
    return row?.name ?? '';
  }
}
