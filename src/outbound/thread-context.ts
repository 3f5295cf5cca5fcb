import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { DigestQuery } from '../messages/dto/message.dto.js';
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

/** What the templates say about the thread: the same for every copy of one message or reply. */
export interface ThreadContext {
  company_id: string;
  subject: string;
  body: string;
  urgent: boolean;
  due_date: string | null;
  task_state: string;
  vad: boolean;
  vad_planned_at: Date | null;
  vad_street: string | null;
  vad_postal_code: string | null;
  vad_city: string | null;
  author_id: string;
  client_id: string;
  reply_body: string | null;
  reply_sender: string | null;
  client_name: string;
  company_name: string;
  tag: string | null;
  author_name: string;
  attach_digest: DigestQuery | null;
}

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

  private async load(messageId: string, replyId: string | null): Promise<ThreadContext> {
    const [row] = await this.em.getConnection().execute<ThreadContext[]>(
      `select m.company_id, m.subject, m.body, m.urgent, m.due_date::text as due_date, m.task_state, m.vad, m.vad_planned_at,
              m.vad_street, m.vad_postal_code, m.vad_city, m.author_id, m.client_id, r.body as reply_body,
              coalesce(r.sender_name, r.sender_address) as reply_sender, c.name as client_name, co.name as company_name, t.tag,
              trim(coalesce(ra.first_name || ' ' || ra.last_name, r.sender_name, r.sender_address, ma.first_name || ' ' || ma.last_name, '')) as author_name,
              (select oc.attach_digest from outbox_copy oc where oc.conversation_id = m.id and oc.entry_id is not distinct from r.id
                  and oc.attach_digest is not null limit 1) as attach_digest
         from message m
         join client c on c.id = m.client_id
         join company co on co.id = m.company_id
         left join conversation_entry r on r.id = ?
         left join app_user ra on ra.id = r.author_id
         left join app_user ma on ma.id = m.author_id
         left join thread_tag t on t.conversation_id = m.id
        where m.id = ?`,
      [replyId, messageId],
    );
    if (!row) throw new Error(`Message ${messageId} of a delivery was not found`);
    // The thread's first copy makes its tag (safe when several workers race for it).
    return row.tag ? row : { ...row, tag: await this.addressing.tagFor(row.company_id, messageId) };
  }

  private async userName(userId: string): Promise<string> {
    const [row] = await this.em.getConnection().execute<{ name: string }[]>(`select trim(first_name || ' ' || last_name) as name from app_user where id = ?`, [userId]);
    return row?.name ?? '';
  }
}
