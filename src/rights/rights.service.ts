import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { CreateUserDto } from '../accounts/dto/user.dto.js';
import { User } from '../accounts/user.entity.js';
import { type RightsGrant, UsersService } from '../accounts/users.service.js';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import type { CreateRightsTemplateDto, UpdateRightsTemplateDto } from './dto/rights-template.dto.js';
import { RightsTemplate } from './rights-template.entity.js';

function grantOf(template: RightsTemplate): RightsGrant {
  return { templateId: template.id, kind: template.kind, role: template.role, permissions: [...template.permissions] };
}

/**
 * Rights templates. Applying one copies its role and permissions onto an account; editing a
 * template afterwards does not change the accounts it was applied to until it is applied again
 * (an admin edits a template without silently changing what people can do today).
 */
@Injectable()
export class RightsService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  list(auth: AuthContext): Promise<RightsTemplate[]> {
    return this.em.find(RightsTemplate, { companyId: auth.companyId }, { orderBy: { name: 'asc' } });
  }

  async get(auth: AuthContext, id: string): Promise<RightsTemplate> {
    const template = await this.em.findOne(RightsTemplate, { companyId: auth.companyId, id });
    if (!template) throw new NotFoundError('Rights template');
    return template;
  }

  async create(auth: AuthContext, input: CreateRightsTemplateDto): Promise<RightsTemplate> {
    if (input.kind !== 'collaborator' && input.role) {
      throw new DomainError('validation_failed', 'Only collaborator templates carry a role');
    }
    const template = this.em.create(RightsTemplate, {
      companyId: auth.companyId,
      name: input.name.trim(),
      kind: input.kind,
      role: input.kind === 'collaborator' ? (input.role ?? null) : null,
      permissions: input.permissions,
    });
    this.audit.record(this.em, auth, 'rights-template.create', { type: 'rights-template', id: template.id }, null, snapshot(template));
    await this.flushUniqueName();
    return template;
  }

  async update(auth: AuthContext, id: string, changes: UpdateRightsTemplateDto): Promise<RightsTemplate> {
    const template = await this.get(auth, id);
    const before = snapshot(template);
    this.em.assign(template, { ...changes, ...(changes.name ? { name: changes.name.trim() } : {}) });
    this.audit.record(this.em, auth, 'rights-template.update', { type: 'rights-template', id }, before, snapshot(template));
    await this.flushUniqueName();
    return template;
  }

  /** Accounts keep the permissions they were given; they just no longer point at a template. */
  async remove(auth: AuthContext, id: string): Promise<void> {
    const template = await this.get(auth, id);
    await this.em.transactional(async (em) => {
      this.audit.record(em, auth, 'rights-template.delete', { type: 'rights-template', id }, snapshot(template), null);
      em.remove(template);
      await em.nativeUpdate(User, { companyId: auth.companyId, rightsTemplateId: id }, { rightsTemplateId: null });
    });
  }

  async apply(auth: AuthContext, id: string, userId: string): Promise<User> {
    return this.users.applyRights(auth, userId, grantOf(await this.get(auth, id)));
  }

  async createAccount(auth: AuthContext, input: CreateUserDto): Promise<User> {
    return this.users.create(auth, input, grantOf(await this.get(auth, input.rightsTemplateId)));
  }

  private async flushUniqueName(): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('conflict', 'Another rights template of the company has this name');
      }
      throw error;
    }
  }
}
