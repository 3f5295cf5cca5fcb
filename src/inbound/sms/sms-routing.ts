import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql } from '../../core/database/sql-rows.js';
import { NotFoundError } from '../../core/errors/domain-error.js';
import { toE164 } from '../../core/phone/phone-number.js';
import type { QuarantineItem } from '../quarantine/quarantine-item.entity.js';
import type { RerouteOutcome } from '../quarantine/quarantine.service.js';
import { InboundRouter } from '../routing/inbound-router.js';
import { smsItem } from '../routing/routable-items.js';
import { openingIdFor, RoutingActions, type RoutingResult, rerouted } from '../routing/routing-actions.js';
import { InboundSms } from './inbound-sms.entity.js';
import { smsEntryInput } from './sms-entry.js';
import { type KnownSender, SmsThreads } from './sms-threads.service.js';

/**
 * The routing rules on an SMS no thread was waiting for: on its way in (the processor), and again on
 * a quarantined one. What the rule did and the row's outcome, with the rule's id, are written in one
 * transaction.
 */
@Injectable()
export class SmsRouting {
  constructor(
    private readonly em: EntityManager,
    private readonly router: InboundRouter,
    private readonly actions: RoutingActions,
    private readonly threads: SmsThreads,
  ) {}

  /** What the first matching rule did, or null when none matched. */
  async route(sms: InboundSms, from: string, senders: KnownSender[]): Promise<RoutingResult | null> {
    const item = smsItem({ from, toRaw: sms.toRaw, body: sms.body, media: sms.media.length, receivedAt: sms.createdAt });
    const decision = await this.router.decide(this.em.fork(), sms.companyId, item);
    if (!decision.rule) return null;
    return this.actions.apply(decision.rule, decision.context, {
      companyId: sms.companyId,
      item,
      openingId: openingIdFor(`sms:${sms.id}`),
      senderName: senders[0]?.name ?? null,
      entry: (conversationId) => Promise.resolve(smsEntryInput(sms, from, conversationId, senders.length === 1 ? senders[0] : null)),
      finish: async (em, outcome) => {
        await boundSql(
          em,
          `update inbound_sms set status = ?, outcome = ?, conversation_id = ?, entry_id = ?, rule_id = ?, from_address = ?, processed_at = now(), updated_at = now()
            where id = ? and status in ('received', 'quarantined')`,
          [outcome.status, outcome.outcome, outcome.conversationId, outcome.entryId, outcome.ruleId, from, sms.id],
        );
      },
    });
  }

  /** The rules again on a quarantined SMS. */
  async reroute(item: QuarantineItem): Promise<RerouteOutcome> {
    const sms = await this.em.fork().findOne(InboundSms, { id: item.sourceId, companyId: item.companyId });
    if (!sms) throw new NotFoundError('Inbound SMS');
    const from = sms.fromAddress ?? toE164(sms.fromRaw);
    if (!from) return { outcome: 'unmatched' };
    return rerouted(await this.route(sms, from, await this.threads.knownSenders(sms.companyId, from)));
  }
}
