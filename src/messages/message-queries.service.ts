import { frenchPaddedDay } from '../core/format/french-dates.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User } from '../accounts/user.entity.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { NotFoundError } from '../core/errors/domain-error.js';
import type { Page, PageQuery } from '../core/http/params.js';
import { boundSql } from '../core/database/sql-rows.js';
import { Message } from './message.entity.js';
import type { ConversationEvent, ConversationEntry } from '../conversations/conversation.entity.js';
import { type SqlCondition, visibleTo } from './visibility.js';
import type { ConversationCopyStatus } from '../conversations/copy-statuses.js';
import type { MessageView, ThreadView } from './dto/message.response.js';


/** "Fait par Marie le 24/12/2026": who did the task and when, as the product shows it. */
export function doneLabel(firstName: string, doneAt: Date): string {
  return `Fait par ${firstName} le ${frenchPaddedDay(doneAt)}`;
}

/** The SQL of one page of visible threads, newest first (also what the benchmark explains). */
export function pageStatement(viewer: AuthContext, conditions: SqlCondition[], query: PageQuery): SqlCondition {
  const limit = query.limit ?? 50;
  const all = [visibleTo(viewer), ...conditions, ...(query.cursor ? [{ sql: 'm.id < ?', params: [query.cursor] }] : [])];
  return {
    sql: `select m.id from message m where ${all.map((c) => c.sql).join(' and ')} order by m.id desc limit ?`,
    params: [...all.flatMap((c) => c.params), limit + 1],
  };
}

/** The SQL of a count of visible threads (the inbox counts; what the benchmark explains). */
export function countStatement(viewer: AuthContext, conditions: SqlCondition[]): SqlCondition {
  const all = [visibleTo(viewer), ...conditions];
  return { sql: `select count(*) as count from message m where ${all.map((c) => c.sql).join(' and ')}`, params: all.flatMap((c) => c.params) };
}

/** Whether the viewer may see this one message (every thread read starts with it). */
export function canSeeStatement(viewer: AuthContext, id: string): SqlCondition {
  const condition = visibleTo(viewer);
  return { sql: `select m.id from message m where m.id = ? and ${condition.sql}`, params: [id, ...condition.params] };
}

/**
 * Reads of messages, always through the visibility policy: pages of threads for lists and views,
 * single visible threads, counts. Returns views shaped for the caller (client-side accounts never
 * see the VAD transmission).
 */
@Injectable()
export class MessageQueries {
  constructor(private readonly em: EntityManager) {}

  async page(viewer: AuthContext, conditions: SqlCondition[], query: PageQuery): Promise<Page<MessageView>> {
    const limit = query.limit ?? 50;
    const statement = pageStatement(viewer, conditions, query);
    const rows = await boundSql<{ id: string }>(this.em, statement.sql, statement.params);
    const ids = rows.slice(0, limit).map((row) => row.id);
    const views = await this.views(viewer, ids);
    return { items: views, nextCursor: rows.length > limit ? ids[ids.length - 1] : null };
  }

  async count(viewer: AuthContext, conditions: SqlCondition[]): Promise<number> {
    const statement = countStatement(viewer, conditions);
    const [row] = await boundSql<{ count: string }>(this.em, statement.sql, statement.params);
    return Number(row.count);
  }

  /** The message if the viewer may see it; otherwise 404, exactly as if it did not exist. */
  async visible(viewer: AuthContext, id: string): Promise<Message> {
    const message = (await this.canSee(viewer, id)) ? await this.em.findOne(Message, { id }) : null;
    if (!message) throw new NotFoundError('Message');
    return message;
  }

  async canSee(viewer: AuthContext, id: string): Promise<boolean> {
    const statement = canSeeStatement(viewer, id);
    const rows = await boundSql<{ id: string }>(this.em, statement.sql, statement.params);
    return rows.length > 0;
  }

  /** Views of these messages for the viewer, in the order given. */
  async views(viewer: AuthContext, ids: string[]): Promise<MessageView[]> {
    if (ids.length === 0) return [];
    const [messages, conversations, recipients] = await Promise.all([
      this.em.find(Message, { id: { $in: ids } }),
      // The conversations' last activity and the viewer's read / deleted state, in one plain read: no
      // entities to hydrate for a list page. In epoch milliseconds: plain reads return timestamps as
      // text, and the views compare and show Dates (to the ms, as entities do).
      boundSql<{ id: string; at: number; read_at: number | null; deleted: boolean }>(
        this.em,
        `select c.id, floor(extract(epoch from c.last_activity_at) * 1000)::float8 as at,
                floor(extract(epoch from s.read_at) * 1000)::float8 as read_at, s.deleted_at is not null as deleted
           from conversation c left join conversation_state s on s.conversation_id = c.id and s.user_id = ?
          where c.id = any(?::uuid[])`,
        [viewer.userId, ids],
      ),
      // Ids only: a thread may have dozens of CC, not worth an entity each.
      boundSql<{ message_id: string; user_id: string }>(
        this.em,
        `select message_id, user_id from message_recipient where message_id in (${ids.map(() => '?').join(', ')})`,
        ids,
      ),
    ]);
    const doers = messages.map((m) => m.doneBy).filter((id): id is string => Boolean(id));
    const users = doers.length > 0 ? await this.em.find(User, { id: { $in: doers } }) : [];
    const byId = new Map(messages.map((m) => [m.id, m]));
    const activityOf = new Map(conversations.map((c) => [c.id, new Date(c.at)]));
    const stateOf = new Map(conversations.map((c) => [c.id, { readAt: c.read_at === null ? null : new Date(c.read_at), deleted: c.deleted }]));
    const firstNames = new Map(users.map((u) => [u.id, u.firstName]));
    return ids
      .map((id) => byId.get(id))
      .filter((m): m is Message => Boolean(m))
      .map((m) => viewOf(viewer, m, activityOf.get(m.id) ?? m.createdAt, stateOf.get(m.id), recipients.filter((r) => r.message_id === m.id).map((r) => r.user_id), m.doneBy ? firstNames.get(m.doneBy) : undefined));
  }
}

/** A message as `viewer` sees it, from its row, its conversation's last activity, the viewer's state, its CC and who did its task. */
export function viewOf(
  viewer: AuthContext,
  m: Message,
  lastActivityAt: Date,
  state: { readAt: Date | null; deleted: boolean } | undefined,
  cc: string[],
  doneByFirstName: string | undefined,
): MessageView {
  const clientSide = viewer.kind !== 'collaborator';
  return {
    id: m.id,
    companyId: m.companyId,
    clientId: m.clientId,
    authorId: m.authorId,
    kind: m.kind,
    subject: m.subject,
    body: m.body,
    instruction: m.instruction,
    contactId: m.contactId,
    cc,
    urgent: m.urgent,
    private: m.private,
    copyCircle: m.copyCircle,
    task: {
      state: m.taskState,
      dueDate: m.dueDate,
      doneBy: m.doneBy,
      doneAt: m.doneAt,
      doneLabel: m.doneBy && m.doneAt ? doneLabel(doneByFirstName ?? '?', m.doneAt) : null,
    },
    vad: m.vad
      ? {
          plannedAt: m.vadPlannedAt,
          street: m.vadStreet,
          postalCode: m.vadPostalCode,
          city: m.vadCity,
          ...(clientSide ? {} : { transmittedBy: m.vadTransmittedBy, transmittedAt: m.vadTransmittedAt }),
        }
      : null,
    createdAt: m.createdAt,
    lastActivityAt,
    unread: !state?.readAt || state.readAt < lastActivityAt,
    deleted: state?.deleted ?? false,
  };
}

/** Who is shown where a thread's copies went: the staff of the thread's company (client accounts and subcontractors are not). */
export function seesCopies(viewer: AuthContext, companyId: string): boolean {
  return viewer.kind === 'collaborator' && viewer.companyId === companyId;
}

/** A thread view: the message's view, its replies, its copies (staff) and its history (VAD transmissions are staff-only). */
export function threadOf(auth: AuthContext, view: MessageView, replies: ConversationEntry[], events: ConversationEvent[], copies: ConversationCopyStatus[] = []): ThreadView {
  const hidden = auth.kind !== 'collaborator' ? new Set(['vad.transmitted', 'vad.untransmitted']) : new Set<string>();
  return {
    ...view,
    replies: replies.map((r) => ({
      id: r.id,
      authorId: r.authorId,
      origin: r.origin,
      senderAddress: r.senderAddress,
      senderName: r.senderName,
      automatic: r.automatic,
      body: r.body,
      originalBody: r.originalBody,
      attachments: r.attachments ?? [],
      createdAt: r.createdAt,
    })),
    copies: seesCopies(auth, view.companyId) ? copies.map((c) => ({ ...c, optedOut: c.status === 'skipped' && c.failureReason === 'opted_out' })) : [],
    history: events.filter((e) => !hidden.has(e.type)).map((e) => ({ actorId: e.actorId, type: e.type, details: e.details, at: e.createdAt })),
  };
}
