import { boundSql } from '../core/database/sql-rows.js';
import { OptOutsService } from './opt-outs.service.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { scrub } from '../core/logging/redact.js';
import { HandlesJob } from '../core/queue/job-handler.decorator.js';
import type { JobPayload } from '../core/queue/jobs.js';
import type { DeliveryChannel } from './delivery.entity.js';
import { DeliveryClaims, type SettledStatus, type Settlement } from './delivery-claims.js';
import { DeliveryContent } from './delivery-content.js';
import { DeliverySmsLookup } from './delivery-sms-lookup.js';
import { CommitRefused, EmailTransport } from './email/email.port.js';
import { ProviderError } from '../channels/provider-error.js';
import { ChannelRateLimiter } from './rate-limiter.js';
import { SmsGateway } from '../channels/twilio/sms.port.js';
import { type ClaimedDelivery, type ClaimRow, ThreadContexts } from './thread-context.js';
import { ConversationKinds } from '../conversations/conversation-kinds.js';

type Payload = JobPayload<'outbound.send-email'>;

/** Provider codes of an SMS attempt whose request may have reached Twilio without its answer reaching us. */
const LOST_ANSWER = new Set(['timeout', 'network']);

/**
 * Claims the delivery (pending → sending, a compare-and-set in PostgreSQL) and only then calls the
 * provider: a job run twice, stalled or retried finds the delivery no longer pending and does
 * nothing. The claim is settled by the outcome: sent, pending again for a transient error (the job
 * is retried with backoff), failed, or skipped. At the provider's point of no return the claim is
 * marked (`provider_called_at`): for SMS just before the HTTP call, for email and fax once the relay
 * took the whole message but before SMTP's final dot commits it. A worker that dies after the claim
 * leaves it `sending`; the reconciler sends it again if that mark is missing (the provider cannot
 * have it), else settles it as "outcome unknown". An SMS retried because the previous answer never
 * came (timeout, connection lost) is first looked up in Twilio's message list: Twilio may have it.
 */
@Injectable()
export class DeliverySender {
  private readonly logger = new Logger('outbound');

  constructor(
    private readonly em: EntityManager,
    private readonly content: DeliveryContent,
    private readonly contexts: ThreadContexts,
    private readonly claims: DeliveryClaims,
    private readonly email: EmailTransport,
    private readonly smsGateway: SmsGateway,
    private readonly smsLookup: DeliverySmsLookup,
    private readonly limiter: ChannelRateLimiter,
    private readonly optOuts: OptOutsService,
    private readonly kinds: ConversationKinds,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @HandlesJob('outbound.send-email')
  sendEmail(payload: Payload, job: Job): Promise<void> {
    return this.send('email', payload.deliveryId, job);
  }

  @HandlesJob('outbound.send-sms')
  sendSms(payload: Payload, job: Job): Promise<void> {
    return this.send('sms', payload.deliveryId, job);
  }

  @HandlesJob('outbound.send-fax')
  sendFax(payload: Payload, job: Job): Promise<void> {
    return this.send('fax', payload.deliveryId, job);
  }

  private async send(channel: DeliveryChannel, deliveryId: string, job: Job): Promise<void> {
    if (this.config.outbound.ratePerSecond[channel] > 0) {
      const [row] = await this.sql<{ company_id: string }>(`select company_id from delivery where id = ? and status = 'pending'`, [deliveryId]);
      if (!row) return;
      await this.limiter.take(channel, row.company_id);
    }
    const delivery = await this.claim(deliveryId, job);
    if (!delivery) return;
    // Opted out after the copy was relayed: still never sent.
    if (delivery.opted_out) return this.settle(delivery, 'skipped', 'skipped', { reason: 'opted_out' });
    let providerCalled = false;
    try {
      // An account's copy whose conversation that account may no longer see (a discussion hidden since): never sent.
      if (!(await this.stillShown(delivery))) return await this.settle(delivery, 'skipped', 'skipped', { reason: 'not_visible' });
      if (channel === 'sms') {
        const built = await this.content.sms(delivery);
        if (!built) return await this.settle(delivery, 'skipped', 'skipped', { reason: 'no_sender' });
        // The previous attempt's answer never came: Twilio may have the SMS, so look before sending it twice.
        if (LOST_ANSWER.has(delivery.provider_code ?? '')) {
          const found = await this.smsLookup.findLostSend(delivery, built.sms).catch((error: unknown) => {
            // Twilio cannot say now: the retry must look again, so it keeps the lost answer's code.
            if (error instanceof ProviderError && error.failure === 'transient') throw new ProviderError('transient', error.message, delivery.provider_code);
            throw error;
          });
          const detail = "The previous attempt's answer never came; Twilio's message list shows the SMS sent, so it was not sent again.";
          if (found && (await this.smsLookup.recordFound(delivery, found, built.segments, detail))) return;
        }
        if (!(await this.claims.providerCalling(delivery.id))) return;
        providerCalled = true;
        const { providerMessageId } = await this.smsGateway.send(built.sms);
        await this.settle(delivery, 'sent', 'sent', { providerMessageId, segments: built.segments.segments, encoding: built.segments.encoding });
        return;
      }
      const from = await this.content.sender(delivery.company_id);
      if (!from) return await this.settle(delivery, 'skipped', 'skipped', { reason: 'no_sender' });
      const mail = channel === 'email' ? await this.content.email(delivery, from) : await this.content.fax(delivery, from);
      // The mark is written at SMTP's point of no return, once the relay took envelope and content and
      // only the final dot is left: a worker killed before it leaves a copy the relay discarded.
      const { response } = await this.email.send(mail, async () => (providerCalled = await this.claims.providerCalling(delivery.id)));
      await this.settle(delivery, 'sent', 'sent', { detail: response.slice(0, 200) });
    } catch (error) {
      if (error instanceof ProviderError) return this.refused(delivery, error, job);
      if (error instanceof CommitRefused) return; // the claim was lost meanwhile: its new owner decides
      // Nothing left the building: give the claim back so the retry can take it (or fail on the last attempt).
      if (!providerCalled) await this.handBack(delivery, error as Error, job);
      throw error;
    }
  }

  private async refused(delivery: ClaimedDelivery, error: ProviderError, job: Job): Promise<void> {
    // The provider's words are kept for whoever reads the history, minus the numbers and addresses
    // they quote (Twilio's 21211 names the number): the same scrubbing as the logs.
    const common = { reason: error.failure, code: error.providerCode, detail: scrub(error.message) };
    if (error.failure === 'transient') {
      const attemptsLeft = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      if (attemptsLeft) {
        await this.settle(delivery, 'pending', 'retrying', common);
        throw error; // BullMQ retries after its exponential backoff
      }
      return this.settle(delivery, 'failed', 'failed', { ...common, reason: 'provider_unavailable' });
    }
    if (error.failure === 'opted_out') {
      await this.optOuts.optOut(this.em, { companyId: delivery.company_id, channel: delivery.channel, address: delivery.address }, 'provider', error.message);
      return this.settle(delivery, 'skipped', 'skipped', { ...common, reason: 'opted_out' });
    }
    this.logger.warn(`delivery ${delivery.id} failed (${error.failure}): ${error.message}`);
    return this.settle(delivery, 'failed', 'failed', common);
  }

  private async stillShown(delivery: ClaimedDelivery): Promise<boolean> {
    const kind = delivery.recipient_user_id ? this.kinds.find(delivery.conversation_kind) : undefined;
    if (!kind?.copyStillShown) return true;
    return kind.copyStillShown(this.em.fork(), delivery.conversation_id, delivery.recipient_user_id!);
  }

  /** pending → sending (compare-and-set), then the thread's context (cached per message). */
  private async claim(id: string, job: Job): Promise<ClaimedDelivery | null> {
    const row = await this.claims.claim(id);
    if (!row) return null;
    try {
      return await this.contexts.complete(row);
    } catch (error) {
      await this.handBack(row, error as Error, job);
      throw error;
    }
  }

  /** An error of ours before any send: pending again for the next attempt, failed after the last. */
  private handBack(delivery: Pick<ClaimRow, 'id'>, error: Error, job: Job): Promise<void> {
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.settle(delivery, last ? 'failed' : 'pending', last ? 'failed' : 'retrying', { reason: 'internal_error', detail: scrub(error.message) });
  }

  private settle(delivery: Pick<ClaimRow, 'id'>, status: SettledStatus, outcome: string, info: Omit<Settlement, 'id' | 'status' | 'outcome'>): Promise<void> {
    return this.claims.settle({ id: delivery.id, status, outcome, ...info });
  }

  private sql<T>(query: string, params: unknown[]): Promise<T[]> {
    return boundSql<T>(this.em, query, params);
  }
}
