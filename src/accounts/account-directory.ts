import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql } from '../core/database/sql-rows.js';
import { effectiveSettingSql } from '../settings/effective-settings.js';

/** How an account is named and reached (as stored; the caller normalises). */
export interface AccountContactPoints {
  name: string;
  email: string;
  mobile: string | null;
}

/**
 * "The account `column` names is a collaborator (staff, not a client-side account)", as a condition
 * of another domain's statement (`m.author_id`): for lists filtered by who wrote.
 */
export function isCollaboratorSql(column: string): string {
  return `exists (select 1 from app_user a where a.id = ${column} and a.kind = 'collaborator')`;
}

/** An account to alert about replies (see alertRecipients). */
export interface AlertRecipient {
  id: string;
  companyId: string;
  email: string;
  manager: boolean;
}

/**
 * Accounts and companies as other domains need them without a signed-in caller (a worker addressing
 * and signing copies): one statement per batch, inside the caller's transaction (`em`).
 */
@Injectable()
export class AccountDirectory {
  async contactPoints(em: EntityManager, userIds: string[]): Promise<Map<string, AccountContactPoints>> {
    if (userIds.length === 0) return new Map();
    const rows = await boundSql<AccountContactPoints & { id: string }>(
      em,
      `select id, trim(first_name || ' ' || last_name) as name, email, mobile from app_user where id = any(?::uuid[])`,
      [[...new Set(userIds)]],
    );
    return new Map(rows.map(({ id, ...points }) => [id, points]));
  }

  async companyNames(em: EntityManager, companyIds: string[]): Promise<Map<string, string>> {
    if (companyIds.length === 0) return new Map();
    const rows = await boundSql<{ id: string; name: string }>(em, 'select id, name from company where id = any(?::uuid[])', [[...new Set(companyIds)]]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /**
   * The company's system account, made the first time it is asked for: the author of what Relais
   * opens by itself for someone without an account (see ACCOUNT_KINDS). Never active, no permission.
   */
  async systemAccount(em: EntityManager, companyId: string): Promise<string> {
    await boundSql(
      em,
      `insert into app_user (id, created_at, updated_at, company_id, kind, role, first_name, last_name, email, active, client_id, permissions)
       values (gen_random_uuid(), now(), now(), ?, 'system', null, 'Relais', '(automatique)', 'systeme@relais.invalid', false, null, '{}')
       on conflict do nothing`,
      [companyId],
    );
    const [row] = await boundSql<{ id: string }>(em, `select id from app_user where company_id = ? and kind = 'system'`, [companyId]);
    return row.id;
  }

  /**
   * Of the company's accounts that are `userIds` or belong to the client file `clientId`, the one
   * whose email is `email` (any case); null when none is.
   */
  async withEmail(em: EntityManager, companyId: string, email: string, among: { userIds: string[]; clientId: string | null }): Promise<string | null> {
    const [row] = await boundSql<{ id: string }>(
      em,
      `select id from app_user where company_id = ? and lower(email) = lower(?) and (id = any(?::uuid[]) or client_id = ?) order by id limit 1`,
      [companyId, email, among.userIds, among.clientId],
    );
    return row?.id ?? null;
  }

  /**
   * Who is told that a client answered a thread: its author (a collaborator) and the company's
   * managers, active accounts whose reply-alert setting (their own, else the company's) is on. For
   * many threads at once: each is named by its company and author; the answer lists each account
   * once, saying whether it is a manager (the caller matches authors itself).
   */
  async alertRecipients(em: EntityManager, threads: { companyId: string; authorId: string }[]): Promise<AlertRecipient[]> {
    if (threads.length === 0) return [];
    const rows = await boundSql<{ id: string; company_id: string; email: string; manager: boolean }>(
      em,
      `select u.id, u.company_id, u.email, u.role = 'manager' as manager from app_user u
        where u.active and u.kind = 'collaborator'
          and (u.id = any(?::uuid[]) or (u.role = 'manager' and u.company_id = any(?::uuid[])))
          and ${effectiveSettingSql('replyAlerts', 'u.id', 'u.company_id')}`,
      [[...new Set(threads.map((t) => t.authorId))], [...new Set(threads.map((t) => t.companyId))]],
    );
    return rows.map((row) => ({ id: row.id, companyId: row.company_id, email: row.email, manager: row.manager }));
  }
}
