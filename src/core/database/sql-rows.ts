import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs a SQL statement in `em`'s transaction when it has one. `em.getConnection().execute` alone
 * runs on the pool, outside any transaction the entity manager is in.
 */
export function sqlIn<T>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params, 'all', em.getTransactionContext());
}

/**
 * One multi-row `insert into table (columns) values …` (in `em`'s transaction), for the rows a
 * write makes by the dozen, where building and flushing an entity per row costs more than the
 * statement. Each row lists its values in `columns` order; `casts` gives a column's SQL type
 * where the value needs one (`jsonb`, an enum).
 */
export async function insertRows(em: EntityManager, table: string, columns: string[], rows: unknown[][], casts: Record<string, string> = {}): Promise<void> {
  if (rows.length === 0) return;
  const tuple = `(${columns.map((c) => (casts[c] ? `?::${casts[c]}` : '?')).join(', ')})`;
  await sqlIn(em, `insert into ${table} (${columns.join(', ')}) values ${rows.map(() => tuple).join(', ')}`, rows.flat());
}
