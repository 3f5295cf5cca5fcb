import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthContext } from '../core/auth/auth-context.js';
import { boundSql } from '../core/database/sql-rows.js';
import { hasPermission } from '../rights/permissions.js';
import type { DiscussionReplyView, DiscussionView } from './dto/discussion.views.js';

/**
 * Who may see a discussion, as a SQL condition on `discussion d`: the company's staff who may read
 * notes and discussions (all of them); a client-side account, the visible ones about its client
 * file; a worker, the visible ones about itself. Null: nothing at all.
 */
export function discussionVisibleTo(viewer: AuthContext): { sql: string; params: unknown[] } | null {
  switch (viewer.kind) {
    case 'collaborator':
      return hasPermission(viewer, 'notes.read') ? { sql: 'd.company_id = ?', params: [viewer.companyId] } : null;
    case 'client':
    case 'secretary':
      return viewer.clientId ? { sql: 'd.company_id = ? and d.visible and d.client_id = ?', params: [viewer.companyId, viewer.clientId] } : null;
    case 'worker':
      return { sql: 'd.company_id = ? and d.visible and d.worker_id = ?', params: [viewer.companyId, viewer.userId] };
  }
}

/** A discussion row as the views read it (with its conversation's activity and the viewer's read state). */
interface DiscussionRow {
  id: string;
  company_id: string;
  client_id: string | null;
  worker_id: string | null;
  title: string;
  body: string;
  subject_name: string;
  author_id: string;
  author_name: string;
  manager_id: string;
  linked_user_id: string | null;
  linked_client_id: string | null;
  linked_name: string | null;
  visible: boolean;
  is_new: boolean;
  reply_count: number;
  last_activity_at: Date;
  created_at: Date;
}

export interface DiscussionFilter {
  clientId?: string;
  workerId?: string;
  isNew?: boolean;
  visible?: boolean;
  ids?: string[];
  after?: string;
  limit?: number;
}

/** NEW for `userId`: no read state of its since the conversation's last activity (a reply makes it new again). */
const IS_NEW = `not exists (select 1 from conversation_state s where s.conversation_id = d.id and s.user_id = ? and s.read_at >= c.last_activity_at)`;

/** An account's name as the views show it. */
const USER_NAME = (alias: string) => `trim(${alias}.first_name || ' ' || ${alias}.last_name)`;

/** Names of people are for staff: a portal shows its own wording (the team), and never a linked client file's name. */
const forStaff = (viewer: AuthContext, name: string | null): string | null => (viewer.kind === 'collaborator' ? name : null);

/** The discussions `viewer` may see that match `filter`, as views for it, oldest first. */
export async function discussionViews(em: EntityManager, viewer: AuthContext, filter: DiscussionFilter): Promise<DiscussionView[]> {
  const visible = discussionVisibleTo(viewer);
  if (!visible) return [];
  const { sql, params } = conditions(viewer, visible, filter);
  const rows = await boundSql<DiscussionRow>(
    em,
    `select d.id, d.company_id, d.client_id, d.worker_id, d.title, d.body, d.author_id, d.manager_id, d.linked_user_id, d.linked_client_id, d.visible,
            d.created_at, c.last_activity_at, ${IS_NEW} as is_new,
            (select count(*)::int from conversation_entry e where e.conversation_id = d.id) as reply_count,
            coalesce(sc.name, ${USER_NAME('sw')}) as subject_name, ${USER_NAME('a')} as author_name, coalesce(lc.name, ${USER_NAME('lu')}) as linked_name
       from discussion d join conversation c on c.id = d.id
       join app_user a on a.id = d.author_id
       left join client sc on sc.id = d.client_id
       left join app_user sw on sw.id = d.worker_id
       left join client lc on lc.id = d.linked_client_id
       left join app_user lu on lu.id = d.linked_user_id
      where ${sql}
      order by d.id
      ${filter.limit ? 'limit ?' : ''}`,
    [viewer.userId, ...params, ...(filter.limit ? [filter.limit] : [])],
  );
  return rows.map((r) => ({
    id: r.id,
    companyId: r.company_id,
    clientId: r.client_id,
    workerId: r.worker_id,
    subjectName: r.subject_name,
    title: r.title,
    body: r.body,
    authorId: r.author_id,
    authorName: forStaff(viewer, r.author_name),
    managerId: r.manager_id,
    linkedUserId: r.linked_user_id,
    linkedClientId: r.linked_client_id,
    linkedName: forStaff(viewer, r.linked_name),
    visible: r.visible,
    isNew: r.is_new,
    replyCount: r.reply_count,
    lastActivityAt: r.last_activity_at,
    createdAt: r.created_at,
  }));
}

/** How many discussions `viewer` may see, and how many of them are NEW for it. */
export async function discussionCounts(em: EntityManager, viewer: AuthContext): Promise<{ total: number; new: number }> {
  const visible = discussionVisibleTo(viewer);
  if (!visible) return { total: 0, new: 0 };
  const [row] = await boundSql<{ total: number; new: number }>(
    em,
    `select count(*)::int as total, (count(*) filter (where ${IS_NEW}))::int as new
       from discussion d join conversation c on c.id = d.id where ${visible.sql}`,
    [viewer.userId, ...visible.params],
  );
  return row;
}

/** The replies of a discussion (or only the one `entryId`), oldest first, as `viewer` reads them (the caller checked it may see it). */
export async function discussionReplies(em: EntityManager, viewer: AuthContext, discussionId: string, entryId?: string): Promise<DiscussionReplyView[]> {
  const rows = await boundSql<{ id: string; author_id: string | null; author_name: string | null; body: string; origin: string; sender_address: string | null; created_at: Date }>(
    em,
    `select e.id, e.author_id, ${USER_NAME('a')} as author_name, e.body, e.origin::text as origin, e.sender_address, e.created_at
       from conversation_entry e left join app_user a on a.id = e.author_id
      where e.conversation_id = ? ${entryId ? 'and e.id = ?' : ''} order by e.created_at, e.id`,
    entryId ? [discussionId, entryId] : [discussionId],
  );
  return rows.map((r) => ({
    id: r.id,
    discussionId,
    authorId: r.author_id,
    authorName: forStaff(viewer, r.author_name),
    body: r.body,
    origin: r.origin,
    senderAddress: r.sender_address,
    createdAt: r.created_at,
  }));
}

function conditions(viewer: AuthContext, visible: { sql: string; params: unknown[] }, filter: DiscussionFilter): { sql: string; params: unknown[] } {
  const parts = [visible.sql];
  const params = [...visible.params];
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql);
    params.push(...values);
  };
  if (filter.ids) add('d.id = any(?::uuid[])', filter.ids);
  if (filter.clientId) add('d.client_id = ?', filter.clientId);
  if (filter.workerId) add('d.worker_id = ?', filter.workerId);
  if (filter.visible !== undefined) add('d.visible = ?', filter.visible);
  if (filter.isNew !== undefined) add(`${filter.isNew ? '' : 'not '}${IS_NEW}`, viewer.userId);
  if (filter.after) add('d.id > ?', filter.after);
  return { sql: parts.map((p) => `(${p})`).join(' and '), params };
}
