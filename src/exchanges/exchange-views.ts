import type { EntityManager } from '@mikro-orm/postgresql';
import type { CopyStatuses } from '../conversations/copy-statuses.js';
import { toView } from '../core/http/views.js';
import { ExchangeView } from './dto/intervention.views.js';
import type { ExchangeTypes } from './exchange-types.js';
import type { Exchange } from './intervention.entity.js';

/**
 * Views of exchanges: the company's wording of their types, who sent and received them by their
 * direction, and where their copies stand (asked of the core, which outbound answers).
 */
export async function exchangeViews(em: EntityManager, types: ExchangeTypes, copies: CopyStatuses, companyId: string, exchanges: Exchange[]): Promise<ExchangeView[]> {
  if (exchanges.length === 0) return [];
  const sent = exchanges.filter((x) => x.sentAt && x.entryId).map((x) => x.entryId!);
  const [labels, statuses] = await Promise.all([types.list(companyId, em), copies.of(em, sent)]);
  const labelOf = new Map(labels.map((t) => [t.key, t.label]));
  return exchanges.map((x) => {
    const own = x.entryId ? (statuses.get(x.entryId) ?? []) : [];
    const transmitted = x.direction === 'transmitted';
    return {
      ...toView(ExchangeView, x),
      typeLabel: labelOf.get(x.type) ?? x.type,
      sentById: transmitted ? x.staffUserId : x.contactId,
      receivedById: transmitted ? x.contactId : x.staffUserId,
      // Sent but not relayed yet: its copy is still in the outbox, about to be a pending delivery.
      deliveryStatus: x.sentAt ? (own.at(-1)?.status ?? 'pending') : null,
      copies: own.map(({ channel, address, status, failureReason }) => ({ channel, address, status, failureReason })),
    };
  });
}
