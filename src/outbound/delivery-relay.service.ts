import { newId } from '../core/database/new-id.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { toE164 } from '../core/phone/phone-number.js';
import type { DeliveryChannel } from './delivery.entity.js';
import { sqlIn } from '../core/database/sql-rows.js';
import { DeliveryQueue } from './delivery-queue.js';
import { newReplyToken, ReplyAddressing } from './reply-addressing.js';

interface OutboxRow {
  id: string;
  company_id: string;
  conversation_id: string;
  entry_id: string | null;
  recipient_type: 'client' | 'user';
  recipient_user_id: string | null;
  channel: DeliveryChannel;
  client_id: string;
  client_email: string | null;
  client_mobile: string | null;
  client_fax: string | null;
  user_email: string | null;
  user_mobile: string | null;
  sender: string | null;
  sms_numbers: number;
  fax_pattern: string | null;
}

/** Where a copy goes, or why it will not be sent. */
type Routing = { address: string } | { address: string | null; skip: 'no_address' | 'no_sender' | 'opted_out' } | { address: string; fail: string };

/**
 * Moves outbox rows (written with their message) to deliveries and queue jobs. In one transaction
 * the rows are locked (skip locked: several workers share the work), each becomes one delivery —
 * addressed, or skipped/failed with its reason — and is marked relayed; after the commit the jobs
 * are added (awaited). A crash between the commit and the adds leaves deliveries pending, which
 * the reconciler enqueues again; jobs are keyed by delivery id and the send claims the delivery,
 * so nothing is sent twice.
 */
@Injectable()
export class DeliveryRelay {
  constructor(
    private readonly em: EntityManager,
    private readonly addressing: ReplyAddressing,
    private readonly queue: DeliveryQueue,
  ) {}

  /** Relays up to `limit` outbox rows; returns how many it took. */
  async relayBatch(limit = 1000): Promise<number> {
    const toEnqueue: { id: string; channel: DeliveryChannel }[] = [];
    const taken = await this.em.transactional(async (em) => {
      const rows = await sqlIn<OutboxRow>(
        em,
        `select oc.id, oc.company_id, oc.conversation_id, oc.entry_id, oc.recipient_type, oc.recipient_user_id, oc.channel, m.client_id,
                c.email as client_email, c.mobile as client_mobile, c.fax as client_fax, u.email as user_email, u.mobile as user_mobile,
                es.address as sender, (select count(*)::int from sms_number sn where sn.company_id = oc.company_id) as sms_numbers,
                fg.address_pattern as fax_pattern
           from outbox_copy oc
           join message m on m.id = oc.conversation_id
           join client c on c.id = m.client_id
           left join app_user u on u.id = oc.recipient_user_id
           left join email_sender es on es.company_id = oc.company_id
           left join fax_gateway fg on fg.company_id = oc.company_id
          where oc.status = 'pending'
          order by oc.id
          limit ?
          for update of oc skip locked`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const optedOut = await this.optedOut(em, rows);
      const now = new Date();
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (const row of rows) {
        const routing = this.route(row, optedOut);
        const id = newId();
        const status = 'skip' in routing ? 'skipped' : 'fail' in routing ? 'failed' : 'pending';
        const reason = 'skip' in routing ? routing.skip : 'fail' in routing ? routing.fail : null;
        const email = row.channel === 'email' && status === 'pending';
        tuples.push('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
        values.push(id, now, now, row.company_id, row.id, row.conversation_id, row.entry_id, row.channel, row.recipient_type, row.recipient_user_id,
          row.recipient_type === 'client' ? row.client_id : null, routing.address, status, reason,
          email ? newReplyToken() : null, email ? this.addressing.newMessageId() : null);
        if (status === 'pending') toEnqueue.push({ id, channel: row.channel });
      }
      await sqlIn(
        em,
        `insert into delivery (id, created_at, updated_at, company_id, outbox_copy_id, conversation_id, entry_id, channel, recipient_type, recipient_user_id,
           recipient_client_id, address, status, failure_reason, reply_token, email_message_id)
         values ${tuples.join(', ')} on conflict (outbox_copy_id) do nothing`,
        values,
      );
      await sqlIn(em, `update outbox_copy set status = 'relayed', updated_at = ? where id in (${rows.map(() => '?').join(', ')})`, [now, ...rows.map((r) => r.id)]);
      return rows.length;
    });
    await this.queue.addNew(toEnqueue);
    return taken;
  }

  private route(row: OutboxRow, optedOut: Set<string>): Routing {
    const raw =
      row.channel === 'email'
        ? row.recipient_type === 'client' ? row.client_email : row.user_email
        : row.channel === 'sms'
          ? row.recipient_type === 'client' ? row.client_mobile : row.user_mobile
          : row.recipient_type === 'client' ? row.client_fax : null;
    if (!raw?.trim()) return { address: null, skip: 'no_address' };
    if (row.channel === 'email') {
      const address = raw.trim().toLowerCase();
      if (!row.sender) return { address, skip: 'no_sender' };
      return optedOut.has(`${row.company_id}|email|${address}`) ? { address, skip: 'opted_out' } : { address };
    }
    const number = toE164(raw);
    if (!number) return { address: raw, fail: 'invalid_number' };
    if (optedOut.has(`${row.company_id}|${row.channel}|${number}`)) return { address: number, skip: 'opted_out' };
    if (row.channel === 'sms') return row.sms_numbers > 0 ? { address: number } : { address: number, skip: 'no_sender' };
    if (!row.fax_pattern || !row.sender) return { address: number, skip: 'no_sender' };
    return { address: row.fax_pattern.replace('{number}', number.slice(1)) };
  }

  private async optedOut(em: EntityManager, rows: OutboxRow[]): Promise<Set<string>> {
    const companies = [...new Set(rows.map((r) => r.company_id))];
    const found = await sqlIn<{ company_id: string; channel: string; address: string }>(
      em,
      `select company_id, channel, address from opt_out where company_id in (${companies.map(() => '?').join(', ')})`,
      companies,
    );
    return new Set(found.map((o) => `${o.company_id}|${o.channel}|${o.address}`));
  }
}
