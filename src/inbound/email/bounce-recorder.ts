import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Delivery, DeliveryAttempt } from '../../outbound/delivery.entity.js';

/**
 * A delivery report names the Message-ID of the copy that bounced: that delivery is marked failed
 * (with the report's diagnostic) and the attempt recorded, like any provider failure. Our
 * Message-IDs are unique across the deployment: the delivery is found whatever company's mailbox
 * the report reached, and the answer names its company.
 */
@Injectable()
export class BounceRecorder {
  constructor(private readonly em: EntityManager) {}

  /** Returns the delivery marked failed and its company, or null when the report names none of ours. */
  async record(messageIds: string[], diagnostic: string): Promise<{ deliveryId: string; companyId: string } | null> {
    if (messageIds.length === 0) return null;
    const ids = messageIds.map((id) => id.toLowerCase());
    return this.em.fork().transactional(async (em) => {
      const delivery = await em.findOne(Delivery, { channel: 'email', emailMessageId: { $in: ids } });
      if (!delivery) return null;
      if (delivery.status !== 'failed') {
        delivery.status = 'failed';
        delivery.failureReason = `bounce: ${diagnostic}`.slice(0, 1000);
        em.create(DeliveryAttempt, { companyId: delivery.companyId, deliveryId: delivery.id, outcome: 'failed', detail: `bounce: ${diagnostic}`.slice(0, 1000) });
      }
      return { deliveryId: delivery.id, companyId: delivery.companyId };
    });
  }
}
