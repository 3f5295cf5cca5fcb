import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql } from '../core/database/sql-rows.js';

/** What a company can send copies with: its email sender, how many SMS numbers, its fax gateway. */
export interface CompanySenders {
  email: { address: string; name: string } | null;
  smsNumbers: number;
  /** The fax gateway's address pattern (`{number}@fax.example`), or null: no fax gateway. */
  faxPattern: string | null;
}

/** The companies' sending identities, for a worker addressing a batch of copies: one statement, in the caller's transaction. */
@Injectable()
export class ChannelSenders {
  async of(em: EntityManager, companyIds: string[]): Promise<Map<string, CompanySenders>> {
    if (companyIds.length === 0) return new Map();
    const rows = await boundSql<{ id: string; address: string | null; name: string | null; sms_numbers: number; fax_pattern: string | null }>(
      em,
      `select co.id, es.address, es.name, (select count(*)::int from sms_number sn where sn.company_id = co.id) as sms_numbers, fg.address_pattern as fax_pattern
         from unnest(?::uuid[]) as co(id)
         left join email_sender es on es.company_id = co.id
         left join fax_gateway fg on fg.company_id = co.id`,
      [[...new Set(companyIds)]],
    );
    return new Map(
      rows.map((r) => [r.id, { email: r.address ? { address: r.address, name: r.name ?? '' } : null, smsNumbers: r.sms_numbers, faxPattern: r.fax_pattern }]),
    );
  }
}
