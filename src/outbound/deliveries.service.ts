import { boundSql } from '../core/database/sql-rows.js';
import { newId } from '../core/database/new-id.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { containsPattern, type Page, pageWindow, toPage } from '../core/http/params.js';
import { Delivery, DeliveryAttempt } from './delivery.entity.js';
import { DeliveryQueue } from './delivery-queue.js';
import { OUTCOME_UNKNOWN } from '../channels/provider-error.js';
import { ReplyAddressing } from './reply-addressing.js';
import type { DeliveryDetailView, DeliveryFilter, DeliveryView } from './dto/outbound.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The reply token is left out: whoever holds it can post into the thread as the recipient. */
export function deliveryView(d: Delivery): DeliveryView {
  return {
    id: d.id, messageId: d.conversationId, replyId: d.entryId, channel: d.channel, kind: d.kind, recipientType: d.recipientType,
    recipientUserId: d.recipientUserId, recipientClientId: d.recipientClientId, address: d.address, status: d.status,
    failureReason: d.failureReason, providerCode: d.providerCode, emailMessageId: d.emailMessageId, providerMessageId: d.providerMessageId,
    segments: d.segments, encoding: d.encoding, attempts: d.attempts, sentAt: d.sentAt, deliveredAt: d.deliveredAt, createdAt: d.createdAt,
  };
}

/** Deliveries of the caller's company: list, detail with attempts, and retry of failed ones. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly em: EntityManager,
    private readonly queue: DeliveryQueue,
    private readonly addressing: ReplyAddressing,
  ) {}

  async list(auth: AuthContext, filter: DeliveryFilter): Promise<Page<DeliveryView>> {
    const { limit, after } = pageWindow(filter);
    const recipient = filter.recipient?.trim();
    const byRecipient = !recipient
      ? {}
      : UUID.test(recipient)
        ? { $or: [{ recipientUserId: recipient }, { recipientClientId: recipient }] }
        : { address: { $ilike: containsPattern(recipient.toLowerCase()) } };
    const rows = await this.em.find(
      Delivery,
      {
        companyId: auth.companyId,
        ...after,
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.channel ? { channel: filter.channel } : {}),
        ...(filter.messageId ? { conversationId: filter.messageId } : {}),
        ...byRecipient,
      },
      { orderBy: { id: 'asc' }, limit: limit + 1 },
    );
    return toPage(rows, limit, deliveryView);
  }

  async get(auth: AuthContext, id: string): Promise<DeliveryDetailView> {
    const delivery = await this.find(auth, id);
    const attempts = await this.em.find(DeliveryAttempt, { deliveryId: id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return { ...deliveryView(delivery), history: attempts.map((a) => ({ outcome: a.outcome, providerCode: a.providerCode, detail: a.detail, at: a.createdAt })) };
  }

  /**
   * A failed delivery goes back to pending and is enqueued again; any other status is a 409. An
   * email or fax whose first copy may have arrived ("outcome unknown") gets a new Message-ID:
   * receivers drop a second message with the same one as a duplicate. Its reply token stays, so a
   * reply to either copy threads.
   */
  async retry(auth: AuthContext, id: string): Promise<DeliveryDetailView> {
    const delivery = await this.find(auth, id);
    const renamed = delivery.failureReason === OUTCOME_UNKNOWN && delivery.emailMessageId !== null;
    const messageId = renamed ? this.addressing.newMessageId() : delivery.emailMessageId;
    const detail = renamed ? `by ${auth.userId}; new Message-ID <${messageId}>, the earlier copy <${delivery.emailMessageId}> may have arrived` : `by ${auth.userId}`;
    const updated = await boundSql<{ id: string }>(
      this.em,
      `with retried as (
         update delivery set status = 'pending', failure_reason = null, provider_code = null, email_message_id = ?, updated_at = now()
          where id = ? and company_id = ? and status = 'failed' and failure_reason is not distinct from ? and email_message_id is not distinct from ?
          returning id, company_id)
       insert into delivery_attempt (id, created_at, updated_at, company_id, delivery_id, outcome, detail)
       select ?, now(), now(), company_id, id, 'retry_requested', ? from retried returning delivery_id as id`,
      [messageId, id, auth.companyId, delivery.failureReason, delivery.emailMessageId, newId(), detail],
    );
    if (updated.length === 0) throw new DomainError('conflict', `Only a failed delivery can be retried; this one is ${delivery.status}`, { status: delivery.status });
    await this.queue.ensure([{ id, channel: delivery.channel }]);
    this.em.clear();
    return this.get(auth, id);
  }

  private async find(auth: AuthContext, id: string): Promise<Delivery> {
    const delivery = await this.em.findOne(Delivery, { companyId: auth.companyId, id });
    if (!delivery) throw new NotFoundError('Delivery');
    return delivery;
  }
}
