import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import { type Message } from './message.entity.js';
import { ConversationEvent } from '../conversations/conversation.entity.js';

/**
 * What a caller does to a thread they can already see (visibility is checked first, so an
 * invisible thread is a 404 before any of these 403s):
 * - reply, task.set: write a reply; turn the message into a task ("reply + set as task");
 * - task.change: mark a task done, cancel it, reopen it;
 * - vad: confirm a home visit as transmitted, edit its address or planned date;
 * - list: remove the thread from one's own lists or restore it.
 */
export type MessageAct = 'reply' | 'task.set' | 'task.change' | 'vad' | 'list';

/** SPEC §3: a subcontractor may reply and may set a message as task — nothing else. */
const SUBCONTRACTOR_ACTS: ReadonlySet<MessageAct> = new Set(['reply', 'task.set']);
/** SPEC §1/§4: clients and secretaries write messages, replies and remarks; tasks and VADs are the team's. */
const CLIENT_SIDE_ACTS: ReadonlySet<MessageAct> = new Set(['reply', 'list']);

/** A collaborator of another company reading what a structure shares with them. */
export function isSubcontractorOf(viewer: AuthContext, message: Pick<Message, 'companyId'>): boolean {
  return viewer.kind === 'collaborator' && message.companyId !== viewer.companyId;
}

/** Client and secretary accounts never see a VAD's transmission, so not its live events either. */
export function eventTypeShownTo(viewer: AuthContext, type: string): boolean {
  return viewer.kind === 'collaborator' || type !== 'message.vad';
}

/** Refuses (403) an act the caller's kind of account may not do on this visible message. */
export function assertMayAct(viewer: AuthContext, message: Pick<Message, 'companyId'>, act: MessageAct): void {
  if (isSubcontractorOf(viewer, message) && !SUBCONTRACTOR_ACTS.has(act)) {
    throw new DomainError('permission_denied', 'A subcontractor may only reply to a shared message and set it as task', { act });
  }
  if (viewer.kind !== 'collaborator' && !CLIENT_SIDE_ACTS.has(act)) {
    throw new DomainError('permission_denied', 'Client and secretary accounts write messages, replies and remarks; tasks and home visits are handled by the team', { act });
  }
}

type TaskSnapshot = { state: Message['taskState']; dueDate: string | null };
type VadSnapshot = Partial<Record<'vadPlannedAt' | 'vadStreet' | 'vadPostalCode' | 'vadCity', unknown>>;

/**
 * Every line a message's history can hold, with its details (what `GET /v1/messages/:id` shows in
 * `history`). `replied` and `replied.automatic` for entries received by email or SMS are written
 * by the core's inbound append, with `{ replyId, origin, sender }`.
 */
export type MessageHistoryEvent =
  | { type: 'created'; details: { task: boolean; urgent: boolean; vad: boolean } | { origin: 'email' | 'sms'; sender: string; rule?: string } }
  | { type: 'replied'; details: { replyId: string } }
  | { type: 'task.set' | 'task.done' | 'task.cancelled' | 'task.reopened'; details: { before: TaskSnapshot; after: TaskSnapshot } }
  | { type: 'vad.transmitted' | 'vad.untransmitted'; details: Record<string, never> }
  | { type: 'vad.updated'; details: { before: VadSnapshot; after: VadSnapshot } };

/** One line of the thread's history, owned by the message's company whoever the actor is. */
export function recordHistory(em: EntityManager, viewer: AuthContext, message: Pick<Message, 'id' | 'companyId'>, event: MessageHistoryEvent): ConversationEvent {
  return em.create(ConversationEvent, { companyId: message.companyId, conversationId: message.id, actorId: viewer.userId, type: event.type, details: event.details });
}
