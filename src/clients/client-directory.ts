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

/** Someone of a client file known by a phone number: the file's mobile, a contact's phone, a client-side account. */
export interface KnownSender {
  clientId: string;
  name: string;
  contactId: string | null;
  userId: string | null;
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

  /**
   * The email addresses that speak for a client file: the file's own and its contacts' (lower-case).
   * The file's accounts are the account directory's.
   */
  async emailsOf(em: EntityManager, clientId: string): Promise<Set<string>> {
    const rows = await boundSql<{ email: string }>(
      em,
      `select lower(email) as email from client where id = ? and email is not null
       union select lower(email) from contact where client_id = ? and email is not null`,
      [clientId, clientId],
    );
    return new Set(rows.map((row) => row.email));
  }

  /**
   * For each number, the client files it belongs to, each once, with the name to show for the
   * sender; numbers nobody knows are missing from the map. One statement for them all. A client-side
   * account (a person of the file who signs in) is the most precise identity, since it can be a
   * reply's author; then a contact; then the file itself.
   */
  async sendersByPhone(em: EntityManager, companyId: string, numbers: string[]): Promise<Map<string, KnownSender[]>> {
    const distinct = [...new Set(numbers)];
    if (distinct.length === 0) return new Map();
    const rows = await boundSql<SenderRow>(
      em,
      `select mobile as number, client_id, trim(first_name || ' ' || last_name) as name, null::uuid as contact_id, id as user_id, 1 as rank
         from app_user where company_id = ? and mobile = any(?::text[]) and active and kind <> 'collaborator' and client_id is not null
       union all select phone, client_id, name, id, null, 2 from contact where company_id = ? and phone = any(?::text[])
       union all select mobile, id, name, null, null, 3 from client where company_id = ? and mobile = any(?::text[])
       order by number, rank, client_id`,
      [companyId, distinct, companyId, distinct, companyId, distinct],
    );
    return groupSenders(rows);
  }

  /** `sendersByPhone` for email addresses (compared lower-case; the map is keyed by the lower-case address). */
  async sendersByEmail(em: EntityManager, companyId: string, addresses: string[]): Promise<Map<string, KnownSender[]>> {
    const distinct = [...new Set(addresses.map((a) => a.toLowerCase()))];
    if (distinct.length === 0) return new Map();
    const rows = await boundSql<SenderRow>(
      em,
      `select lower(email) as number, client_id, trim(first_name || ' ' || last_name) as name, null::uuid as contact_id, id as user_id, 1 as rank
         from app_user where company_id = ? and lower(email) = any(?::text[]) and active and kind <> 'collaborator' and client_id is not null
       union all select lower(email), client_id, name, id, null, 2 from contact where company_id = ? and lower(email) = any(?::text[])
       union all select lower(email), id, name, null, null, 3 from client where company_id = ? and lower(email) = any(?::text[])
       order by number, rank, client_id`,
      [companyId, distinct, companyId, distinct, companyId, distinct],
    );
    return groupSenders(rows);
  }
}

interface SenderRow {
  number: string;
  client_id: string;
  name: string;
  contact_id: string | null;
  user_id: string | null;
}

/** Rows ordered by key then rank, to each key's client files, each once, its most precise identity first. */
function groupSenders(rows: SenderRow[]): Map<string, KnownSender[]> {
  const byNumber = new Map<string, Map<string, KnownSender>>();
  for (const row of rows) {
    let byClient = byNumber.get(row.number);
    if (!byClient) byNumber.set(row.number, (byClient = new Map<string, KnownSender>()));
    const known = byClient.get(row.client_id);
    if (!known) byClient.set(row.client_id, { clientId: row.client_id, name: row.name, contactId: row.contact_id, userId: row.user_id });
    else known.contactId ??= row.contact_id;
  }
  return new Map([...byNumber].map(([number, byClient]) => [number, [...byClient.values()]]));
}
