import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Conversations } from '../conversations/conversations.service.js';
import { boundSql } from '../core/database/sql-rows.js';
import { effectiveSettingSql } from '../settings/effective-settings.js';
import type { Discussion } from './discussion.entity.js';

type AlertedDiscussion = Pick<Discussion, 'id' | 'companyId' | 'clientId' | 'workerId' | 'managerId' | 'visible'>;

/**
 * The email alerts of discussions, written as outbox copies to accounts in the caller's transaction
 * (outbound sends them from the `discussion` templates with a reply address: an answer by email comes
 * back into the discussion). Each alerted account's `discussionAlerts` setting decides. A discussion
 * that is not visible is never alerted to its portal person.
 */
@Injectable()
export class DiscussionAlerts {
  constructor(private readonly conversations: Conversations) {}

  /** To the portal person (the client file's active client-side accounts, or the worker): a new visible discussion (entry null) or a staff reply. */
  async toPortal(em: EntityManager, discussion: AlertedDiscussion, entryId: string | null, exceptUserId: string | null): Promise<void> {
    if (!discussion.visible) return;
    const rows = await boundSql<{ id: string }>(
      em,
      `select u.id from app_user u
        where u.company_id = ? and u.active and u.id is distinct from ?
          and ((u.kind in ('client', 'secretary') and u.client_id = ?) or (u.kind = 'worker' and u.id = ?))
          and ${effectiveSettingSql('discussionAlerts', 'u.id', 'u.company_id')}`,
      [discussion.companyId, exceptUserId, discussion.clientId, discussion.workerId],
    );
    await this.conversations.recordAccountCopies(em, discussion, entryId, 'email', rows.map((r) => r.id));
  }

  /**
   * To the file manager: a discussion opened from the portal. (Portal replies, by the app or by
   * email, are the core's conversation.replied: staff get reply alerts as for any thread, the file
   * manager among them through DiscussionKind.replyWatchers.)
   */
  async toManager(em: EntityManager, discussion: AlertedDiscussion): Promise<void> {
    const rows = await boundSql<{ id: string }>(
      em,
      `select u.id from app_user u where u.id = ? and u.company_id = ? and u.active and u.kind = 'collaborator'
          and ${effectiveSettingSql('discussionAlerts', 'u.id', 'u.company_id')}`,
      [discussion.managerId, discussion.companyId],
    );
    await this.conversations.recordAccountCopies(em, discussion, null, 'email', rows.map((r) => r.id));
  }
}
