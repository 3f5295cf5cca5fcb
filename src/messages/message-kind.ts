import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type ConversationKind, ConversationKinds, type CopyAttachment, type InboundOpener, type InboundOpening, type KindCopyContext } from '../conversations/conversation-kinds.js';
import { Conversations } from '../conversations/conversations.service.js';
import { LiveEvents } from '../conversations/live-events.service.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { boundSql } from '../core/database/sql-rows.js';
import { frenchDateTime, frenchDay } from '../core/format/french-dates.js';
import { copySubject } from './copy-wording.js';
import type { DigestQuery } from './dto/message.dto.js';
import { MessageDigest } from './message-digest.service.js';
import { eventTypeShownTo, type MessageHistoryEvent } from './message-acts.js';
import { Message } from './message.entity.js';
import { MessageQueries } from './message-queries.service.js';

interface CopyRow {
  id: string;
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
}

/** A home visit as copies print it: where (the address lines present) and when. */
function vadData(m: CopyRow): { plannedAt: string | null; street: string | null; city: string | null } {
  const city = [m.vad_postal_code, m.vad_city].filter(Boolean).join(' ');
  return { plannedAt: m.vad_planned_at ? frenchDateTime(m.vad_planned_at) : null, street: m.vad_street || null, city: city || null };
}

/**
 * Messages as a conversation kind: who may see one (the visibility policy), what its copies say
 * (subject worded for a copy, urgent, due date, VAD), who takes part (CC), and the opening of a
 * message for an inbound item nobody's thread was waiting for.
 */
@Injectable()
export class MessageKind implements ConversationKind, InboundOpener, OnModuleInit {
  readonly kind = 'message';

  constructor(
    private readonly em: EntityManager,
    private readonly kinds: ConversationKinds,
    private readonly queries: MessageQueries,
    private readonly conversations: Conversations,
    private readonly live: LiveEvents,
    private readonly digest: MessageDigest,
  ) {}

  onModuleInit(): void {
    this.kinds.register(this);
    this.kinds.registerInboundOpener(this);
  }

  canSee(viewer: AuthContext, conversationId: string): Promise<boolean> {
    return this.queries.canSee(viewer, conversationId);
  }

  showsEvent(viewer: AuthContext, type: string): boolean {
    return eventTypeShownTo(viewer, type);
  }

  async copyContexts(em: EntityManager, ids: string[]): Promise<Map<string, KindCopyContext>> {
    const rows = await boundSql<CopyRow>(
      em,
      `select id, subject, body, urgent, due_date::text as due_date, task_state, vad, vad_planned_at, vad_street, vad_postal_code, vad_city
         from message where id = any(?::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((m) => [
        m.id,
        {
          subject: copySubject({ subject: m.subject, body: m.body, vad: m.vad, task: m.task_state === 'todo' }),
          body: m.body,
          // Dates as the French reader writes them (4/12/2026), instants in Paris time.
          data: {
            message: {
              subject: copySubject({ subject: m.subject, body: m.body, vad: m.vad, task: m.task_state === 'todo' }),
              body: m.body,
              urgent: m.urgent,
              dueDate: m.due_date ? frenchDay(m.due_date) : null,
            },
            vad: m.vad ? vadData(m) : null,
          },
          link: `/v1/messages/${m.id}`,
        },
      ]),
    );
  }

  async participants(em: EntityManager, conversationId: string): Promise<string[]> {
    const rows = await boundSql<{ user_id: string }>(em, 'select user_id from message_recipient where message_id = ?', [conversationId]);
    return rows.map((r) => r.user_id);
  }

  /** The PDF digest asked for at compose, as the message's author sees it (their visibility, their unread state). */
  async attachment(request: unknown, conversation: { authorId: string; clientId: string | null }): Promise<CopyAttachment> {
    // A message is always on a client file (only other kinds have threads about no client).
    if (!conversation.clientId) throw new Error('A message digest needs the message’s client file');
    const query = request as DigestQuery;
    const viewer = await this.digest.viewerOf(conversation.authorId);
    const { pdf: content } = await this.digest.render(viewer, conversation.clientId, query);
    return { filename: `messages-${query.from}-${query.to}.pdf`, contentType: 'application/pdf', content };
  }

  /**
   * Opens a message on a client file for an inbound item (an SMS from a known number). Idempotent on
   * `id`, which the inbound side chooses and stores before calling: a retried job finds the message
   * instead of opening a second one. No outbox copies; unread for everyone; the item itself follows as
   * an inbound entry.
   */
  async open(input: InboundOpening): Promise<{ conversationId: string; created: boolean }> {
    // openIn finds a message opened before (a retry); two at once: the second is refused by the key.
    let opened: Awaited<ReturnType<MessageKind['openIn']>>;
    try {
      opened = await this.em.fork().transactional((em) => this.openIn(em, input));
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return { conversationId: input.id, created: false };
      throw error;
    }
    await opened.afterCommit();
    return { conversationId: input.id, created: opened.created };
  }

  async openIn(em: EntityManager, input: InboundOpening): Promise<{ conversationId: string; created: boolean; afterCommit: () => Promise<void> }> {
    const [existing] = await boundSql<{ id: string }>(em, 'select id from message where id = ?', [input.id]);
    if (existing) return { conversationId: input.id, created: false, afterCommit: () => Promise.resolve() };
    this.conversations.open(em, { id: input.id, companyId: input.companyId, clientId: input.clientId, kind: this.kind, authorId: input.authorId });
    const created = em.create(Message, {
      id: input.id,
      companyId: input.companyId,
      clientId: input.clientId,
      contactId: input.contactId ?? null,
      authorId: input.authorId,
      subject: input.subject,
      body: input.body,
      urgent: Boolean(input.urgent),
      taskState: input.dueDate ? 'todo' : 'none',
      dueDate: input.dueDate ?? null,
    });
    const event: MessageHistoryEvent = { type: 'created', details: { origin: input.origin, sender: input.senderAddress, ...(input.ruleId ? { rule: input.ruleId } : {}) } };
    this.conversations.record(em, created, input.authorId, event.type, event.details);
    await em.flush();
    // CC'd accounts: the company's active collaborators among those asked (an account gone since the rule was written is skipped).
    if (input.ccUserIds && input.ccUserIds.length > 0) {
      await boundSql(
        em,
        `insert into message_recipient (id, created_at, updated_at, company_id, message_id, user_id)
         select gen_random_uuid(), now(), now(), ?, ?, u.id from app_user u
          where u.id = any(?::uuid[]) and u.company_id = ? and u.active and u.kind = 'collaborator'
         on conflict do nothing`,
        [input.companyId, input.id, input.ccUserIds, input.companyId],
      );
    }
    return {
      conversationId: input.id,
      created: true,
      afterCommit: () => this.live.publish({ type: 'message.created', messageId: input.id, companyId: input.companyId }),
    };
  }
}
