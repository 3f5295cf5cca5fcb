import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { NotFoundError } from '../core/errors/domain-error.js';
import { phoneField } from '../core/phone/phone-number.js';
import { companyCountry } from '../core/tenancy/company-country.js';
import { Company } from '../core/tenancy/company.entity.js';
import { ApiToken } from './api-token.entity.js';
import type { MeResponse } from './dto/me.response.js';
import type { UpdateMeDto } from './dto/update-me.dto.js';
import { actingKind, User } from './user.entity.js';

@Injectable()
export class AccountsService {
  constructor(private readonly em: EntityManager) {}

  async updateOwnProfile(auth: AuthContext, changes: UpdateMeDto): Promise<MeResponse> {
    const user = await this.em.findOne(User, { id: auth.userId, companyId: auth.companyId });
    if (!user) throw new NotFoundError('Account');
    if (changes.firstName !== undefined) user.firstName = changes.firstName.trim();
    if (changes.lastName !== undefined) user.lastName = changes.lastName.trim();
    if (changes.mobile !== undefined) user.mobile = changes.mobile === null ? null : phoneField(changes.mobile, await companyCountry(this.em, auth.companyId), 'mobile');
    await this.em.flush();
    return this.describe(auth);
  }

  /** The caller's account, company and current token (null when signed in with a session). */
  async describe(auth: AuthContext): Promise<MeResponse> {
    const [user, company, token] = await Promise.all([
      this.em.findOne(User, { id: auth.userId, companyId: auth.companyId }),
      this.em.findOne(Company, { id: auth.companyId }),
      auth.credential.type === 'token' ? this.em.findOne(ApiToken, { id: auth.credential.id, companyId: auth.companyId }) : null,
    ]);
    if (!user || !company || (auth.credential.type === 'token' && !token)) throw new NotFoundError('Account');
    return {
      id: user.id,
      company: { id: company.id, name: company.name },
      kind: actingKind(user.kind),
      role: user.role,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      mobile: user.mobile,
      active: user.active,
      clientId: user.clientId,
      permissions: [...user.permissions].sort(),
      token: token ? { id: token.id, name: token.name, hint: token.hint } : null,
    };
  }
}
