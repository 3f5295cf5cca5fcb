import { boundSql } from '../core/database/sql-rows.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { newId } from '../core/database/new-id.js';
import { fulfilledAll, MicroBatch } from '../core/batching/micro-batch.js';
import type { DeliveryChannel } from './delivery.entity.js';
import type { ClaimRow } from './thread-context.js';

export type SettledStatus = 'sent' | 'pending' | 'failed' | 'skipped';

/** How a claim ends: its new status, the attempt to record and what the provider said. */
export interface Settlement {
  id: string;
  status: SettledStatus;
  outcome: string;
  reason?: string;
  code?: string | null;
  detail?: string;
  providerMessageId?: string;
  segments?: number;
  encoding?: string;
}

/** Calls made within a millisecond share a statement; a few statements of each kind run at once. */
const BATCHING = { maxBatch: 100, maxInFlight: 4, waitMs: 1 };

const CLAIM_COLUMNS = `d.id, d.company_id, d.conversation_id, d.entry_id, d.channel, d.kind, d.recipient_type, d.recipient_user_id, d.address,
  d.reply_token, d.email_message_id, d.provider_code, d.attempts,
  exists (select 1 from opt_out o where o.company_id = d.company_id and o.channel = d.channel and o.address = d.address) as opted_out`;

/**
 * The claim (pending → sending) and its settlement, as compare-and-set statements on `delivery`.
 * Under load the sends of a worker claim and settle many deliveries at once: calls made within a
 * millisecond share one statement (each still conditional on its own row's status), which saves
 * PostgreSQL round trips and planning without changing what each job sees.
 */
@Injectable()
export class DeliveryClaims {
  private readonly claims = new MicroBatch<string, ClaimRow | null>(async (ids) => fulfilledAll(await this.claimMany(ids)), BATCHING);
  private readonly settlements = new MicroBatch<Settlement, void>(async (list) => fulfilledAll(await this.settleMany(list)), BATCHING);
  private readonly calls = new MicroBatch<string, boolean>(async (ids) => fulfilledAll(await this.markCalling(ids)), BATCHING);

  constructor(private readonly em: EntityManager) {}

  /** The delivery, now `sending` and ours; null when it was not pending (sent, taken, retried). */
  claim(id: string): Promise<ClaimRow | null> {
    return this.claims.add(id);
  }

  /**
   * Records, durably, that the provider is about to be called under this claim; false when the
   * claim was lost meanwhile (then nothing must be sent).
   */
  providerCalling(id: string): Promise<boolean> {
    return this.calls.add(id);
  }

  /**
   * Claims of a channel left `sending` after the provider was called, older than `staleMs` (their
   * worker died mid-send), oldest first: what the provider may or may not have.
   */
  staleCalled(channel: DeliveryChannel, staleMs: number, limit: number): Promise<(ClaimRow & { provider_called_at: Date })[]> {
    return boundSql<ClaimRow & { provider_called_at: Date }>(
      this.em,
      `select ${CLAIM_COLUMNS}, d.provider_called_at from delivery d
        where d.status = 'sending' and d.channel = ? and d.provider_called_at is not null and d.claimed_at < now() - (? * interval '1 millisecond')
        order by d.claimed_at limit ?`,
      [channel, staleMs, limit],
    );
  }

  /** Ends (or hands back) a claim and records the attempt; a row no longer `sending` is left alone. */
  settle(settlement: Settlement): Promise<void> {
    return this.settlements.add(settlement);
  }

  /**
   * `settle` in a statement of its own: for a settlement that may be refused (a provider id another
   * row holds, under the unique index), which must not fail the sends batched with it.
   */
  async settleAlone(settlement: Settlement): Promise<void> {
    await this.settleMany([settlement]);
  }

  private async claimMany(ids: string[]): Promise<(ClaimRow | null)[]> {
    const rows = await boundSql<ClaimRow>(
      this.em,
      `update delivery d set status = 'sending', claimed_at = now(), updated_at = now(), attempts = attempts + 1
        where d.id in (${ids.map(() => '?').join(', ')}) and d.status = 'pending'
       returning ${CLAIM_COLUMNS}`,
      ids,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    // The same delivery asked twice in one batch (a stalled job and its re-run): one claim only.
    return ids.map((id) => {
      const row = byId.get(id) ?? null;
      byId.delete(id);
      return row;
    });
  }

  private async markCalling(ids: string[]): Promise<boolean[]> {
    const rows = await boundSql<{ id: string }>(
      this.em,
      `update delivery set provider_called_at = now() where id in (${ids.map(() => '?').join(', ')}) and status = 'sending' returning id`,
      ids,
    );
    const marked = new Set(rows.map((row) => row.id));
    return ids.map((id) => marked.has(id));
  }

  private async settleMany(list: Settlement[]): Promise<void[]> {
    const values: unknown[] = [];
    for (const s of list) {
      values.push(s.id, s.status, s.status === 'sent' ? null : (s.reason ?? null), s.code ?? null, s.providerMessageId ?? null, s.segments ?? null,
        s.encoding ?? null, newId(), s.outcome, s.detail?.slice(0, 1000) ?? s.reason ?? null);
    }
    const row = '(?::uuid, ?::text, ?::text, ?::text, ?::text, ?::int, ?::text, ?::uuid, ?::text, ?::text)';
    await boundSql(
      this.em,
      `with input (id, status, reason, code, provider_message_id, segments, encoding, attempt_id, outcome, detail) as (values ${list.map(() => row).join(', ')}),
       settled as (
         update delivery d set status = i.status, updated_at = now(), claimed_at = null,
                provider_called_at = case when i.status = 'pending' then null else d.provider_called_at end,
                sent_at = case when i.status = 'sent' then now() else d.sent_at end,
                failure_reason = i.reason, provider_code = i.code,
                provider_message_id = coalesce(i.provider_message_id, d.provider_message_id),
                segments = coalesce(i.segments, d.segments), encoding = coalesce(i.encoding, d.encoding)
           from input i where d.id = i.id and d.status = 'sending' returning d.id, d.company_id)
       insert into delivery_attempt (id, created_at, updated_at, company_id, delivery_id, outcome, provider_code, detail)
       select i.attempt_id, now(), now(), s.company_id, s.id, i.outcome, i.code, i.detail from settled s join input i on i.id = s.id`,
      values,
    );
    return list.map(() => undefined);
  }
}
