import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthContext } from '../core/auth/auth-context.js';
import { boundSql } from '../core/database/sql-rows.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';

/** Who a discussion is about and who else it concerns, checked against the caller's company. */
export interface DiscussionPeople {
  clientId: string | null;
  workerId: string | null;
  linkedUserId: string | null;
  linkedClientId: string | null;
}

/** The discussion's person: one client file or one worker of the company (404 for another company's). */
export async function checkSubject(em: EntityManager, auth: AuthContext, input: { clientId?: string; workerId?: string }): Promise<Pick<DiscussionPeople, 'clientId' | 'workerId'>> {
  if (Boolean(input.clientId) === Boolean(input.workerId)) {
    throw new DomainError('discussion_subject_required', 'A discussion is about one client file (clientId) or one worker (workerId)', { field: input.clientId ? 'workerId' : 'clientId' });
  }
  if (input.clientId) {
    await assertClient(em, auth, input.clientId, 'clientId');
    return { clientId: input.clientId, workerId: null };
  }
  const [worker] = await boundSql(em, `select 1 from app_user where id = ? and company_id = ? and kind = 'worker'`, [input.workerId, auth.companyId]);
  if (!worker) throw new NotFoundError('Worker', { field: 'workerId' });
  return { clientId: null, workerId: input.workerId! };
}

/** The other person it concerns, if any: an account of the company (collaborator, worker) or a client file; never its own person. */
export async function checkLinked(
  em: EntityManager,
  auth: AuthContext,
  subject: Pick<DiscussionPeople, 'clientId' | 'workerId'>,
  input: { linkedUserId?: string | null; linkedClientId?: string | null },
): Promise<Pick<DiscussionPeople, 'linkedUserId' | 'linkedClientId'>> {
  const { linkedUserId, linkedClientId } = input;
  if (linkedUserId && linkedClientId) throw new DomainError('discussion_link_invalid', 'A discussion links one other person: linkedUserId or linkedClientId', { field: 'linkedClientId' });
  if (linkedClientId) {
    if (linkedClientId === subject.clientId) throw new DomainError('discussion_link_invalid', 'The linked client file is the discussion’s own', { field: 'linkedClientId' });
    await assertClient(em, auth, linkedClientId, 'linkedClientId');
  }
  if (linkedUserId) {
    if (linkedUserId === subject.workerId) throw new DomainError('discussion_link_invalid', 'The linked person is the discussion’s own worker', { field: 'linkedUserId' });
    const [user] = await boundSql(em, `select 1 from app_user where id = ? and company_id = ? and kind in ('collaborator', 'worker')`, [linkedUserId, auth.companyId]);
    if (!user) throw new NotFoundError('User', { field: 'linkedUserId' });
  }
  return { linkedUserId: linkedUserId ?? null, linkedClientId: linkedClientId ?? null };
}

/** A file manager named by staff: an active collaborator of the company. */
export async function checkManager(em: EntityManager, auth: AuthContext, managerId: string): Promise<string> {
  const [row] = await boundSql(em, `select 1 from app_user where id = ? and company_id = ? and kind = 'collaborator' and active`, [managerId, auth.companyId]);
  if (!row) throw new NotFoundError('User', { field: 'managerId' });
  return managerId;
}

/**
 * Whom a discussion opened from a portal is addressed to: the manager of the person's latest
 * discussion while still an active collaborator, else the company's first active manager.
 */
export async function managerFor(em: EntityManager, auth: AuthContext, subject: Pick<DiscussionPeople, 'clientId' | 'workerId'>): Promise<string> {
  const [row] = await boundSql<{ id: string }>(
    em,
    `select coalesce(
       (select d.manager_id from discussion d join app_user m on m.id = d.manager_id and m.active and m.kind = 'collaborator'
         where d.company_id = ? and (d.client_id = ? or d.worker_id = ?) order by d.id desc limit 1),
       (select u.id from app_user u where u.company_id = ? and u.kind = 'collaborator' and u.role = 'manager' and u.active order by u.id limit 1)) as id`,
    [auth.companyId, subject.clientId, subject.workerId, auth.companyId],
  );
  if (!row?.id) throw new DomainError('discussion_no_manager', 'The company has no active manager to address this discussion to');
  return row.id;
}

async function assertClient(em: EntityManager, auth: AuthContext, clientId: string, field: string): Promise<void> {
  const [client] = await boundSql(em, 'select 1 from client where id = ? and company_id = ?', [clientId, auth.companyId]);
  if (!client) throw new NotFoundError('Client', { field });
}
