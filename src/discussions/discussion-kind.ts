import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type ConversationKind, ConversationKinds, type KindCopyContext } from '../conversations/conversation-kinds.js';
import { ConversationReplied, type RepliedListener } from '../conversations/conversation-replied.js';
import type { AppendedEntry } from '../conversations/inbound-append.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { boundSql } from '../core/database/sql-rows.js';
import { DiscussionAlerts } from './discussion-alerts.js';
import { discussionVisibleTo } from './discussion-queries.js';

export const DISCUSSION_KIND = 'discussion';

/**
 * Discussions as a conversation kind (`discussion`). The core asks here who may see one (a portal
 * account: only while visible, so hiding one stops its live events at once), what its alerts say
 * (the `discussion` templates), who takes part (its manager, worker, linked account); and the kind
 * listens to conversation.replied: a collaborator answering an alert by email is a staff reply, which
 * the portal person is alerted of like one written in the app.
 */
@Injectable()
export class DiscussionKind implements ConversationKind, RepliedListener<void>, OnModuleInit {
  readonly kind = DISCUSSION_KIND;
  readonly name = 'discussion-replies';

  constructor(
    private readonly em: EntityManager,
    private readonly kinds: ConversationKinds,
    private readonly replied: ConversationReplied,
    private readonly alerts: DiscussionAlerts,
  ) {}

  onModuleInit(): void {
    this.kinds.register(this);
    this.replied.listen(this);
  }

  async canSee(viewer: AuthContext, conversationId: string): Promise<boolean> {
    const visible = discussionVisibleTo(viewer);
    if (!visible) return false;
    const rows = await boundSql(this.em.fork(), `select 1 from discussion d where d.id = ? and ${visible.sql}`, [conversationId, ...visible.params]);
    return rows.length > 0;
  }

  async copyContexts(em: EntityManager, ids: string[]): Promise<Map<string, KindCopyContext>> {
    const rows = await boundSql<{ id: string; title: string; body: string }>(em, 'select id, title, body from discussion where id = any(?::uuid[])', [ids]);
    return new Map(
      rows.map((d) => [d.id, { subject: d.title, body: d.body, template: 'discussion', data: { discussion: { title: d.title } }, link: `/v1/discussions/${d.id}` }]),
    );
  }

  async participants(em: EntityManager, conversationId: string): Promise<string[]> {
    const [row] = await boundSql<{ manager_id: string; worker_id: string | null; linked_user_id: string | null }>(
      em,
      'select manager_id, worker_id, linked_user_id from discussion where id = ?',
      [conversationId],
    );
    return row ? [row.manager_id, row.worker_id, row.linked_user_id].filter((id): id is string => Boolean(id)) : [];
  }

  /**
   * A portal person's alert goes out only while the discussion is still visible; staff alerts always do.
   * Not discussionVisibleTo: that rule needs the recipient's rights, while a staff alert went to whom the kind chose (its manager, reply watchers).
   */
  async copyStillShown(em: EntityManager, conversationId: string, userId: string): Promise<boolean> {
    const [row] = await boundSql<{ visible: boolean; staff: boolean }>(
      em,
      `select d.visible, u.kind = 'collaborator' as staff from discussion d join app_user u on u.id = ? where d.id = ?`,
      [userId, conversationId],
    );
    return !row || row.visible || row.staff;
  }

  /** The file manager is told of every answer (the core's reply alerts, besides the author and the managers). */
  async replyWatchers(em: EntityManager, conversationIds: string[]): Promise<Map<string, string[]>> {
    const rows = await boundSql<{ id: string; manager_id: string }>(em, 'select id, manager_id from discussion where id = any(?::uuid[])', [conversationIds]);
    return new Map(rows.map((r) => [r.id, [r.manager_id]]));
  }

  /** In the append's transaction: a collaborator's answer by email is alerted to the portal person (when the discussion is visible). */
  async recordReplied(em: EntityManager, replied: AppendedEntry[]): Promise<void> {
    const ours = replied.filter((r) => r.kind === DISCUSSION_KIND);
    if (ours.length === 0) return;
    const staffEntries = await boundSql<{ id: string; author_id: string; discussion_id: string; company_id: string; client_id: string | null; worker_id: string | null; manager_id: string; visible: boolean }>(
      em,
      `select e.id, e.author_id, d.id as discussion_id, d.company_id, d.client_id, d.worker_id, d.manager_id, d.visible
         from conversation_entry e join app_user u on u.id = e.author_id join discussion d on d.id = e.conversation_id
        where e.id = any(?::uuid[]) and u.kind = 'collaborator'`,
      [ours.map((r) => r.entryId)],
    );
    for (const e of staffEntries) {
      const discussion = { id: e.discussion_id, companyId: e.company_id, clientId: e.client_id, workerId: e.worker_id, managerId: e.manager_id, visible: e.visible };
      await this.alerts.toPortal(em, discussion, e.id, e.author_id);
    }
  }

  /** Nothing to do after the commit: the outbox rows are drained by outbound. */
  deliver(): Promise<void> {
    return Promise.resolve();
  }
}
