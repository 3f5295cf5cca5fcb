import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { boundSql } from '../../core/database/sql-rows.js';
import type { QuarantineItem } from '../quarantine/quarantine-item.entity.js';
import type { RerouteOutcome } from '../quarantine/quarantine.service.js';
import { InboundRouter } from '../routing/inbound-router.js';
import { mailItem } from '../routing/routable-items.js';
import { openingIdFor, RoutingActions, type RoutingResult, rerouted } from '../routing/routing-actions.js';
import { classify, type MailKind } from './classify.js';
import { MailEntries, type StoredRow } from './mail-entries.js';
import { type ParsedInbound, parseMail } from './parse-mail.js';
import { storedMail } from './stored-mail.js';

/**
 * The routing rules on mail no thread was waiting for: on its way in (the processor), and again on a
 * quarantined one (an operator added a rule). What the rule did and the row's outcome, with the
 * rule's id, are written in one transaction.
 */
@Injectable()
export class MailRouting {
  constructor(
    private readonly em: EntityManager,
    private readonly router: InboundRouter,
    private readonly actions: RoutingActions,
    private readonly entries: MailEntries,
  ) {}

  /** What the first matching rule did, or null when none matched. */
  async route(row: StoredRow, mail: ParsedInbound & { fromAddress: string }, kind: MailKind): Promise<RoutingResult | null> {
    const item = mailItem(mail, row.mailboxId ?? null, row.receivedAt ?? new Date(), kind);
    const decision = await this.router.decide(this.em.fork(), row.companyId, item);
    if (!decision.rule) return null;
    return this.actions.apply(decision.rule, decision.context, {
      companyId: row.companyId,
      item,
      openingId: openingIdFor(`email:${row.id}`),
      senderName: mail.fromName,
      entry: (conversationId) => this.entries.input(row, mail, conversationId, kind.kind === 'automatic', null),
      finish: async (em, outcome) => {
        await boundSql(
          em,
          `update inbound_email set status = ?, outcome = ?, conversation_id = ?, entry_id = ?, rule_id = ?, processed_at = now(), updated_at = now()
            where id = ? and status in ('received', 'quarantined')`,
          [outcome.status, outcome.outcome, outcome.conversationId, outcome.entryId, outcome.ruleId, row.id],
        );
      },
    });
  }

  /** The rules again on a quarantined mail. */
  async reroute(item: QuarantineItem): Promise<RerouteOutcome> {
    const found = await storedMail(this.em.fork(), item.sourceId, item.companyId);
    const mail = await parseMail(found.raw);
    if (!mail.fromAddress) return { outcome: 'unmatched' };
    const row: StoredRow = { id: found.id, companyId: found.companyId, mailboxId: found.mailboxId ?? undefined, receivedAt: found.receivedAt };
    return rerouted(await this.route(row, { ...mail, fromAddress: mail.fromAddress }, classify(mail)));
  }
}
