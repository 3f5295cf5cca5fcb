import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { type Page, type PageQuery, pageWindow, toPage } from '../core/http/params.js';
import { AuditEntry } from './audit-entry.entity.js';
import type { AuditView } from './dto/audit-entry.response.js';
import type { AuditFilter } from './dto/audit-filter.dto.js';

export type Snapshot = Record<string, unknown> | null;

/** Records admin changes in the caller's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  constructor(private readonly em: EntityManager) {}

  record(
    em: EntityManager,
    // No user for a change the system made on a company's behalf (e.g. a number taken over).
    auth: Pick<AuthContext, 'companyId'> & { userId: string | null },
    action: string,
    target: { type: string; id: string },
    before: Snapshot,
    after: Snapshot,
  ): void {
    em.create(AuditEntry, {
      companyId: auth.companyId,
      actorId: auth.userId,
      action,
      targetType: target.type,
      targetId: target.id,
      before,
      after,
    });
  }

  async list(auth: AuthContext, filter: AuditFilter, page: PageQuery): Promise<Page<AuditView>> {
    const { limit, after } = pageWindow(page);
    const rows = await this.em.find(
      AuditEntry,
      {
        companyId: auth.companyId,
        ...after,
        ...(filter.action ? { action: filter.action } : {}),
        ...(filter.targetType ? { targetType: filter.targetType } : {}),
        ...(filter.targetId ? { targetId: filter.targetId } : {}),
        ...(filter.actorId ? { actorId: filter.actorId } : {}),
        ...(filter.from || filter.to
          ? { createdAt: { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) } }
          : {}),
      },
      { orderBy: { id: 'asc' }, limit: limit + 1 },
    );
    return toPage(rows, limit, (row) => ({
      id: row.id,
      at: row.createdAt,
      actorId: row.actorId,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      before: row.before,
      after: row.after,
    }));
  }
}
