import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery, type Kysely } from 'kysely';

/**
 * One multi-row `insert into table (columns) values …` (in `em`'s transaction), for the rows a
 * write makes by the dozen, where building and flushing an entity per row costs more than the
 * statement. Each row lists its values in `columns` order; `casts` gives a column's SQL type
 * where the value needs one (`jsonb`, an enum).
 */
export async function insertRows(em: EntityManager, table: string, columns: string[], rows: unknown[][], casts: Record<string, string> = {}): Promise<void> {
  if (rows.length === 0) return;
  const tuple = `(${columns.map((c) => (casts[c] ? `?::${casts[c]}` : '?')).join(', ')})`;
  await boundSql(em, `insert into ${table} (${columns.join(', ')}) values ${rows.map(() => tuple).join(', ')}`, rows.flat());
}

/**
 * The one way to run raw SQL (lint refuses `em.getConnection().execute` outside core/database): in
 * `em`'s transaction when it has one, on the pool otherwise. The `?` of `query` (its only question
 * marks) become `$1…$n` and the values travel beside the statement, Buffers as binary, arrays as
 * PostgreSQL arrays (`= any(?::uuid[])`), objects for `jsonb` as JSON text made by the caller.
 * MikroORM's `execute` inlines every value into the SQL text (bytea as hex, dates as literals),
 * which for a statement carrying hundreds of rows or raw mail means megabytes of text built here
 * and parsed again by PostgreSQL, and runs outside the entity manager's transaction unless told.
 * Returns the rows as the driver reads them: timestamps come back as text, so a caller wanting a
 * Date selects `extract(epoch from …) * 1000` or parses it.
 */
export async function boundSql<T>(em: EntityManager, query: string, params: readonly unknown[] = []): Promise<T[]> {
  let bound = 0;
  const text = query.replace(/\?/g, () => `$${++bound}`);
  if (bound !== params.length) throw new Error(`boundSql: ${bound} placeholders for ${params.length} values`);
  const runner = em.getTransactionContext<Kysely<unknown>>() ?? em.getConnection().getClient<unknown>();
  const result = await runner.executeQuery<T>(CompiledQuery.raw(text, [...params]));
  return [...result.rows];
}

/**
 * Rows as a row source of one array parameter per column: `unnest(?::uuid[], ?::text[]) as v (id, status)`
 * with its parameters; `columns` maps each column's name to its SQL type (`uuid`, `text`, `bool`, …).
 * Where a `values` list binds one parameter per cell (2,400 for 200 rows of twelve), PostgreSQL here
 * analyses one expression per column whatever the number of rows: a 200-row insert into
 * conversation_event took about half the server CPU (16 µs a row against 26 to 31). Each row lists its
 * values in `columns` order (a row of another length is refused, as `boundSql` refuses a count that
 * does not match); null or undefined is a SQL null. Only for types PostgreSQL reads from array text
 * (not bytea: raw mail stays a binary parameter of its own).
 */
export function unnestRows(columns: Record<string, string>, rows: readonly unknown[][]): { from: string; params: unknown[][] } {
  const names = Object.keys(columns);
  const odd = rows.findIndex((row) => row.length !== names.length);
  if (odd >= 0) throw new Error(`unnestRows: row ${odd} has ${rows[odd].length} values for ${names.length} columns`);
  const params = names.map((_, i) => rows.map((row) => row[i] ?? null));
  return { from: `unnest(${names.map((name) => `?::${columns[name]}[]`).join(', ')}) as v (${names.join(', ')})`, params };
}
