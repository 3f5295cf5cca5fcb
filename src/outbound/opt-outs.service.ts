import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { newId } from '../core/database/new-id.js';
import { boundSql } from '../core/database/sql-rows.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { type Page, pageWindow, toPage } from '../core/http/params.js';
import { phoneField } from '../core/phone/phone-number.js';
import { companyCountry } from '../core/tenancy/company-country.js';
import { type DeliveryChannel, OptOut } from './delivery.entity.js';
import type { OptOutDto, OptOutFilter, OptOutView } from './dto/outbound.dto.js';

/** Stored forms compared at relay and send time: E.164 for numbers, lower case for email. */
export function normalizeAddress(channel: DeliveryChannel, address: string, country: string): string {
  if (channel === 'email') {
    const email = address.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new DomainError('unprocessable', `"${address}" is not an email address`, { field: 'address' });
    return email;
  }
  return phoneField(address, country, 'address');
}

/** Who opted an address out: an admin (API), the person by keyword (STOP), the provider's refusal. */
export type OptOutSource = 'api' | 'keyword' | 'provider';

/** An address on a channel of a company, in its stored form (see normalizeAddress). */
export interface OptOutAddress {
  companyId: string;
  channel: DeliveryChannel;
  address: string;
}

interface OptOutRow {
  id: string;
  created_at: string;
  updated_at: string;
  company_id: string;
  channel: DeliveryChannel;
  address: string;
  source: string;
  reason: string | null;
}

function viewOf(row: OptOutRow | OptOut): OptOutView {
  if (row instanceof OptOut) {
    const { id, createdAt, updatedAt, companyId, channel, address, source, reason } = row;
    return { id, createdAt, updatedAt, companyId, channel, address, source, reason };
  }
  return {
    id: row.id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    companyId: row.company_id,
    channel: row.channel,
    address: row.address,
    source: row.source,
    reason: row.reason,
  };
}

/**
 * Addresses never sent to, per channel: added by admins, by STOP keywords, by provider refusals.
 * The one writer of `opt_out`: the API, inbound SMS keywords and the sender's provider refusals all
 * go through `optOut` / `optIn`, in the caller's transaction.
 */
@Injectable()
export class OptOutsService {
  constructor(private readonly em: EntityManager) {}

  async list(auth: AuthContext, filter: OptOutFilter): Promise<Page<OptOutView>> {
    const { limit, after } = pageWindow(filter);
    const rows = await this.em.find(OptOut, { companyId: auth.companyId, ...after, ...(filter.channel ? { channel: filter.channel } : {}) }, { orderBy: { id: 'asc' }, limit: limit + 1 });
    return toPage(rows, limit, viewOf);
  }

  async add(auth: AuthContext, input: OptOutDto): Promise<OptOutView> {
    const address = normalizeAddress(input.channel, input.address, await companyCountry(this.em, auth.companyId));
    const added = await this.optOut(this.em, { companyId: auth.companyId, channel: input.channel, address }, 'api', input.reason ?? null);
    if (!added) throw new DomainError('conflict', `${address} is already opted out of ${input.channel}`);
    return added;
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const removed = await this.em.nativeDelete(OptOut, { companyId: auth.companyId, id });
    if (removed === 0) throw new NotFoundError('Opt-out');
  }

  /** Opts the address out (in `em`'s transaction); null when it already was (the first reason stays). */
  async optOut(em: EntityManager, to: OptOutAddress, source: OptOutSource, reason: string | null): Promise<OptOutView | null> {
    const [row] = await boundSql<OptOutRow>(
      em,
      `insert into opt_out (id, created_at, updated_at, company_id, channel, address, source, reason) values (?, now(), now(), ?, ?, ?, ?, ?)
       on conflict (company_id, channel, address) do nothing returning *`,
      [newId(), to.companyId, to.channel, to.address, source, reason?.slice(0, 1000) ?? null],
    );
    return row ? viewOf(row) : null;
  }

  /** Lifts the address's opt-out (START keyword); false when there was none. */
  async optIn(em: EntityManager, to: OptOutAddress): Promise<boolean> {
    const removed = await boundSql<{ id: string }>(em, 'delete from opt_out where company_id = ? and channel = ? and address = ? returning id', [
      to.companyId,
      to.channel,
      to.address,
    ]);
    return removed.length > 0;
  }
}
