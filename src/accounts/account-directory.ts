import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql } from '../core/database/sql-rows.js';

/** How an account is named and reached (as stored; the caller normalises). */
export interface AccountContactPoints {
  name: string;
  email: string;
  mobile: string | null;
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

  /** The company's first active manager: who stands as the author of what no account wrote (a thread opened by an unknown sender). */
  async firstManager(em: EntityManager, companyId: string): Promise<string | null> {
    const [manager] = await boundSql<{ id: string }>(
      em,
      `select id from app_user where company_id = ? and kind = 'collaborator' and role = 'manager' and active order by id limit 1`,
      [companyId],
    );
    return manager?.id ?? null;
  }

  /**
   * Of the company's accounts that are `userIds` or belong to the client file `clientId`, the one
   * whose email is `email` (any case); null when none is.
   */
  async withEmail(em: EntityManager, companyId: string, email: string, among: { userIds: string[]; clientId: string }): Promise<string | null> {
    const [row] = await boundSql<{ id: string }>(
      em,
      `select id from app_user where company_id = ? and lower(email) = lower(?) and (id = any(?::uuid[]) or client_id = ?) order by id limit 1`,
      [companyId, email, among.userIds, among.clientId],
    );
    return row?.id ?? null;
  }
}
