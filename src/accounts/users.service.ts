import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import { Client } from '../clients/client.entity.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import type { Permission } from '../core/auth/permissions.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { type Page, pageWindow, toPage } from '../core/http/params.js';
import { ApiToken } from './api-token.entity.js';
import type { IssuedTokenView, TokenView } from './dto/token.response.js';
import type { CreateUserDto, UpdateUserDto, UserListQuery } from './dto/user.dto.js';
import { type CollaboratorRole, User, type UserKind } from './user.entity.js';

/** What a rights template gives an account. */
export interface RightsGrant {
  templateId: string;
  kind: UserKind;
  role: CollaboratorRole | null;
  permissions: Permission[];
}

function tokenView(token: ApiToken): TokenView {
  const { id, name, hint, createdAt, lastUsedAt, revokedAt } = token;
  return { id, name, hint, createdAt, lastUsedAt, revokedAt };
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
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.role ? { role: query.role } : {}),
        ...(query.active ? { active: query.active === 'true' } : {}),
      },
      { orderBy: { id: 'asc' }, limit: limit + 1 },
    );
    return toPage(rows, limit, (row) => row);
  }

  async get(auth: Pick<AuthContext, 'companyId'>, id: string): Promise<User> {
    const user = await this.em.findOne(User, { companyId: auth.companyId, id });
    if (!user) throw new NotFoundError('User');
    return user;
  }

  async create(auth: AuthContext, input: CreateUserDto, grant: RightsGrant): Promise<User> {
    const bound = grant.kind !== 'collaborator';
    if (bound && !input.clientId) {
      throw new DomainError('validation_failed', `A ${grant.kind} account needs the clientId of its client file`);
    }
    if (!bound && input.clientId) throw new DomainError('validation_failed', 'A collaborator account has no client file');
    if (input.clientId && !(await this.em.count(Client, { companyId: auth.companyId, id: input.clientId }))) {
      throw new NotFoundError('Client');
    }
    const user = this.em.create(User, {
      companyId: auth.companyId,
      kind: grant.kind,
      role: grant.role,
      clientId: input.clientId ?? null,
      firstName: input.firstName.trim(),
      lastName: input.lastName.trim(),
      email: input.email.trim().toLowerCase(),
      mobile: input.mobile ?? null,
      permissions: grant.permissions,
      rightsTemplateId: grant.templateId,
      rightsAppliedAt: new Date(),
    });
    this.audit.record(this.em, auth, 'user.create', { type: 'user', id: user.id }, null, snapshot(user));
    await this.flushUnique();
    return user;
  }

  async update(auth: AuthContext, id: string, changes: UpdateUserDto): Promise<User> {
    const user = await this.get(auth, id);
    const before = snapshot(user);
    if (changes.active === false && user.active) await this.assertNotLastManager(user, 'deactivate');
    this.em.assign(user, {
      ...changes,
      ...(changes.email ? { email: changes.email.trim().toLowerCase() } : {}),
    });
    this.audit.record(this.em, auth, changes.active === false ? 'user.deactivate' : 'user.update', { type: 'user', id }, before, snapshot(user));
    await this.flushUnique();
    return user;
  }

  /** Replaces the account's role and permissions with those of a rights template. */
  async applyRights(auth: AuthContext, id: string, grant: RightsGrant): Promise<User> {
    const user = await this.get(auth, id);
    if (user.kind !== grant.kind) {
      throw new DomainError(
        'rights_template_kind_mismatch',
        `This template is for ${grant.kind} accounts and cannot be applied to a ${user.kind} account`,
        { accountKind: user.kind, templateKind: grant.kind },
      );
    }
    if (grant.role !== 'manager') await this.assertNotLastManager(user, 'demote');
    const before = snapshot(user);
    this.em.assign(user, {
      role: grant.role,
      permissions: grant.permissions,
      rightsTemplateId: grant.templateId,
      rightsAppliedAt: new Date(),
    });
    this.audit.record(this.em, auth, 'user.rights-apply', { type: 'user', id }, before, snapshot(user));
    await this.em.flush();
    return user;
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

  /** A company must always keep one active manager, or nobody could administer it. */
  private async assertNotLastManager(user: User, change: 'deactivate' | 'demote'): Promise<void> {
    if (user.role !== 'manager' || !user.active) return;
    const managers = await this.em.count(User, { companyId: user.companyId, role: 'manager', active: true });
    if (managers <= 1) {
      throw new DomainError('last_manager', `Cannot ${change} the last active manager of the company`);
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
