import { newId } from '../core/database/new-id.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { toE164 } from '../core/phone/phone-number.js';
import type { DeliveryChannel } from './delivery.entity.js';
import { boundSql } from '../core/database/sql-rows.js';
import { DeliveryQueue } from './delivery-queue.js';
import { newReplyToken, ReplyAddressing } from './reply-addressing.js';
import { AccountDirectory } from '../accounts/account-directory.js';
import { ChannelSenders } from '../channels/channel-senders.js';
import { ClientDirectory } from '../clients/client-directory.js';
import { Outbox, type PendingCopy } from '../conversations/outbox.js';

/** An outbox row with where its recipient can be reached and what its company can send with. */
interface OutboxRow extends PendingCopy {
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
 * Moves outbox rows (written with their conversation or entry) to deliveries and queue jobs. In one transaction
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
    private readonly outbox: Outbox,
    private readonly clients: ClientDirectory,
    private readonly accounts: AccountDirectory,
    private readonly senders: ChannelSenders,
  ) {}

  /** Relays up to `limit` outbox rows; returns how many it took. */
  async relayBatch(limit = 1000): Promise<number> {
    const toEnqueue: { id: string; channel: DeliveryChannel }[] = [];
    const taken = await this.em.transactional(async (em) => {
      const rows = await this.addressed(em, await this.outbox.take(em, limit));
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
      await boundSql(
        em,
        `insert into delivery (id, created_at, updated_at, company_id, outbox_copy_id, conversation_id, entry_id, channel, recipient_type, recipient_user_id,
           recipient_client_id, address, status, failure_reason, reply_token, email_message_id)
         values ${tuples.join(', ')} on conflict (outbox_copy_id) do nothing`,
        values,
      );
      await this.outbox.markRelayed(em, rows.map((r) => r.id), now);
      return rows.length;
    });
    await this.queue.addNew(toEnqueue);
    return taken;
  }

  /** Each row with its recipient's addresses and its company's senders, asked of their owners (one statement each per batch). */
  private async addressed(em: EntityManager, copies: PendingCopy[]): Promise<OutboxRow[]> {
    if (copies.length === 0) return [];
    const [clients, users, senders] = await Promise.all([
      this.clients.contactPoints(em, copies.flatMap((c) => (c.client_id ? [c.client_id] : []))),
      this.accounts.contactPoints(em, copies.flatMap((c) => (c.recipient_user_id ? [c.recipient_user_id] : []))),
      this.senders.of(em, copies.map((c) => c.company_id)),
    ]);
    return copies.map((copy) => {
      const client = copy.client_id ? clients.get(copy.client_id) : undefined;
      const user = copy.recipient_user_id ? users.get(copy.recipient_user_id) : undefined;
      const sender = senders.get(copy.company_id);
      return {
        ...copy,
        client_email: client?.email ?? null,
        client_mobile: client?.mobile ?? null,
        client_fax: client?.fax ?? null,
        user_email: user?.email ?? null,
        user_mobile: user?.mobile ?? null,
        sender: sender?.email?.address ?? null,
        sms_numbers: sender?.smsNumbers ?? 0,
        fax_pattern: sender?.faxPattern ?? null,
      };
    });
  }

  private route(row: OutboxRow, optedOut: Set<string>): Routing {
    const raw = row.recipient_address ?? (
      row.channel === 'email'
        ? row.recipient_type === 'client' ? row.client_email : row.user_email
        : row.channel === 'sms'
          ? row.recipient_type === 'client' ? row.client_mobile : row.user_mobile
          : row.recipient_type === 'client' ? row.client_fax : null);
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
    const found = await boundSql<{ company_id: string; channel: string; address: string }>(
      em,
      `select company_id, channel, address from opt_out where company_id in (${companies.map(() => '?').join(', ')})`,
      companies,
    );
    return new Set(found.map((o) => `${o.company_id}|${o.channel}|${o.address}`));
  }
}
