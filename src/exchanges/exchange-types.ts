import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import { ExchangeTypeRow } from './intervention.entity.js';

/** A type an exchange may have, as a company words it. */
export interface ExchangeType {
  key: string;
  label: string;
  /** A reminder (relance): an intervention with one shows the red badge. */
  reminder: boolean;
  /** One of the types every company has (renamable, never removed). */
  builtin: boolean;
}

/** The types every company starts with; `reminder` is the relance of the red badge. */
export const BUILTIN_EXCHANGE_TYPES: readonly Omit<ExchangeType, 'builtin'>[] = [
  { key: 'call', label: 'Appel', reminder: false },
  { key: 'email', label: 'Courriel', reminder: false },
  { key: 'letter', label: 'Courrier', reminder: false },
  { key: 'visit', label: 'Visite', reminder: false },
  { key: 'sms', label: 'SMS', reminder: false },
  { key: 'reminder', label: 'Relance', reminder: true },
  { key: 'other', label: 'Autre', reminder: false },
];

/** A type's key: what exchanges store and paths name (a-z, 0-9, _; no hyphen, so it is never mistaken for an id). */
export const EXCHANGE_TYPE_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/** The company's exchange types: the built-in ones (maybe renamed) and its own. */
@Injectable()
export class ExchangeTypes {
  constructor(private readonly em: EntityManager) {}

  async list(companyId: string, em: EntityManager = this.em): Promise<ExchangeType[]> {
    const own = new Map((await em.find(ExchangeTypeRow, { companyId }, { orderBy: { key: 'asc' } })).map((row) => [row.key, row]));
    const builtin = BUILTIN_EXCHANGE_TYPES.map((t) => ({ ...t, label: own.get(t.key)?.label ?? t.label, builtin: true }));
    const keys = new Set(builtin.map((t) => t.key));
    const added = [...own.values()].filter((row) => !keys.has(row.key)).map((row) => ({ key: row.key, label: row.label, reminder: row.reminder, builtin: false }));
    return [...builtin, ...added];
  }

  /** The type named `key`, or 422 unknown_exchange_type. */
  async resolve(em: EntityManager, companyId: string, key: string): Promise<ExchangeType> {
    const found = (await this.list(companyId, em)).find((t) => t.key === key);
    if (!found) throw new DomainError('unknown_exchange_type', `There is no exchange type "${key}"`, { types: (await this.list(companyId, em)).map((t) => t.key) });
    return found;
  }

  /**
   * Renames a built-in type or adds (or renames) one of the company's own. Whether a type is a
   * reminder is said when it is added and kept: exchanges already recorded carry it.
   */
  async put(auth: AuthContext, key: string, input: { label: string; reminder?: boolean }): Promise<ExchangeType> {
    const builtin = BUILTIN_EXCHANGE_TYPES.find((t) => t.key === key);
    const row = await this.em.findOne(ExchangeTypeRow, { companyId: auth.companyId, key });
    if (row) row.label = input.label.trim();
    else this.em.create(ExchangeTypeRow, { companyId: auth.companyId, key, label: input.label.trim(), reminder: builtin ? builtin.reminder : Boolean(input.reminder) });
    await this.em.flush();
    return (await this.list(auth.companyId)).find((t) => t.key === key)!;
  }
}
