import { TIME_ZONE } from '../../core/format/french-dates.js';

/**
 * What a routing rule asks of an inbound item nobody's thread was waiting for, and what it does with
 * it. Pure: the router gives each item its context (who the sender is) and this file decides. Every
 * condition set must hold; the first rule whose conditions hold wins.
 */

export const ROUTING_CHANNELS = ['email', 'sms'] as const;
export type RoutingChannel = (typeof ROUTING_CHANNELS)[number];
export const CLASSIFICATIONS = ['reply', 'new', 'automatic'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const ACTION_TYPES = ['open_message', 'append_latest', 'quarantine', 'drop'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface TimeWindow {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** "08:30": from (included) to (excluded), Europe/Paris. */
  from: string;
  to: string;
  /** True: the rule holds outside the window (after hours). */
  outside?: boolean;
}

export interface RuleConditions {
  channel?: RoutingChannel;
  /** Mailboxes the mail came in (ids). */
  mailboxIds?: string[];
  /** Our SMS numbers the SMS was sent to (E.164). */
  smsNumbers?: string[];
  /** Recipient addresses, exact or with `*` wildcards ("sav@*", "*@urgences.example.fr"): one must match. */
  recipients?: string[];
  /** Sender addresses (exact, or `*` wildcards), domains ("example.fr" or "*.example.fr") or phone numbers (E.164): one must match. */
  senders?: string[];
  /** The sender is a known contact of a client file (true), of none (false), or of this one (a client id). */
  knownSender?: boolean | string;
  /** Whole words or phrases, any of them, in the subject (case and accents ignored). */
  subjectKeywords?: string[];
  /** Whole words or phrases, any of them, in the text. */
  bodyKeywords?: string[];
  hasAttachments?: boolean;
  classifications?: Classification[];
  timeWindow?: TimeWindow;
}

export type RuleAction =
  | {
      type: 'open_message';
      /** The client file; none: the sender's own (the rule does not apply to an unknown sender). */
      clientId?: string | null;
      /** CC accounts of the new message. */
      recipientUserIds?: string[];
      /** A structure whose members are CC'd. */
      structureId?: string | null;
      urgent?: boolean;
      /** A day task, due so many days after the mail (0: the same day). */
      taskDueInDays?: number | null;
    }
  | { type: 'append_latest' }
  | { type: 'quarantine'; label: string }
  | { type: 'drop' };

/** An inbound item as the rules see it. */
export interface RoutableItem {
  channel: RoutingChannel;
  mailboxId: string | null;
  /** The SMS number written to (E.164), for an SMS. */
  toNumber: string | null;
  /** Every recipient address of a mail, lower-case. */
  recipients: string[];
  /** The sender's address (lower-case) or number (E.164). */
  sender: string;
  subject: string;
  body: string;
  attachments: number;
  classification: Classification;
  receivedAt: Date;
}

/** Who the sender is, as the router found out: the client files they are a contact of. */
export interface RoutingContext {
  senderClientIds: string[];
}

/** Why a rule did not apply: the first condition that failed, in the order conditions are listed. */
export interface ConditionFailure {
  condition: keyof RuleConditions;
  reason: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ADDRESS_PATTERN = /^[^\s@<>"]+@[^\s@<>"]+$/;
const DOMAIN = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const PHONE = /^\+[1-9]\d{6,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_LIST = 200;
const MAX_KEYWORD = 100;

/** A problem with a rule as written, with the path of the field at fault. */
export interface RuleProblem {
  field: string;
  reason: string;
}

function list(value: unknown, field: string, problems: RuleProblem[], each: (item: string, path: string) => string | null): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ field, reason: 'must be a non-empty list' });
    return;
  }
  if (value.length > MAX_LIST) problems.push({ field, reason: `at most ${MAX_LIST} entries` });
  value.forEach((item, i) => {
    const reason = typeof item === 'string' ? each(item, `${field}[${i}]`) : 'must be text';
    if (reason) problems.push({ field: `${field}[${i}]`, reason });
  });
}

/**
 * The problems of a rule's conditions and action as written (an empty list when it is valid):
 * patterns that are not address patterns, keywords with no word in them, an unknown channel,
 * a window whose times do not read "HH:MM"… Ids are checked against the company by the service.
 */
export function ruleProblems(conditions: unknown, action: unknown): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions)) {
    problems.push({ field: 'conditions', reason: 'must be an object' });
  } else {
    const c = conditions as Record<string, unknown>;
    const known = new Set(['channel', 'mailboxIds', 'smsNumbers', 'recipients', 'senders', 'knownSender', 'subjectKeywords', 'bodyKeywords', 'hasAttachments', 'classifications', 'timeWindow']);
    for (const key of Object.keys(c)) if (!known.has(key)) problems.push({ field: `conditions.${key}`, reason: 'is not a condition' });
    if (c.channel !== undefined && !ROUTING_CHANNELS.includes(c.channel as RoutingChannel)) problems.push({ field: 'conditions.channel', reason: 'must be email or sms' });
    list(c.mailboxIds, 'conditions.mailboxIds', problems, (id) => (UUID.test(id) ? null : 'must be a mailbox id'));
    list(c.smsNumbers, 'conditions.smsNumbers', problems, (n) => (PHONE.test(n) ? null : 'must be a number in E.164 form (+33612345678)'));
    list(c.recipients, 'conditions.recipients', problems, (p) => (ADDRESS_PATTERN.test(p) && p.length <= 254 ? null : `"${p}" is not an address or an address pattern (name@domain, * for any characters)`));
    list(c.senders, 'conditions.senders', problems, (p) =>
      (ADDRESS_PATTERN.test(p) || DOMAIN.test(p) || PHONE.test(p)) && p.length <= 254 ? null : `"${p}" is not an address, a domain or a phone number in E.164 form`,
    );
    if (c.knownSender !== undefined && typeof c.knownSender !== 'boolean' && !(typeof c.knownSender === 'string' && UUID.test(c.knownSender))) {
      problems.push({ field: 'conditions.knownSender', reason: 'must be true, false or a client id' });
    }
    for (const field of ['subjectKeywords', 'bodyKeywords'] as const) {
      list(c[field], `conditions.${field}`, problems, (k) => (k.length > MAX_KEYWORD ? `at most ${MAX_KEYWORD} characters` : words(k).length === 0 ? `"${k}" has no word in it` : null));
    }
    if (c.hasAttachments !== undefined && typeof c.hasAttachments !== 'boolean') problems.push({ field: 'conditions.hasAttachments', reason: 'must be true or false' });
    list(c.classifications, 'conditions.classifications', problems, (k) => (CLASSIFICATIONS.includes(k as Classification) ? null : 'must be reply, new or automatic'));
    if (c.timeWindow !== undefined) {
      const w = (typeof c.timeWindow === 'object' ? c.timeWindow : null) as Partial<TimeWindow> | null;
      if (w === null || Array.isArray(w)) problems.push({ field: 'conditions.timeWindow', reason: 'must be an object with days, from and to' });
      else {
        if (!Array.isArray(w.days) || w.days.length === 0 || w.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
          problems.push({ field: 'conditions.timeWindow.days', reason: 'must list weekdays from 1 (Monday) to 7 (Sunday)' });
        }
        for (const key of ['from', 'to'] as const) if (typeof w[key] !== 'string' || !TIME.test(w[key])) problems.push({ field: `conditions.timeWindow.${key}`, reason: 'must read HH:MM' });
        if (typeof w.from === 'string' && w.from === w.to) problems.push({ field: 'conditions.timeWindow', reason: 'from and to must differ' });
        if (w.outside !== undefined && typeof w.outside !== 'boolean') problems.push({ field: 'conditions.timeWindow.outside', reason: 'must be true or false' });
      }
    }
  }
  if (typeof action !== 'object' || action === null || Array.isArray(action)) {
    problems.push({ field: 'action', reason: 'must be an object' });
    return problems;
  }
  const a = action as Record<string, unknown>;
  if (!ACTION_TYPES.includes(a.type as ActionType)) {
    problems.push({ field: 'action.type', reason: `must be one of ${ACTION_TYPES.join(', ')}` });
    return problems;
  }
  if (a.type === 'quarantine' && (typeof a.label !== 'string' || a.label.trim().length === 0 || a.label.length > 100)) {
    problems.push({ field: 'action.label', reason: 'a label of 1 to 100 characters says why items land there' });
  }
  if (a.type === 'open_message') {
    if (a.clientId !== undefined && a.clientId !== null && !(typeof a.clientId === 'string' && UUID.test(a.clientId))) problems.push({ field: 'action.clientId', reason: 'must be a client id' });
    if (a.structureId !== undefined && a.structureId !== null && !(typeof a.structureId === 'string' && UUID.test(a.structureId))) problems.push({ field: 'action.structureId', reason: 'must be a structure id' });
    list(a.recipientUserIds, 'action.recipientUserIds', problems, (id) => (UUID.test(id) ? null : 'must be an account id'));
    if (a.urgent !== undefined && typeof a.urgent !== 'boolean') problems.push({ field: 'action.urgent', reason: 'must be true or false' });
    if (a.taskDueInDays !== undefined && a.taskDueInDays !== null && !(Number.isInteger(a.taskDueInDays) && (a.taskDueInDays as number) >= 0 && (a.taskDueInDays as number) <= 365)) {
      problems.push({ field: 'action.taskDueInDays', reason: 'must be a whole number of days from 0 to 365' });
    }
  }
  const allowed: Record<ActionType, string[]> = {
    open_message: ['type', 'clientId', 'recipientUserIds', 'structureId', 'urgent', 'taskDueInDays'],
    append_latest: ['type'],
    quarantine: ['type', 'label'],
    drop: ['type'],
  };
  for (const key of Object.keys(a)) if (!allowed[a.type as ActionType].includes(key)) problems.push({ field: `action.${key}`, reason: `is not a setting of ${String(a.type)}` });
  return problems;
}

/** Lower-case words without accents: what keywords are compared on ("Réparation urgente !" → reparation, urgente). */
export function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** The text as ` word word … ` for whole-word search of a phrase (its words, space-separated, between spaces). */
function wordLine(text: string): string {
  return ` ${words(text).join(' ')} `;
}

/** An item's subject and text as word lines, made once per item whatever the number of rules asking. */
const itemLines = new WeakMap<RoutableItem, { subject?: string; body?: string }>();
function lineOf(item: RoutableItem, field: 'subject' | 'body'): string {
  let lines = itemLines.get(item);
  if (!lines) itemLines.set(item, (lines = {}));
  return (lines[field] ??= wordLine(item[field]));
}

/** A rule's keywords as ` phrase ` strings, made once per rule (a rule's lists are not changed in place). */
const phrasesOf = new WeakMap<string[], string[]>();
function keywordHit(line: string, keywords: string[]): string | null {
  let phrases = phrasesOf.get(keywords);
  if (!phrases) phrasesOf.set(keywords, (phrases = keywords.map((keyword) => ` ${words(keyword).join(' ')} `)));
  for (const [i, phrase] of phrases.entries()) if (phrase.trim() && line.includes(phrase)) return keywords[i];
  return null;
}

/** A `*` pattern as an anchored, case-insensitive expression (no other metacharacter: linear to match). */
function globMatches(pattern: string, value: string): boolean {
  const parts = pattern.toLowerCase().split('*');
  const text = value.toLowerCase();
  if (parts.length === 1) return text === parts[0];
  if (!text.startsWith(parts[0]) || !text.endsWith(parts[parts.length - 1])) return false;
  let at = parts[0].length;
  const end = text.length - parts[parts.length - 1].length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return at <= end;
}

function senderMatches(pattern: string, sender: string): boolean {
  if (PHONE.test(pattern) || pattern.includes('@')) return globMatches(pattern, sender);
  const domain = sender.split('@')[1]?.toLowerCase();
  if (!domain) return false;
  const wanted = pattern.toLowerCase();
  return wanted.startsWith('*.') ? domain.endsWith(wanted.slice(1)) : domain === wanted;
}

/** The weekday (1–7) and minutes since midnight of an instant in Paris. */
const PARIS_CLOCK = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
function parisClock(at: Date): { day: number; minutes: number } {
  const parts = PARIS_CLOCK.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

function inWindow(window: TimeWindow, at: Date): boolean {
  const { day, minutes } = parisClock(at);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  // A window past midnight (22:00–06:00) belongs to the day it starts on.
  if (from < to) return window.days.includes(day) && minutes >= from && minutes < to;
  const yesterday = day === 1 ? 7 : day - 1;
  return (window.days.includes(day) && minutes >= from) || (window.days.includes(yesterday) && minutes < to);
}

/**
 * The first condition of `conditions` that `item` fails, with why in words an admin reads; null
 * when every condition holds.
 */
export function firstFailure(conditions: RuleConditions, item: RoutableItem, context: RoutingContext): ConditionFailure | null {
  const c = conditions;
  if (c.channel && c.channel !== item.channel) return { condition: 'channel', reason: `the item came by ${item.channel}, the rule wants ${c.channel}` };
  if (c.mailboxIds && !(item.mailboxId && c.mailboxIds.includes(item.mailboxId))) {
    return { condition: 'mailboxIds', reason: item.mailboxId ? `it came in mailbox ${item.mailboxId}, not one of the rule's` : 'it did not come in a mailbox' };
  }
  if (c.smsNumbers && !(item.toNumber && c.smsNumbers.includes(item.toNumber))) {
    return { condition: 'smsNumbers', reason: item.toNumber ? `it was sent to ${item.toNumber}, not one of the rule's numbers` : 'it is not an SMS to one of our numbers' };
  }
  if (c.recipients && !item.recipients.some((r) => c.recipients!.some((p) => globMatches(p, r)))) {
    return { condition: 'recipients', reason: `none of its recipients (${item.recipients.slice(0, 5).join(', ') || 'none'}) matches ${c.recipients.join(', ')}` };
  }
  if (c.senders && !c.senders.some((p) => senderMatches(p, item.sender))) return { condition: 'senders', reason: `the sender ${item.sender} matches none of ${c.senders.join(', ')}` };
  if (c.knownSender !== undefined) {
    const known = context.senderClientIds;
    if (c.knownSender === true && known.length === 0) return { condition: 'knownSender', reason: `${item.sender} is no contact of any client file` };
    if (c.knownSender === false && known.length > 0) return { condition: 'knownSender', reason: `${item.sender} is a contact of a client file` };
    if (typeof c.knownSender === 'string' && !known.includes(c.knownSender)) return { condition: 'knownSender', reason: `${item.sender} is no contact of client ${c.knownSender}` };
  }
  if (c.subjectKeywords && !keywordHit(lineOf(item, 'subject'), c.subjectKeywords)) return { condition: 'subjectKeywords', reason: `the subject holds none of ${c.subjectKeywords.join(', ')}` };
  if (c.bodyKeywords && !keywordHit(lineOf(item, 'body'), c.bodyKeywords)) return { condition: 'bodyKeywords', reason: `the text holds none of ${c.bodyKeywords.join(', ')}` };
  if (c.hasAttachments !== undefined && c.hasAttachments !== item.attachments > 0) {
    return { condition: 'hasAttachments', reason: item.attachments > 0 ? `it has ${item.attachments} attachment(s)` : 'it has no attachment' };
  }
  if (c.classifications && !c.classifications.includes(item.classification)) return { condition: 'classifications', reason: `it is classified ${item.classification}` };
  if (c.timeWindow) {
    const inside = inWindow(c.timeWindow, item.receivedAt);
    if (inside === Boolean(c.timeWindow.outside)) {
      return { condition: 'timeWindow', reason: `it arrived ${inside ? 'inside' : 'outside'} ${c.timeWindow.from}–${c.timeWindow.to} (Europe/Paris, days ${c.timeWindow.days.join(',')})` };
    }
  }
  return null;
}
