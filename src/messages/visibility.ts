import type { AuthContext } from '../core/auth/auth-context.js';
import { hasPermission } from '../rights/permissions.js';
import { circleMemberSince } from '../structures/copy-circle.js';

/** A SQL condition on the `message` row aliased `m`, with its parameters. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/**
 * Who may see a message — the one policy every read, list, count and live event goes through:
 * - collaborators of the company: its messages, except private ones they neither wrote nor receive,
 *   and remarks unless they hold `messages.remarks.read` (managers, supervisors) or wrote them;
 * - client and secretary accounts: their own file's messages (all addressed to the client), plus
 *   the remarks they wrote themselves;
 * - subcontractors (collaborators of a linked company in the copy circle): non-private messages
 *   copied to the circle and posted after they joined it, for as long as they are members.
 */
export function visibleTo(viewer: AuthContext): SqlCondition {
  if (viewer.kind !== 'collaborator') {
    return {
      sql: `(m.company_id = ? and m.client_id = ? and (m.kind = 'message' or m.author_id = ?))`,
      params: [viewer.companyId, viewer.clientId, viewer.userId],
    };
  }
  const remarks = hasPermission(viewer, 'messages.remarks.read') ? `m.kind = 'remark'` : `(m.kind = 'remark' and m.author_id = ?)`;
  const remarkParams = hasPermission(viewer, 'messages.remarks.read') ? [] : [viewer.userId];
  const subcontractor = circleMemberSince(viewer.userId, 'm.company_id', 'm.created_at');
  return {
    sql: `((m.company_id = ? and (${remarks} or (m.kind = 'message' and (not m.private or m.author_id = ?
            or exists (select 1 from message_recipient r where r.message_id = m.id and r.user_id = ?)))))
          or (m.company_id <> ? and m.kind = 'message' and m.copy_circle and not m.private and ${subcontractor.sql}))`,
    params: [viewer.companyId, ...remarkParams, viewer.userId, viewer.userId, viewer.companyId, ...subcontractor.params],
  };
}

/** Not read by the viewer since the thread's last activity. */
export function unreadBy(viewer: AuthContext): SqlCondition {
  return {
    sql: `not exists (select 1 from conversation_state u join conversation c on c.id = u.conversation_id where u.conversation_id = m.id and u.user_id = ? and u.read_at >= c.last_activity_at)`,
    params: [viewer.userId],
  };
}

/** Deleted from the viewer's own lists (soft, per account, restorable). */
export function deletedBy(viewer: AuthContext): SqlCondition {
  return {
    sql: `exists (select 1 from conversation_state d where d.conversation_id = m.id and d.user_id = ? and d.deleted_at is not null)`,
    params: [viewer.userId],
  };
}
