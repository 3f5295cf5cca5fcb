import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql, unnestRows } from '../core/database/sql-rows.js';

export const PREVIEW_MAX_CHARS = 140;

/**
 * The latest exchange's detail as the summary shows it: on one line, and when longer than 140
 * characters cut at the last word boundary before, with an ellipsis (140 characters at most in all).
 */
export function previewOf(detail: string): string {
  const text = detail.replace(/\s+/g, ' ').trim();
  if (text.length <= PREVIEW_MAX_CHARS) return text;
  const room = text.slice(0, PREVIEW_MAX_CHARS - 1);
  const space = room.lastIndexOf(' ');
  // A single word longer than the room is cut where the room ends.
  const cut = space > 0 && text[PREVIEW_MAX_CHARS - 1] !== ' ' ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:.!?-]+$/, '')}…`;
}

/**
 * The summary columns of interventions (exchange count, reminder count, latest preview and time),
 * computed again from their exchanges by whoever writes exchanges, in the same transaction: a list
 * reads them with the intervention's row and never counts anything. Drafts and deleted exchanges do
 * not count. The intervention's `updated_at` moves with them (lists filter on "updated since").
 */
@Injectable()
export class InterventionSummary {
  /**
   * Takes the intervention's row first in a transaction that writes exchanges: then every writer
   * (the API, an inbound append) takes it before the conversation's row, and two of them never wait
   * on each other in opposite orders. "No key update": inserting an exchange (its foreign key) is not held up.
   */
  async lock(em: EntityManager, interventionId: string): Promise<void> {
    await boundSql(em, 'select id from intervention where id = ? for no key update', [interventionId]);
  }

  async refresh(em: EntityManager, interventionIds: string[]): Promise<void> {
    const ids = [...new Set(interventionIds)].sort();
    if (ids.length === 0) return;
    const rows = await boundSql<{ id: string; n: number; r: number; detail: string | null; at: string | null }>(
      em,
      `select i.id,
              (select count(*)::int from exchange x where x.intervention_id = i.id and x.status <> 'draft' and x.deleted_at is null) as n,
              (select count(*)::int from exchange x where x.intervention_id = i.id and x.status <> 'draft' and x.deleted_at is null and x.reminder) as r,
              l.detail, l.happened_at as at
         from intervention i
         left join lateral (
           select left(x.detail, 1000) as detail, x.happened_at from exchange x
            where x.intervention_id = i.id and x.status <> 'draft' and x.deleted_at is null
            order by x.happened_at desc, x.id desc limit 1) l on true
        where i.id = any(?::uuid[])
        order by i.id
        for no key update of i`,
      [ids],
    );
    const values = unnestRows(
      { id: 'uuid', n: 'int4', r: 'int4', preview: 'text', at: 'timestamptz' },
      rows.map((row) => [row.id, row.n, row.r, row.detail === null ? null : previewOf(row.detail), row.at]),
    );
    await boundSql(
      em,
      `update intervention i set exchange_count = v.n, reminder_count = v.r, latest_preview = v.preview, latest_exchange_at = v.at, updated_at = now()
         from ${values.from} where i.id = v.id`,
      values.params,
    );
  }
}
