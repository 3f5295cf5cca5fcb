import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../accounts/user.entity.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import type { ComposeMessageDto } from './dto/message.dto.js';
import { MessageTemplate } from './message.entity.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks and look-ups on what a compose (or reply, or task change) asks for, before anything is
 * written. Each throws the DomainError the caller answers with.
 */

/** Checked here rather than by the DTO so any malformed value (a number too) is a 422, like a wrong date. */
export function checkDueDate(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new DomainError('invalid_due_date', 'dueDate must be a date such as 2026-12-24');
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new DomainError('invalid_due_date', `"${value}" is not a date such as 2026-12-24`);
  }
  return value;
}

/** The request's template; else, with no text given, the account's default (settings), else the company's default template. */
export async function templateFor(em: EntityManager, auth: AuthContext, input: ComposeMessageDto, chosen: string | null): Promise<MessageTemplate | null> {
  if (input.templateId) {
    const named = await em.findOne(MessageTemplate, { companyId: auth.companyId, id: input.templateId });
    if (!named) throw new NotFoundError('Message template');
    return named;
  }
  if (input.body !== undefined) return null;
  // A default chosen in settings and deleted since falls back to the company's default template.
  const own = chosen ? await em.findOne(MessageTemplate, { companyId: auth.companyId, id: chosen }) : null;
  return own ?? (await em.findOne(MessageTemplate, { companyId: auth.companyId, default: true }));
}

/** CC: active collaborators of the company, or accounts of this very client file — never another client's. */
export async function checkCc(em: EntityManager, auth: AuthContext, clientId: string, cc: string[]): Promise<string[]> {
  if (cc.length === 0) return [];
  const found = await em.find(User, { companyId: auth.companyId, id: { $in: cc }, active: true, $or: [{ kind: 'collaborator' }, { clientId }] });
  if (found.length !== cc.length) throw new DomainError('invalid_cc', 'Every CC must be an active collaborator of the company or an account of this client');
  return cc;
}
