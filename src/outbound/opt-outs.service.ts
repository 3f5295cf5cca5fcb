import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { type Page, pageWindow, toPage } from '../core/http/params.js';
import { phoneField } from '../core/phone/phone-number.js';
import { companyCountry } from '../core/tenancy/company-country.js';
import { type DeliveryChannel, OptOut } from './delivery.entity.js';
import type { OptOutDto, OptOutFilter } from './dto/outbound.dto.js';

/** Stored forms compared at relay and send time: E.164 for numbers, lower case for email. */
export function normalizeAddress(channel: DeliveryChannel, address: string, country: string): string {
  if (channel === 'email') {
    const email = address.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new DomainError('unprocessable', `"${address}" is not an email address`, { field: 'address' });
    return email;
  }
  return phoneField(address, country, 'address');
}

/** Addresses never sent to, per channel: added by admins, by STOP keywords, by provider refusals. */
@Injectable()
export class OptOutsService {
  constructor(private readonly em: EntityManager) {}

  async list(auth: AuthContext, filter: OptOutFilter): Promise<Page<OptOut>> {
    const { limit, after } = pageWindow(filter);
    const rows = await this.em.find(OptOut, { companyId: auth.companyId, ...after, ...(filter.channel ? { channel: filter.channel } : {}) }, { orderBy: { id: 'asc' }, limit: limit + 1 });
    return toPage(rows, limit, (row) => row);
  }

  async add(auth: AuthContext, input: OptOutDto): Promise<OptOut> {
    const address = normalizeAddress(input.channel, input.address, await companyCountry(this.em, auth.companyId));
    const row = this.em.create(OptOut, { companyId: auth.companyId, channel: input.channel, address, source: 'api', reason: input.reason ?? null });
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new DomainError('conflict', `${address} is already opted out of ${input.channel}`);
      throw error;
    }
    return row;
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const removed = await this.em.nativeDelete(OptOut, { companyId: auth.companyId, id });
    if (removed === 0) throw new NotFoundError('Opt-out');
  }
}
