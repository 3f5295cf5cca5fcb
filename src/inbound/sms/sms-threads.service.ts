import { boundSql } from '../../core/database/sql-rows.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { threadCodesIn } from './sms-text.js';

/** `?, ?, …` for a list of parameters. */
function marks(list: readonly unknown[]): string {
  return list.map(() => '?').join(', ');
}

/** Someone of a client file known by this number: the file's mobile, a contact's phone, a client-side account. */
export interface KnownSender {
  clientId: string;
  name: string;
  contactId: string | null;
  userId: string | null;
}

/** A thread an SMS answers, with the client file it is on. */
export interface SmsThread {
  messageId: string;
  clientId: string;
}

/**
 * Where an inbound SMS belongs, from what Relais sent: the threads whose SMS copies went to the
 * sender's number. Every lookup stays inside the company the To number belongs to. Plain SQL: this
 * runs for every inbound SMS and reads only (nothing to track in a unit of work).
 */
@Injectable()
export class SmsThreads {
  constructor(private readonly em: EntityManager) {}

  /**
   * The thread an SMS from `from` answers: the one a quoted thread code names (when SMS copies of
   * it went to this number, however long ago), else the latest thread with an SMS copy to this
   * number within the window (copies skipped or failed reached nobody); null when there is none.
   */
  async threadFor(companyId: string, from: string, body: string, windowDays: number): Promise<SmsThread | null> {
    const codes = threadCodesIn(body);
    if (codes.length > 0) {
      const tagged = await boundSql<{ tag: string; conversation_id: string; client_id: string }>(
        this.em,
        `select t.tag, t.conversation_id, m.client_id from thread_tag t join conversation m on m.id = t.conversation_id
          where t.company_id = ? and t.tag in (${codes.map(() => '?').join(', ')})
            and exists (select 1 from delivery d where d.conversation_id = t.conversation_id and d.company_id = ? and d.channel = 'sms' and d.address = ?)`,
        [companyId, ...codes, companyId, from],
      );
      // The first code written wins when the SMS quotes several.
      const named = codes.map((code) => tagged.find((row) => row.tag === code)).find(Boolean);
      if (named) return { messageId: named.conversation_id, clientId: named.client_id };
    }
    return (await this.latestThreads(companyId, [from], windowDays)).get(from) ?? null;
  }

  /**
   * For each number, the latest thread with an SMS copy to it within the window (copies skipped or
   * failed reached nobody); numbers with none are missing from the map. One query for them all.
   */
  async latestThreads(companyId: string, numbers: string[], windowDays: number): Promise<Map<string, SmsThread>> {
    const distinct = [...new Set(numbers)];
    if (distinct.length === 0) return new Map();
    const rows = await boundSql<{ address: string; conversation_id: string; client_id: string }>(
      this.em,
      `select distinct on (d.address) d.address, d.conversation_id, m.client_id from delivery d join conversation m on m.id = d.conversation_id
        where d.channel = 'sms' and d.address in (${marks(distinct)}) and d.company_id = ? and d.status not in ('skipped', 'failed')
          and d.created_at > now() - make_interval(days => ?)
        order by d.address, d.created_at desc, d.id desc`,
      [...distinct, companyId, windowDays],
    );
    return new Map(rows.map((row) => [row.address, { messageId: row.conversation_id, clientId: row.client_id }]));
  }

  /** Client files this number belongs to, each once, with the name to show for the sender. */
  async knownSenders(companyId: string, from: string): Promise<KnownSender[]> {
    return (await this.knownSendersOf(companyId, [from])).get(from) ?? [];
  }

  /** `knownSenders` of many numbers in one query; numbers nobody knows are missing from the map. */
  async knownSendersOf(companyId: string, numbers: string[]): Promise<Map<string, KnownSender[]>> {
    const distinct = [...new Set(numbers)];
    if (distinct.length === 0) return new Map();
    const list = marks(distinct);
    // An account is the most precise identity (it can be the reply's author), then a contact, then the file.
    const rows = await boundSql<{ number: string; client_id: string; name: string; contact_id: string | null; user_id: string | null }>(
      this.em,
      `select mobile as number, client_id, trim(first_name || ' ' || last_name) as name, null::uuid as contact_id, id as user_id, 1 as rank
         from app_user where company_id = ? and mobile in (${list}) and active and kind <> 'collaborator' and client_id is not null
       union all select phone, client_id, name, id, null, 2 from contact where company_id = ? and phone in (${list})
       union all select mobile, id, name, null, null, 3 from client where company_id = ? and mobile in (${list})
       order by number, rank, client_id`,
      [companyId, ...distinct, companyId, ...distinct, companyId, ...distinct],
    );
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

  /** Who stands as the author of a thread opened by an SMS whose sender has no account: the company's first active manager. */
  async fallbackAuthor(companyId: string): Promise<string | null> {
    const [manager] = await boundSql<{ id: string }>(
      this.em,
      `select id from app_user where company_id = ? and kind = 'collaborator' and role = 'manager' and active order by id limit 1`,
      [companyId],
    );
    return manager?.id ?? null;
  }

  async clientOf(messageId: string): Promise<string | null> {
    const [message] = await boundSql<{ client_id: string }>(this.em, 'select client_id from conversation where id = ?', [messageId]);
    return message?.client_id ?? null;
  }
}
