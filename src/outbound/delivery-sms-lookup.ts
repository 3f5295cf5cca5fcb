import { boundSql } from '../core/database/sql-rows.js';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { DeliveryClaims } from './delivery-claims.js';
import { DeliveryContent } from './delivery-content.js';
import { OUTCOME_UNKNOWN, ProviderError } from '../channels/provider-error.js';
import { type OutgoingSms, SmsGateway } from '../channels/twilio/sms.port.js';
import type { SmsSegments } from './sms/sms-segments.js';
import type { ClaimRow } from './thread-context.js';
import { ThreadContexts } from './thread-context.js';

/** PostgreSQL's SQLSTATE for a unique index refusing a row (raw statements are not converted by the ORM). */
const UNIQUE_VIOLATION = '23505';
/** An SMS Twilio could not be asked about for this long is settled as unknown: someone must decide. */
const GIVE_UP_AFTER_MS = 24 * 3_600_000;
/** Interrupted SMS looked up per reconciler tick: they are rare, and each costs a few Twilio calls. */
const PER_TICK = 50;

export interface SmsLookupResult {
  /** Found at Twilio: settled as sent with its message SID. */
  found: number;
  /** Not found (or Twilio could not be asked with these credentials): failed "outcome unknown". */
  unknown: number;
  /** Twilio could not answer now: left as they were, asked again next tick. */
  deferred: number;
}

/**
 * Settles SMS claims whose worker died after calling Twilio (so Twilio may have the message) by
 * looking for the message in Twilio's message list (recipient, sender, text, since the call)
 * before anyone is offered a retry: found, the copy was sent and gets its provider id; not found,
 * it failed "outcome unknown" and an admin may send it again. The text is rendered again for the
 * comparison: a template edited in between makes it "not found", the outcome from before this
 * lookup existed.
 */
@Injectable()
export class DeliverySmsLookup {
  private readonly logger = new Logger('outbound');

  constructor(
    private readonly em: EntityManager,
    private readonly claims: DeliveryClaims,
    private readonly contexts: ThreadContexts,
    private readonly content: DeliveryContent,
    private readonly gateway: SmsGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async settleStale(staleMs: number): Promise<SmsLookupResult> {
    const result: SmsLookupResult = { found: 0, unknown: 0, deferred: 0 };
    const rows = await this.claims.staleCalled('sms', staleMs, PER_TICK);
    for (const [index, row] of rows.entries()) {
      const outcome = await this.settle(row, new Date(row.provider_called_at));
      result[outcome] += 1;
      // Twilio is not answering: the others wait for the next tick rather than each for its timeout.
      if (outcome === 'deferred') {
        result.deferred += rows.length - index - 1;
        break;
      }
    }
    if (result.found + result.unknown + result.deferred > 0) {
      this.logger.warn(`SMS interrupted mid-send: ${result.found} found at Twilio (sent), ${result.unknown} not found (${OUTCOME_UNKNOWN}), ${result.deferred} to ask again`);
    }
    return result;
  }

  /**
   * The send an attempt whose answer never came (timeout, connection lost) may have made: looked up
   * before the copy is sent again; null when Twilio's list does not show it. Rejects with the
   * gateway's ProviderError when Twilio cannot say.
   */
  async findLostSend(delivery: ClaimRow, sms: OutgoingSms): Promise<{ providerMessageId: string } | null> {
    const [last] = await boundSql<{ at: string | null }>(
      this.em,
      `select max(created_at) as at from delivery_attempt where delivery_id = ? and outcome = 'retrying'`,
      [delivery.id],
    );
    // The lost call began at most one timeout before its retry was recorded.
    const since = new Date((last?.at ? new Date(last.at).getTime() : Date.now()) - this.config.twilio.timeoutMs);
    return this.gateway.findSent({ sms, since, excluding: await this.knownIds(delivery.address) });
  }

  /** Records a send found in Twilio's list as this copy's; false when another copy holds that SID. */
  async recordFound(delivery: ClaimRow, found: { providerMessageId: string }, segments: SmsSegments, detail: string): Promise<boolean> {
    try {
      await this.claims.settleAlone({
        id: delivery.id,
        status: 'sent',
        outcome: 'sent',
        providerMessageId: found.providerMessageId,
        segments: segments.segments,
        encoding: segments.encoding,
        detail,
      });
      return true;
    } catch (error) {
      // Another copy with the same text to the same number recorded that SID meanwhile: it is theirs.
      if (!(error instanceof UniqueConstraintViolationException) && (error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      return false;
    }
  }

  private async settle(row: ClaimRow, calledAt: Date): Promise<keyof SmsLookupResult> {
    let found: { providerMessageId: string } | null;
    let built: Awaited<ReturnType<DeliveryContent['sms']>>;
    try {
      built = await this.content.sms(await this.contexts.complete(row));
      if (!built) return this.unknown(row, 'The worker stopped while sending and the company has no SMS number left to ask Twilio with.');
      found = await this.gateway.findSent({ sms: built.sms, since: calledAt, excluding: await this.knownIds(row.address) });
    } catch (error) {
      if (error instanceof ProviderError && error.failure === 'transient' && Date.now() - calledAt.getTime() < GIVE_UP_AFTER_MS) {
        this.logger.warn(`delivery ${row.id}: Twilio's message list unavailable (${error.message}); asked again next tick`);
        return 'deferred';
      }
      return this.unknown(row, `The worker stopped while sending and Twilio's message list could not be read (${(error as Error).message}).`);
    }
    if (!found) {
      return this.unknown(row, "The worker stopped while sending and Twilio's message list does not show the SMS. Not re-sent automatically (retry allowed).");
    }
    const detail = "The worker stopped while sending; Twilio's message list shows the SMS sent, so it was not sent again.";
    if (await this.recordFound(row, found, built.segments, detail)) return 'found';
    return this.unknown(row, "The worker stopped while sending; the only matching SMS in Twilio's message list belongs to another copy. Not re-sent automatically (retry allowed).");
  }

  private async unknown(row: ClaimRow, detail: string): Promise<'unknown'> {
    await this.claims.settle({ id: row.id, status: 'failed', outcome: 'failed', reason: OUTCOME_UNKNOWN, code: OUTCOME_UNKNOWN, detail });
    return 'unknown';
  }

  /** Twilio ids other copies to this number hold: those messages are theirs (and the id is unique). */
  private async knownIds(address: string): Promise<Set<string>> {
    const rows = await boundSql<{ provider_message_id: string }>(
      this.em,
      `select provider_message_id from delivery where channel = 'sms' and address = ? and provider_message_id is not null`,
      [address],
    );
    return new Set(rows.map((row) => row.provider_message_id));
  }
}
