import { boundSql } from '../core/database/sql-rows.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../core/errors/domain-error.js';

/**
 * Refuses (422) copies asked for on channels the company cannot send on yet: email needs an email
 * sender, SMS an SMS number, fax a fax gateway and an email sender. A plain function on the
 * caller's EntityManager so the messages module can check at compose time without depending on
 * outbound.
 */
export async function assertCanSendCopies(em: EntityManager, companyId: string, channels: readonly string[]): Promise<void> {
  if (channels.length === 0) return;
  const [row] = await boundSql<{ sender: boolean; sms: boolean; fax: boolean }>(
    em,
    `select exists (select 1 from email_sender where company_id = ?) as sender,
            exists (select 1 from sms_number where company_id = ?) as sms,
            exists (select 1 from fax_gateway where company_id = ?) as fax`,
    [companyId, companyId, companyId],
  );
  const missing = channels.filter((c) => (c === 'email' ? !row.sender : c === 'sms' ? !row.sms : c === 'fax' ? !(row.fax && row.sender) : false));
  if (missing.length > 0) {
    throw new DomainError('unprocessable', `Copies by ${missing.join(', ')} were asked for, but the company has no sender configured for them (see /v1/channels)`, {
      field: 'copies',
      missing,
    });
  }
}
