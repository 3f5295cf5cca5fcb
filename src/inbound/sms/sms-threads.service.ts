import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { threadCodesIn } from './sms-text.js';

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
    const connection = this.em.getConnection();
    const codes = threadCodesIn(body);
    if (codes.length > 0) {
      const tagged = await connection.execute<{ tag: string; message_id: string; client_id: string }[]>(
        `select t.tag, t.message_id, m.client_id from thread_tag t join message m on m.id = t.message_id
          where t.company_id = ? and t.tag in (${codes.map(() => '?').join(', ')})
            and exists (select 1 from delivery d where d.message_id = t.message_id and d.company_id = ? and d.channel = 'sms' and d.address = ?)`,
        [companyId, ...codes, companyId, from],
      );
      // The first code written wins when the SMS quotes several.
      const named = codes.map((code) => tagged.find((row) => row.tag === code)).find(Boolean);
      if (named) return { messageId: named.message_id, clientId: named.client_id };
    }
    const [latest] = await connection.execute<{ message_id: string; client_id: string }[]>(
      `select d.message_id, m.client_id from delivery d join message m on m.id = d.message_id
        where d.channel = 'sms' and d.address = ? and d.company_id = ? and d.status not in ('skipped', 'failed')
          and d.created_at > now() - make_interval(days => ?)
        order by d.created_at desc, d.id desc limit 1`,
      [from, companyId, windowDays],
    );
    return latest ? { messageId: latest.message_id, clientId: latest.client_id } : null;
  }

  /** Client files this number belongs to, each once, with the name to show for the sender. */
  async knownSenders(companyId: string, from: string): Promise<KnownSender[]> {
    // An account is the most precise identity (it can be the reply's author), then a contact, then the file.
    const rows = await this.em.getConnection().execute<{ client_id: string; name: string; contact_id: string | null; user_id: string | null }[]>(
      `select client_id, trim(first_name || ' ' || last_name) as name, null::uuid as contact_id, id as user_id, 1 as rank
         from app_user where company_id = ? and mobile = ? and active and kind <> 'collaborator' and client_id is not null
       union all select client_id, name, id, null, 2 from contact where company_id = ? and phone = ?
       union all select id, name, null, null, 3 from client where company_id = ? and mobile = ?
       order by rank, client_id`,
      [companyId, from, companyId, from, companyId, from],
    );
    const byClient = new Map<string, KnownSender>();
    for (const row of rows) {
      const known = byClient.get(row.client_id);
      if (!known) byClient.set(row.client_id, { clientId: row.client_id, name: row.name, contactId: row.contact_id, userId: row.user_id });
      else known.contactId ??= row.contact_id;
    }
    return [...byClient.values()];
  }

  /** Who stands as the author of a thread opened by an SMS whose sender has no account: the company's first active manager. */
  async fallbackAuthor(companyId: string): Promise<string | null> {
    const [manager] = await this.em.getConnection().execute<{ id: string }[]>(
      `select id from app_user where company_id = ? and kind = 'collaborator' and role = 'manager' and active order by id limit 1`,
      [companyId],
    );
    return manager?.id ?? null;
  }

  async clientOf(messageId: string): Promise<string | null> {
    const [message] = await this.em.getConnection().execute<{ client_id: string }[]>('select client_id from message where id = ?', [messageId]);
    return message?.client_id ?? null;
  }
}
