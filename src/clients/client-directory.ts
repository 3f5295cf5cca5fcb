import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql } from '../core/database/sql-rows.js';

/** Where a client file receives copies (as typed on the file; the caller normalises). */
export interface ClientContactPoints {
  name: string;
  email: string | null;
  mobile: string | null;
  fax: string | null;
}

/**
 * Client files as other domains need them without a signed-in caller (a worker addressing copies):
 * one statement for a whole batch, inside the caller's transaction (`em`).
 */
@Injectable()
export class ClientDirectory {
  async contactPoints(em: EntityManager, clientIds: string[]): Promise<Map<string, ClientContactPoints>> {
    if (clientIds.length === 0) return new Map();
    const rows = await boundSql<ClientContactPoints & { id: string }>(
      em,
      'select id, name, email, mobile, fax from client where id = any(?::uuid[])',
      [[...new Set(clientIds)]],
    );
    return new Map(rows.map(({ id, ...points }) => [id, points]));
  }
}
