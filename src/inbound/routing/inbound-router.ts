import type { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { ChannelSenders } from '../../channels/channel-senders.js';
import { ClientDirectory } from '../../clients/client-directory.js';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { boundSql } from '../../core/database/sql-rows.js';
import { type ConditionFailure, firstFailure, type RoutableItem, type RoutingContext, type RuleAction, type RuleConditions } from './routing-rule.js';

/** How long a process keeps a company's rules before reading them again. */
export const RULES_TTL_MS = 2_000;

const NOBODY: RoutingContext = { senderClientIds: [] };

/** A rule as the router reads it. */
export interface RuleRow {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  conditions: RuleConditions;
  action: RuleAction;
}

/** Why one rule did not take the item. */
export interface RuleMiss {
  ruleId: string;
  name: string;
  position: number;
  failed: ConditionFailure | { condition: 'action'; reason: string } | { condition: 'enabled'; reason: string };
}

/** The router's answer for one item: the rule that takes it (null: the quarantine) and why each earlier one did not. */
export interface RoutingDecision {
  rule: RuleRow | null;
  misses: RuleMiss[];
  context: RoutingContext;
}

/**
 * Evaluates a company's routing rules on an inbound item nobody's thread was waiting for, in order,
 * first match wins. A rule whose action cannot apply to the item (open a message on the sender's
 * file when the sender is nobody's contact, or everybody's) does not take it: the next rule may.
 */
@Injectable()
export class InboundRouter {
  constructor(
    private readonly clients: ClientDirectory,
    private readonly senders: ChannelSenders,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Whether a mail comes from one of our own addresses (a reply address on INBOUND_EMAIL_DOMAIN, the
   * company's sending address): put back into a conversation, it would be copied or alerted about
   * and come back again. Such a mail is only ever quarantined or dropped by a rule.
   */
  private async fromOurselves(em: EntityManager, companyId: string, item: RoutableItem): Promise<boolean> {
    if (item.channel !== 'email') return false;
    const sender = item.sender.toLowerCase();
    if (sender.endsWith(`@${this.config.outbound.replyDomain.toLowerCase()}`)) return true;
    const own = (await this.senders.of(em, [companyId])).get(companyId)?.email?.address.toLowerCase();
    return own === sender;
  }

  /**
   * The company's enabled rules, read at most once every RULES_TTL_MS per process (a backlog of new
   * mail asks for each of its items): a change made here is seen at once (`forget`), one made by
   * another process within that time.
   */
  private readonly cached = new Map<string, { at: number; rules: Promise<RuleRow[]> }>();

  forget(companyId: string): void {
    this.cached.delete(companyId);
  }

  /** The company's rules in evaluation order (disabled ones too when `all`, for the dry run: never cached). */
  rules(em: EntityManager, companyId: string, all = false): Promise<RuleRow[]> {
    if (!all) {
      const hit = this.cached.get(companyId);
      if (hit && Date.now() - hit.at < RULES_TTL_MS) return hit.rules;
    }
    const rules = boundSql<RuleRow>(
      em,
      `select id, name, position, enabled, conditions, action from routing_rule
        where company_id = ? ${all ? '' : 'and enabled'} order by position, id`,
      [companyId],
    );
    if (!all) {
      this.cached.set(companyId, { at: Date.now(), rules });
      rules.catch(() => this.cached.delete(companyId));
    }
    return rules;
  }

  /** Who the sender is: the client files they are a contact of (by address or by number). */
  async context(em: EntityManager, companyId: string, item: Pick<RoutableItem, 'channel' | 'sender'>): Promise<RoutingContext> {
    const known = item.channel === 'sms' ? await this.clients.sendersByPhone(em, companyId, [item.sender]) : await this.clients.sendersByEmail(em, companyId, [item.sender]);
    return { senderClientIds: (known.get(item.sender) ?? []).map((s) => s.clientId) };
  }

  /**
   * The first rule that takes the item. Who the sender is costs a query: routing asks it only when a
   * rule needing it holds on everything else; the dry run (`explain`) asks it first, so that each
   * miss names the first condition that failed in the order conditions are listed.
   */
  async decide(em: EntityManager, companyId: string, item: RoutableItem, rules?: RuleRow[], explain = false): Promise<RoutingDecision> {
    const list = rules ?? (await this.rules(em, companyId));
    const misses: RuleMiss[] = [];
    let context: RoutingContext | null = explain ? await this.context(em, companyId, item) : null;
    const needContext = async () => (context ??= await this.context(em, companyId, item));
    let ourselves: boolean | undefined;
    for (const rule of list) {
      const base = { ruleId: rule.id, name: rule.name, position: rule.position };
      if (!rule.enabled) {
        misses.push({ ...base, failed: { condition: 'enabled', reason: 'the rule is disabled' } });
        continue;
      }
      const needsSender = rule.conditions.knownSender !== undefined || rule.action.type === 'append_latest' || (rule.action.type === 'open_message' && !rule.action.clientId);
      if (needsSender && !context) {
        const before = firstFailure({ ...rule.conditions, knownSender: undefined }, item, NOBODY);
        if (before) {
          misses.push({ ...base, failed: before });
          continue;
        }
      }
      const ctx = needsSender ? await needContext() : NOBODY;
      const failed = firstFailure(rule.conditions, item, ctx);
      if (failed) {
        misses.push({ ...base, failed });
        continue;
      }
      let refused = this.actionRefusal(rule.action, ctx);
      if (!refused && (rule.action.type === 'open_message' || rule.action.type === 'append_latest')) {
        ourselves ??= await this.fromOurselves(em, companyId, item);
        if (ourselves) refused = `${item.sender} is one of our own addresses: put into a conversation it would come back again (a loop)`;
      }
      if (refused) {
        misses.push({ ...base, failed: { condition: 'action', reason: refused } });
        continue;
      }
      return { rule, misses, context: ctx };
    }
    return { rule: null, misses, context: context ?? NOBODY };
  }

  private actionRefusal(action: RuleAction, context: RoutingContext): string | null {
    const onSendersFile = action.type === 'append_latest' || (action.type === 'open_message' && !action.clientId);
    if (!onSendersFile) return null;
    if (context.senderClientIds.length === 0) return "the sender is no contact of a client file, so it has no file of its own to go to";
    if (context.senderClientIds.length > 1) return `the sender is a contact of ${context.senderClientIds.length} client files: which one is not known`;
    return null;
  }
}
