import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { snapshot } from '../../audit/snapshot.js';
import { AuditService } from '../../audit/audit.service.js';
import type { AuthContext } from '../../core/auth/auth-context.js';
import { boundSql } from '../../core/database/sql-rows.js';
import { DomainError, NotFoundError } from '../../core/errors/domain-error.js';
import { toE164 } from '../../core/phone/phone-number.js';
import { parseMail } from '../email/parse-mail.js';
import { storedMail } from '../email/stored-mail.js';
import type { DryRunDto, RoutingRuleInput } from './dto/routing-rule.dto.js';
import { InboundRouter, type RuleMiss, type RuleRow } from './inbound-router.js';
import { mailItem, smsItem } from './routable-items.js';
import { RoutingRule } from './routing-rule.entity.js';
import { type RoutableItem, type RuleAction, type RuleConditions, type RuleProblem, ruleProblems } from './routing-rule.js';

/** As many rules as a company may have: each inbound item nobody's thread was waiting for goes through them in order. */
export const MAX_RULES = 500;

/** What the dry run answers: the rule that would take the item and, for each earlier rule, why it did not. */
export interface DryRunResult {
  item: { channel: 'email' | 'sms'; sender: string; subject: string; classification: string; attachments: number; senderClientIds: string[] };
  matched: { ruleId: string; name: string; position: number; action: RuleAction } | null;
  /** What would happen: the rule's action, or the quarantine when none matches. */
  outcome: string;
  misses: RuleMiss[];
}

/**
 * The company's routing rules: written, ordered, switched on and off, removed (each change in the
 * audit log, in the same transaction), and tried on an item without writing anything (dry run).
 */
@Injectable()
export class RoutingRulesService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly router: InboundRouter,
  ) {}

  list(auth: AuthContext): Promise<RoutingRule[]> {
    return this.em.find(RoutingRule, { companyId: auth.companyId }, { orderBy: { position: 'asc', id: 'asc' } });
  }

  async get(auth: AuthContext, id: string): Promise<RoutingRule> {
    const rule = await this.em.findOne(RoutingRule, { companyId: auth.companyId, id });
    if (!rule) throw new NotFoundError('Routing rule');
    return rule;
  }

  async create(auth: AuthContext, input: RoutingRuleInput): Promise<RoutingRule> {
    await this.check(auth, input.conditions, input.action);
    return this.em.transactional(async (em) => {
      // One writer at a time per company: the count and the next position stay true.
      await boundSql(em, 'select id from company where id = ? for update', [auth.companyId]);
      const [{ count, last }] = await boundSql<{ count: number; last: number | null }>(
        em,
        'select count(*)::int as count, max(position) as last from routing_rule where company_id = ?',
        [auth.companyId],
      );
      if (count >= MAX_RULES) throw new DomainError('routing_rules_limit', `A company has at most ${MAX_RULES} routing rules; remove or merge some first`, { limit: MAX_RULES });
      const rule = em.create(RoutingRule, {
        companyId: auth.companyId,
        name: input.name.trim(),
        position: (last ?? 0) + 1,
        enabled: input.enabled ?? true,
        conditions: input.conditions,
        action: input.action as RuleAction,
      });
      this.audit.record(em, auth, 'routing_rule.create', { type: 'routing_rule', id: rule.id }, null, snapshot(rule));
      return rule;
    }).finally(() => this.router.forget(auth.companyId));
  }

  async update(auth: AuthContext, id: string, changes: Partial<RoutingRuleInput>): Promise<RoutingRule> {
    const rule = await this.get(auth, id);
    const conditions = changes.conditions ?? rule.conditions;
    const action = changes.action ?? rule.action;
    if (changes.conditions !== undefined || changes.action !== undefined) await this.check(auth, conditions, action);
    const before = snapshot(rule);
    if (changes.name !== undefined) rule.name = changes.name.trim();
    if (changes.enabled !== undefined) rule.enabled = changes.enabled;
    rule.conditions = conditions;
    rule.action = action as RuleAction;
    this.audit.record(this.em, auth, 'routing_rule.update', { type: 'routing_rule', id }, before, snapshot(rule));
    await this.em.flush();
    this.router.forget(auth.companyId);
    return rule;
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const rule = await this.get(auth, id);
    this.audit.record(this.em, auth, 'routing_rule.delete', { type: 'routing_rule', id }, snapshot(rule), null);
    this.em.remove(rule);
    await this.em.flush();
    this.router.forget(auth.companyId);
  }

  /**
   * Puts the rules named in `ids` first, in that order; the others follow in the order they had
   * (the whole list reorders them all). A rule that is not the company's is unknown (404).
   */
  async reorder(auth: AuthContext, ids: string[]): Promise<RoutingRule[]> {
    await this.em.transactional(async (em) => {
      await boundSql(em, 'select id from company where id = ? for update', [auth.companyId]);
      const current = await boundSql<{ id: string }>(em, 'select id from routing_rule where company_id = ? order by position, id', [auth.companyId]);
      const known = new Set(current.map((r) => r.id));
      if (ids.some((id) => !known.has(id))) throw new NotFoundError('Routing rule');
      const listed = new Set(ids);
      const order = [...ids, ...current.map((r) => r.id).filter((id) => !listed.has(id))];
      await boundSql(
        em,
        `update routing_rule r set position = v.position, updated_at = now()
           from unnest(?::uuid[]) with ordinality as v(id, position) where r.id = v.id and r.company_id = ?`,
        [order, auth.companyId],
      );
      this.audit.record(em, auth, 'routing_rule.reorder', { type: 'company', id: auth.companyId }, { order: current.map((r) => r.id) }, { order });
    });
    this.em.clear();
    this.router.forget(auth.companyId);
    return this.list(auth);
  }

  /** The rule that would take the item and why each earlier one did not; nothing is written. */
  async dryRun(auth: AuthContext, input: DryRunDto): Promise<DryRunResult> {
    const given = [input.email, input.sms, input.quarantineItemId].filter((v) => v !== undefined && v !== null).length;
    if (given !== 1) throw new DomainError('dry_run_invalid', 'Give exactly one of email (the raw mail), sms (from, to, body) or quarantineItemId');
    const em = this.em.fork();
    const item = await this.itemOf(em, auth, input);
    const rules = await this.router.rules(em, auth.companyId, true);
    const decision = await this.router.decide(em, auth.companyId, item, rules, true);
    const context = decision.context;
    const matched = decision.rule;
    return {
      item: { channel: item.channel, sender: item.sender, subject: item.subject, classification: item.classification, attachments: item.attachments, senderClientIds: context.senderClientIds },
      matched: matched ? { ruleId: matched.id, name: matched.name, position: matched.position, action: matched.action } : null,
      outcome: matched ? describe(matched) : 'no rule matches: the item goes to the quarantine',
      misses: decision.misses,
    };
  }

  private async itemOf(em: EntityManager, auth: AuthContext, input: DryRunDto): Promise<RoutableItem> {
    if (input.sms) {
      const from = toE164(input.sms.from);
      if (!from) throw new DomainError('dry_run_invalid', `"${input.sms.from}" is not a phone number`, { field: 'sms.from' });
      return smsItem({ from, toRaw: input.sms.to, body: input.sms.body, media: 0, receivedAt: new Date() });
    }
    if (input.email !== undefined) return this.parsedItem(Buffer.from(input.email, 'utf8'), input.mailboxId ?? null, new Date());
    const [quarantined] = await boundSql<{ channel: 'email' | 'sms'; source_id: string }>(
      em,
      'select channel, source_id from quarantine_item where id = ? and company_id = ?',
      [input.quarantineItemId, auth.companyId],
    );
    if (!quarantined) throw new NotFoundError('Quarantine item');
    if (quarantined.channel === 'email') {
      const mail = await storedMail(em, quarantined.source_id, auth.companyId);
      return this.parsedItem(mail.raw, mail.mailboxId, mail.receivedAt);
    }
    const [sms] = await boundSql<{ from_raw: string; from_address: string | null; to_raw: string; body: string; media: unknown[]; created_at: Date }>(
      em,
      'select from_raw, from_address, to_raw, body, media, created_at from inbound_sms where id = ? and company_id = ?',
      [quarantined.source_id, auth.companyId],
    );
    if (!sms) throw new NotFoundError('The inbound SMS of this quarantine item');
    const from = sms.from_address ?? toE164(sms.from_raw) ?? sms.from_raw;
    return smsItem({ from, toRaw: sms.to_raw, body: sms.body, media: sms.media.length, receivedAt: new Date(sms.created_at) });
  }

  private async parsedItem(raw: Buffer, mailboxId: string | null, receivedAt: Date): Promise<RoutableItem> {
    let mail: Awaited<ReturnType<typeof parseMail>>;
    try {
      mail = await parseMail(raw);
    } catch (error) {
      throw new DomainError('dry_run_invalid', `The mail could not be parsed: ${(error as Error).message}`, { field: 'email' });
    }
    if (!mail.fromAddress) throw new DomainError('dry_run_invalid', 'No sender address could be read from the mail (malformed or not a mail)', { field: 'email' });
    return mailItem({ ...mail, fromAddress: mail.fromAddress }, mailboxId, receivedAt);
  }

  /** Refuses a rule that cannot be evaluated, or that names what is not the company's (422, each problem with its field). */
  private async check(auth: AuthContext, conditions: unknown, action: unknown): Promise<void> {
    const problems = ruleProblems(conditions, action);
    if (problems.length === 0) problems.push(...(await this.foreignReferences(auth.companyId, conditions as RuleConditions, action as RuleAction)));
    if (problems.length > 0) {
      throw new DomainError('routing_rule_invalid', `The rule cannot be saved: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`, { problems });
    }
  }

  private async foreignReferences(companyId: string, conditions: RuleConditions, action: RuleAction): Promise<RuleProblem[]> {
    const problems: RuleProblem[] = [];
    const em = this.em.fork();
    const missing = async (table: string, ids: string[], extra = ''): Promise<string[]> => {
      if (ids.length === 0) return [];
      const found = await boundSql<{ id: string }>(em, `select id from ${table} where company_id = ? and id = any(?::uuid[]) ${extra}`, [companyId, ids]);
      const have = new Set(found.map((r) => r.id));
      return ids.filter((id) => !have.has(id));
    };
    for (const id of await missing('mailbox', conditions.mailboxIds ?? [])) problems.push({ field: 'conditions.mailboxIds', reason: `no mailbox ${id} in this company` });
    if (conditions.smsNumbers?.length) {
      const found = await boundSql<{ phone_number: string }>(em, 'select phone_number from sms_number where company_id = ? and phone_number = any(?::text[])', [companyId, conditions.smsNumbers]);
      const have = new Set(found.map((r) => r.phone_number));
      for (const number of conditions.smsNumbers) if (!have.has(number)) problems.push({ field: 'conditions.smsNumbers', reason: `${number} is not one of this company's SMS numbers` });
    }
    if (typeof conditions.knownSender === 'string') {
      for (const id of await missing('client', [conditions.knownSender])) problems.push({ field: 'conditions.knownSender', reason: `no client file ${id} in this company` });
    }
    if (action.type === 'open_message') {
      if (action.clientId) for (const id of await missing('client', [action.clientId])) problems.push({ field: 'action.clientId', reason: `no client file ${id} in this company` });
      if (action.structureId) for (const id of await missing('structure', [action.structureId])) problems.push({ field: 'action.structureId', reason: `no structure ${id} in this company` });
      const accounts = await missing('app_user', action.recipientUserIds ?? [], "and active and kind = 'collaborator'");
      for (const id of accounts) problems.push({ field: 'action.recipientUserIds', reason: `${id} is no active collaborator of this company` });
    }
    return problems;
  }
}

function describe(rule: RuleRow): string {
  const action = rule.action;
  switch (action.type) {
    case 'open_message':
      return `the rule "${rule.name}" opens a message on ${action.clientId ? `client file ${action.clientId}` : "the sender's client file"}${action.urgent ? ', urgent' : ''}${action.taskDueInDays != null ? `, a task due in ${action.taskDueInDays} day(s)` : ''}`;
    case 'append_latest':
      return `the rule "${rule.name}" appends it to the sender's latest conversation`;
    case 'quarantine':
      return `the rule "${rule.name}" sends it to the quarantine labelled "${action.label}"`;
    case 'drop':
      return `the rule "${rule.name}" records it as automatic, out of view (still stored)`;
  }
}
