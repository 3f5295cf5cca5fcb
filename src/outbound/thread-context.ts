import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConversationKinds, type KindCopyContext } from '../conversations/conversation-kinds.js';
import { ThreadTags } from '../conversations/thread-tags.js';
import { AccountDirectory } from '../accounts/account-directory.js';
import { ClientDirectory } from '../clients/client-directory.js';
import { Outbox } from '../conversations/outbox.js';
import type { DeliveryChannel, DeliveryKind } from './delivery.entity.js';

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
  /** Null for a conversation about no client file (a discussion with a worker). */
  client_id: string | null;
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
    private readonly tags: ThreadTags,
    private readonly kinds: ConversationKinds,
    private readonly outbox: Outbox,
    private readonly clients: ClientDirectory,
    private readonly accounts: AccountDirectory,
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
    const header = await this.outbox.copyHeader(this.em, conversationId, entryId);
    if (!header) throw new Error(`Conversation ${conversationId} of a delivery was not found`);
    const people = [header.author_id, ...(header.entry_author_id ? [header.entry_author_id] : [])];
    const kind = this.kinds.of(header.kind);
    const [content, entryContent, clients, accounts, companies] = await Promise.all([
      kind.copyContexts(this.em, [conversationId]),
      entryId && kind.entryCopyContexts ? kind.entryCopyContexts(this.em, [entryId]) : null,
      this.clients.contactPoints(this.em, header.client_id ? [header.client_id] : []),
      this.accounts.contactPoints(this.em, people),
      this.accounts.companyNames(this.em, [header.company_id]),
    ]);
    const kindContent = (entryId ? entryContent?.get(entryId) : undefined) ?? content.get(conversationId);
    if (!kindContent) throw new Error(`The ${header.kind} of conversation ${conversationId} was not found`);
    const entryAuthor = header.entry_author_id ? accounts.get(header.entry_author_id)?.name : undefined;
    return {
      company_id: header.company_id,
      conversation_kind: header.kind,
      author_id: header.author_id,
      client_id: header.client_id,
      reply_body: header.entry_body,
      reply_sender: header.entry_sender,
      client_name: (header.client_id ? clients.get(header.client_id)?.name : undefined) ?? '',
      company_name: companies.get(header.company_id) ?? '',
      // The thread's first copy makes its tag (safe when several workers race for it).
      tag: header.tag ?? (await this.tags.tagFor(header.company_id, conversationId)),
      // Who wrote what this copy carries: the entry's author or sender, else the conversation's author.
      author_name: (entryAuthor || header.entry_sender || accounts.get(header.author_id)?.name || '').trim(),
      attach_digest: header.attach,
      content: kindContent,
    };
  }

  private async userName(userId: string): Promise<string> {
    return (await this.accounts.contactPoints(this.em, [userId])).get(userId)?.name ?? '';
  }
}
