import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AccountDirectory } from '../../accounts/account-directory.js';
import { ClientDirectory } from '../../clients/client-directory.js';
import { ConversationKinds } from '../../conversations/conversation-kinds.js';
import { InboundAppend, type InboundEntryInput } from '../../conversations/inbound-append.js';
import { boundSql } from '../../core/database/sql-rows.js';
import { TIME_ZONE } from '../../core/format/french-dates.js';
import { CopyCircle } from '../../structures/copy-circle.js';
import type { RerouteOutcome } from '../quarantine/quarantine.service.js';
import type { RuleRow } from './inbound-router.js';
export { openingIdFor } from './opening-id.js';
import type { RoutableItem, RoutingContext } from './routing-rule.js';

/** How a routed item ended, as its inbound row records it (with the rule, in the same transaction). */
export interface RoutedOutcome {
  status: 'routed' | 'dropped';
  conversationId: string | null;
  entryId: string | null;
  ruleId: string;
  outcome: string;
}

/** What a channel gives the routing actions about one of its items. */
export interface RoutedItem {
  companyId: string;
  item: RoutableItem;
  /** The id a new conversation for the item takes: stored with the item first, so a retry opens the same one. */
  openingId: string;
  senderName: string | null;
  /** The entry the item makes in a conversation (its text, original, attachments). */
  entry(conversationId: string): Promise<InboundEntryInput>;
  /** Writes the item's outcome, in the caller's transaction (a compare-and-set on a row still to process). */
  finish(em: EntityManager, outcome: RoutedOutcome): Promise<void>;
}

/** What became of the item: done (its outcome written), or to be quarantined with the rule's label. */
export type RoutingResult = { done: true; outcome: RoutedOutcome } | { done: false; label: string | null; ruleId: string | null; reason: string | null };

/** A rerun's result as the quarantine records it (null: no rule matched). */
export function rerouted(result: RoutingResult | null): RerouteOutcome {
  if (!result) return { outcome: 'unmatched' };
  if (result.done) {
    const { outcome } = result;
    return outcome.status === 'dropped' ? { outcome: 'dropped', ruleId: outcome.ruleId } : { outcome: 'routed', conversationId: outcome.conversationId, ruleId: outcome.ruleId };
  }
  return result.label && result.ruleId ? { outcome: 'labelled', label: result.label, ruleId: result.ruleId } : { outcome: 'unmatched' };
}

/**
 * Carries out the action of the rule that took an item, the item's outcome in the same transaction:
 * open a message on a client file (flags, recipients), append to the sender's latest conversation,
 * drop it from view (stored, recorded as automatic), or send it to the quarantine with a label.
 */
@Injectable()
export class RoutingActions {
  constructor(
    private readonly em: EntityManager,
    private readonly kinds: ConversationKinds,
    private readonly replies: InboundAppend,
    private readonly accounts: AccountDirectory,
    private readonly circle: CopyCircle,
    private readonly clients: ClientDirectory,
  ) {}

  async apply(rule: RuleRow, context: RoutingContext, routed: RoutedItem): Promise<RoutingResult> {
    const action = rule.action;
    const ruleId = rule.id;
    if (action.type === 'quarantine') return { done: false, label: action.label, ruleId, reason: null };
    if (action.type === 'drop') {
      const outcome: RoutedOutcome = { status: 'dropped', conversationId: null, entryId: null, ruleId, outcome: `dropped by the rule "${rule.name}"` };
      await this.em.fork().transactional((em) => routed.finish(em, outcome));
      return { done: true, outcome };
    }
    if (action.type === 'append_latest') {
      const clientId = context.senderClientIds[0];
      const [latest] = await boundSql<{ id: string }>(
        this.em.fork(),
        'select id from conversation where company_id = ? and client_id = ? order by last_activity_at desc, id desc limit 1',
        [routed.companyId, clientId],
      );
      if (!latest) return { done: false, label: null, ruleId: null, reason: `the rule "${rule.name}" appends to the sender's latest conversation, and their file has none` };
      let outcome: RoutedOutcome | null = null;
      await this.replies.appendMany([await routed.entry(latest.id)], async (em, [appended]) => {
        outcome = { status: 'routed', conversationId: latest.id, entryId: appended.entryId, ruleId, outcome: `appended to the latest conversation by the rule "${rule.name}"` };
        await routed.finish(em, outcome);
      });
      return { done: true, outcome: outcome! };
    }
    const clientId = action.clientId ?? context.senderClientIds[0];
    const em = this.em.fork();
    const [client] = await boundSql<{ id: string }>(em, 'select id from client where id = ? and company_id = ?', [clientId, routed.companyId]);
    if (!client) return { done: false, label: null, ruleId: null, reason: `the rule "${rule.name}" opens a message on a client file that is gone` };
    // The sender's own account when they have one; else the company's system account (never a person who did not write it).
    const authorId = (await this.senderAccount(em, routed, clientId)) ?? (await this.accounts.systemAccount(em, routed.companyId));
    const cc = new Set(action.recipientUserIds ?? []);
    if (action.structureId) for (const id of await this.circle.activeMembersOf(em, routed.companyId, action.structureId)) cc.add(id);
    cc.delete(authorId);
    const item = routed.item;
    // The message is opened first (its own transaction; a retry finds it), then the mail or SMS is
    // written as its first reply, with its files, and the item's outcome in that reply's transaction.
    const opened = await em.transactional((tx) =>
      this.kinds.inboundOpener().openIn(tx, {
        id: routed.openingId,
        companyId: routed.companyId,
        clientId,
        authorId,
        subject: (item.subject.trim() || firstLine(item.body) || 'Message reçu').slice(0, 200),
        body: `${item.channel === 'sms' ? 'SMS' : 'Courriel'} de ${routed.senderName ? `${routed.senderName} (${item.sender})` : item.sender}, ouvert par la règle « ${rule.name} ».`,
        origin: item.channel,
        senderAddress: item.sender,
        ccUserIds: [...cc],
        urgent: Boolean(action.urgent),
        dueDate: action.taskDueInDays === undefined || action.taskDueInDays === null ? null : parisDay(item.receivedAt, action.taskDueInDays),
        ruleId,
      }),
    );
    await opened.afterCommit();
    let outcome: RoutedOutcome | null = null;
    await this.replies.appendMany([await routed.entry(routed.openingId)], async (tx, [appended]) => {
      outcome = { status: 'routed', conversationId: routed.openingId, entryId: appended.entryId, ruleId, outcome: `message opened by the rule "${rule.name}"` };
      await routed.finish(tx, outcome);
    });
    return { done: true, outcome: outcome! };
  }

  /** The sender's own account on that file (a client-side account with the sender's address or number), if any. */
  private async senderAccount(em: EntityManager, routed: RoutedItem, clientId: string): Promise<string | null> {
    const { channel, sender } = routed.item;
    const known = channel === 'sms' ? await this.clients.sendersByPhone(em, routed.companyId, [sender]) : await this.clients.sendersByEmail(em, routed.companyId, [sender]);
    return (known.get(channel === 'sms' ? sender : sender.toLowerCase()) ?? []).find((s) => s.clientId === clientId)?.userId ?? null;
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
}

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Paris calendar day `days` after `at`, as YYYY-MM-DD. */
function parisDay(at: Date, days: number): string {
  return PARIS_DAY.format(new Date(at.getTime() + days * 86_400_000));
}
