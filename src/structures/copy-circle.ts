import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql } from '../core/database/sql-rows.js';
import { Structure } from './structure.entity.js';

/** The name a company's copy circle is created with (its managers may rename it). */
const CIRCLE_NAME = 'Cercle copie messages clients';

/** A SQL condition with its parameters, to be and-ed into the caller's statement. */
export interface CircleCondition {
  sql: string;
  params: unknown[];
}

/**
 * The client-messages copy circle: the one structure per company flagged `is_copy_circle`, made with
 * the company, whose members (its collaborators and subcontractors from linked companies) get
 * copies of messages marked for the circle. The one source for who is in it: other domains ask
 * here rather than reading `structure` and `structure_member`.
 */
@Injectable()
export class CopyCircle {
  constructor(private readonly em: EntityManager) {}

  /** Creates a new company's circle in `em`'s unit of work; returns it (flushed with the company). */
  create(em: EntityManager, companyId: string): Structure {
    return em.create(Structure, { companyId, name: CIRCLE_NAME, isCopyCircle: true });
  }

  /** The id of the company's circle, null for a company made before circles existed. */
  async idOf(companyId: string): Promise<string | null> {
    const [row] = await boundSql<{ id: string }>(this.em, 'select id from structure where company_id = ? and is_copy_circle order by id limit 1', [companyId]);
    return row?.id ?? null;
  }

  /** Active members of one of the company's structures (a routing rule's recipients), in id order. */
  async activeMembersOf(em: EntityManager, companyId: string, structureId: string): Promise<string[]> {
    const rows = await boundSql<{ user_id: string }>(
      em,
      `select sm.user_id from structure_member sm join structure s on s.id = sm.structure_id join app_user u on u.id = sm.user_id
        where s.company_id = ? and s.id = ? and u.active order by sm.user_id`,
      [companyId, structureId],
    );
    return rows.map((row) => row.user_id);
  }

  /** Active members of the company's circle (subcontractors included), in id order. */
  async activeMembers(em: EntityManager, companyId: string): Promise<string[]> {
    const rows = await boundSql<{ user_id: string }>(
      em,
      `select sm.user_id from structure_member sm join structure s on s.id = sm.structure_id join app_user u on u.id = sm.user_id
        where s.company_id = ? and s.is_copy_circle and u.active order by sm.user_id`,
      [companyId],
    );
    return rows.map((row) => row.user_id);
  }
}

/**
 * "The account was in the circle of the company `companyColumn` names since `sinceColumn` at the
 * latest", as a condition of the caller's statement: for the visibility of circle messages to
 * subcontractors, who see those posted after they joined, for as long as they are members. Both
 * arguments are SQL column references of that statement (`m.company_id`, `m.created_at`).
 */
export function circleMemberSince(userId: string, companyColumn: string, sinceColumn: string): CircleCondition {
  return {
    sql: `exists (select 1 from structure_member sm join structure s on s.id = sm.structure_id
                   where sm.user_id = ? and s.is_copy_circle and s.company_id = ${companyColumn} and sm.created_at <= ${sinceColumn})`,
    params: [userId],
  };
}
