import type { EntityManager } from '@mikro-orm/postgresql';
import { boundSql } from '../../core/database/sql-rows.js';
import { NotFoundError } from '../../core/errors/domain-error.js';

/** An inbound mail as it was stored, read again for a quarantine item: its content, the rerun, the dry run. */
export interface StoredMail {
  id: string;
  companyId: string;
  /** Null once the mailbox it came from was deleted (the mail outlives it). */
  mailboxId: string | null;
  receivedAt: Date;
  /** The bytes as received; empty once the retention purge ran (`purged`). */
  raw: Buffer;
  purged: boolean;
}

/** The company's inbound mail `id` with its bytes; a 404 when there is none. */
export async function storedMail(em: EntityManager, id: string, companyId: string): Promise<StoredMail> {
  const [row] = await boundSql<{ id: string; company_id: string; mailbox_id: string | null; created_at: string | Date; raw: Buffer; raw_purged_at: Date | null }>(
    em,
    'select id, company_id, mailbox_id, created_at, raw, raw_purged_at from inbound_email where id = ? and company_id = ?',
    [id, companyId],
  );
  if (!row) throw new NotFoundError('The inbound email of this quarantine item');
  return {
    id: row.id,
    companyId: row.company_id,
    mailboxId: row.mailbox_id,
    receivedAt: new Date(row.created_at),
    raw: row.raw,
    purged: row.raw_purged_at !== null || row.raw.length === 0,
  };
}
