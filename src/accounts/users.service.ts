import { EntityManager, LockMode, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditService, type Snapshot } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import { Client } from '../clients/client.entity.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import type { Permission } from '../rights/permissions.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { type Page, pageWindow, toPage } from '../core/http/params.js';
import { Company } from '../core/tenancy/company.entity.js';
import { ApiToken } from './api-token.entity.js';
import type { IssuedTokenView, TokenView } from './dto/token.response.js';
import type { CreateUserDto, UpdateUserDto, UserListQuery } from './dto/user.dto.js';
import { type CollaboratorRole, User, type UserKind } from './user.entity.js';
import { phoneField } from '../core/phone/phone-number.js';
import { companyCountry } from '../core/tenancy/company-country.js';

/** What a rights template gives an account. */
export interface RightsGrant {
  templateId: string;
  kind: UserKind;
  role: CollaboratorRole | null;
  permissions: Permission[];
}

/**
 * What a company cannot do without: an active manager who can still create accounts and apply
 * rights. Holding the role alone is not enough (a custom "manager" template may lack both), and
 * without such an account nobody could repair the company's administration.
 */
const ADMINISTRATION: Permission[] = ['accounts.manage', 'rights.manage'];

function administers(user: Pick<User, 'active' | 'role' | 'permissions'>): boolean {
  return user.active && user.role === 'manager' && ADMINISTRATION.every((permission) => user.permissions.includes(permission));
}

function tokenView(token: ApiToken): TokenView {
  const { id, name, hint, createdAt, lastUsedAt, revokedAt } = token;
  return { id, name, hint, createdAt, lastUsedAt, revokedAt };
}

/** Nobody hands out a permission they do not hold: an account manager cannot mint a Manager. */
function assertCanGrant(auth: AuthContext, grant: RightsGrant): void {
  const missing = grant.permissions.filter((permission) => !auth.permissions.has(permission));
  if (missing.length > 0) {
    throw new DomainError('permission_denied', `You cannot grant ${missing.join(', ')}: you do not hold ${missing.length > 1 ? 'these permissions' : 'this permission'}`, {
      permission: missing[0],
      permissions: missing,
    });
  }
}

/** Accounts of a company: creation (through a rights grant), edits, deactivation, tokens. */
@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
  ) {}

  async list(auth: AuthContext, query: UserListQuery): Promise<Page<User>> {
    const { limit, after } = pageWindow(query);
    const rows = await this.em.find(
      User,
      {
        companyId: auth.companyId,
        ...after,
        // The system account is nobody's to list (nor get, nor change: see `get` and `changeAccount`).
        ...(query.kind ? { kind: query.kind } : { kind: { $ne: 'system' as const } }),
        ...(query.role ? { role: query.role } : {}),
        // Scoped by company above: another company's client file simply has no accounts here.
        ...(query.clientId ? { clientId: query.clientId } : {}),
        ...(query.active ? { active: query.active === 'true' } : {}),
      },
      { orderBy: { id: 'asc' }, limit: limit + 1 },
    );
    return toPage(rows, limit, (row) => row);
  }

  async get(auth: Pick<AuthContext, 'companyId'>, id: string): Promise<User> {
    const user = await this.em.findOne(User, { companyId: auth.companyId, id, kind: { $ne: 'system' } });
    if (!user) throw new NotFoundError('User');
    return user;
  }

  async create(auth: AuthContext, input: CreateUserDto, grant: RightsGrant): Promise<User> {
    assertCanGrant(auth, grant);
    // Client and secretary accounts are bound to a client file; collaborators and workers to none.
    const bound = grant.kind === 'client' || grant.kind === 'secretary';
    if (bound && !input.clientId) {
      throw new DomainError('validation_failed', `A ${grant.kind} account needs the clientId of its client file`);
    }
    if (!bound && input.clientId) throw new DomainError('validation_failed', `A ${grant.kind} account has no client file`);
    if (input.clientId && !(await this.em.count(Client, { companyId: auth.companyId, id: input.clientId }))) {
      throw new NotFoundError('Client');
    }
    const mobile = input.mobile == null ? null : phoneField(input.mobile, await companyCountry(this.em, auth.companyId), 'mobile');
    const user = this.em.create(User, {
      companyId: auth.companyId,
      kind: grant.kind,
      role: grant.role,
      clientId: input.clientId ?? null,
      firstName: input.firstName.trim(),
      lastName: input.lastName.trim(),
      email: input.email.trim().toLowerCase(),
      mobile,
      permissions: grant.permissions,
      rightsTemplateId: grant.templateId,
      rightsAppliedAt: new Date(),
    });
    this.audit.record(this.em, auth, 'user.create', { type: 'user', id: user.id }, null, snapshot(user));
    await this.flushUnique();
    return user;
  }

  async update(auth: AuthContext, id: string, changes: UpdateUserDto): Promise<User> {
    const mobile = changes.mobile == null ? changes.mobile : phoneField(changes.mobile, await companyCountry(this.em, auth.companyId), 'mobile');
    return this.changeAccount(auth, id, async (em, user) => {
      const before = snapshot(user);
      em.assign(user, {
        ...changes,
        ...(mobile !== undefined ? { mobile } : {}),
        ...(changes.email ? { email: changes.email.trim().toLowerCase() } : {}),
      });
      if (changes.active === false) await this.assertAdministrationKept(em, before, user, 'deactivate');
      const action = changes.active === false && before?.active ? 'user.deactivate' : 'user.update';
      this.audit.record(em, auth, action, { type: 'user', id }, before, snapshot(user));
    });
  }

  /** Replaces the account's role and permissions with those of a rights template. */
  async applyRights(auth: AuthContext, id: string, grant: RightsGrant): Promise<User> {
    assertCanGrant(auth, grant);
    return this.changeAccount(auth, id, async (em, user) => {
      if (user.kind !== grant.kind) {
        throw new DomainError(
          'rights_template_kind_mismatch',
          `This template is for ${grant.kind} accounts and cannot be applied to a ${user.kind} account`,
          { accountKind: user.kind, templateKind: grant.kind },
        );
      }
      const before = snapshot(user);
      em.assign(user, {
        role: grant.role,
        permissions: grant.permissions,
        rightsTemplateId: grant.templateId,
        rightsAppliedAt: new Date(),
      });
      await this.assertAdministrationKept(em, before, user, 'demote');
      this.audit.record(em, auth, 'user.rights-apply', { type: 'user', id }, before, snapshot(user));
    });
  }

  async listTokens(auth: AuthContext, userId: string): Promise<TokenView[]> {
    await this.get(auth, userId);
    const tokens = await this.em.find(ApiToken, { companyId: auth.companyId, user: userId }, { orderBy: { id: 'asc' } });
    return tokens.map(tokenView);
  }

  async createToken(auth: AuthContext, userId: string, name: string): Promise<IssuedTokenView> {
    const user = await this.get(auth, userId);
    const { token, secret } = this.em.getRepository(ApiToken).issue(user, name);
    this.audit.record(this.em, auth, 'token.create', { type: 'token', id: token.id }, null, { userId, name, hint: token.hint });
    await this.em.flush();
    return { ...tokenView(token), token: secret };
  }

  async revokeToken(auth: AuthContext, userId: string, tokenId: string): Promise<void> {
    const token = await this.em.findOne(ApiToken, { companyId: auth.companyId, user: userId, id: tokenId });
    if (!token) throw new NotFoundError('Token');
    if (token.revokedAt) return;
    token.revokedAt = new Date();
    this.audit.record(this.em, auth, 'token.revoke', { type: 'token', id: tokenId }, { userId, revokedAt: null }, { userId, revokedAt: token.revokedAt });
    await this.em.flush();
  }

  /**
   * Runs a change to an account in a transaction that first locks the company row, so changes
   * that could remove the company's last administrator are serialized: two managers demoting each
   * other at once cannot both pass the check below.
   */
  private async changeAccount(auth: AuthContext, id: string, change: (em: EntityManager, user: User) => Promise<void>): Promise<User> {
    try {
      return await this.em.transactional(async (em) => {
        await em.findOneOrFail(Company, { id: auth.companyId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        // Read after the lock (and past the identity map): a concurrent change has committed by now.
        const user = await em.findOne(User, { companyId: auth.companyId, id, kind: { $ne: 'system' } }, { refresh: true });
        if (!user) throw new NotFoundError('User');
        await change(em, user);
        return user;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('user_email_taken', 'Another account of the company already uses this email');
      }
      throw error;
    }
  }

  /** Refuses a change that leaves the company without an administrator (see ADMINISTRATION). */
  private async assertAdministrationKept(em: EntityManager, before: Snapshot, user: User, change: 'deactivate' | 'demote'): Promise<void> {
    const wasAdministrator = before !== null && administers(before as Pick<User, 'active' | 'role' | 'permissions'>);
    if (!wasAdministrator || administers(user)) return;
    const others = await em.count(User, {
      companyId: user.companyId,
      id: { $ne: user.id },
      active: true,
      role: 'manager',
      permissions: { $contains: ADMINISTRATION },
    });
    if (others === 0) {
      throw new DomainError(
        'last_manager',
        `Cannot ${change} the last active manager holding ${ADMINISTRATION.join(' and ')}: nobody could administer the company`,
      );
    }
  }

  private async flushUnique(): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('user_email_taken', 'Another account of the company already uses this email');
      }
      throw error;
    }
  }
}
