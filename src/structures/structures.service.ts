import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User } from '../accounts/user.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { Company } from '../core/tenancy/company.entity.js';
import type { MemberView } from './dto/member.response.js';
import { Structure, StructureMember } from './structure.entity.js';
import { SubcontractingService } from './subcontracting.service.js';

function memberView(auth: AuthContext, user: User, member: StructureMember, companyName: string): MemberView {
  return {
    userId: user.id,
    companyId: user.companyId,
    companyName,
    firstName: user.firstName,
    lastName: user.lastName,
    email: user.email,
    subcontractor: user.companyId !== auth.companyId,
    joinedAt: member.createdAt,
  };
}

/** Structures and their members, subcontractors included (through an accepted link only). */
@Injectable()
export class StructuresService {
  constructor(
    private readonly em: EntityManager,
    private readonly links: SubcontractingService,
    private readonly audit: AuditService,
  ) {}

  list(auth: AuthContext): Promise<Structure[]> {
    return this.em.find(Structure, { companyId: auth.companyId }, { orderBy: { id: 'asc' } });
  }

  async get(auth: AuthContext, id: string): Promise<Structure> {
    const structure = await this.em.findOne(Structure, { companyId: auth.companyId, id });
    if (!structure) throw new NotFoundError('Structure');
    return structure;
  }

  async create(auth: AuthContext, name: string): Promise<Structure> {
    const structure = this.em.create(Structure, { companyId: auth.companyId, name: name.trim() });
    this.audit.record(this.em, auth, 'structure.create', { type: 'structure', id: structure.id }, null, snapshot(structure));
    await this.em.flush();
    return structure;
  }

  async rename(auth: AuthContext, id: string, name: string | undefined): Promise<Structure> {
    const structure = await this.get(auth, id);
    const before = snapshot(structure);
    if (name) structure.name = name.trim();
    this.audit.record(this.em, auth, 'structure.update', { type: 'structure', id }, before, snapshot(structure));
    await this.em.flush();
    return structure;
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const structure = await this.get(auth, id);
    if (structure.isCopyCircle) throw new DomainError('conflict', 'The client-messages copy circle cannot be deleted');
    this.audit.record(this.em, auth, 'structure.delete', { type: 'structure', id }, snapshot(structure), null);
    this.em.remove(structure);
    await this.em.flush();
  }

  async members(auth: AuthContext, id: string): Promise<MemberView[]> {
    await this.get(auth, id);
    const members = await this.em.find(StructureMember, { companyId: auth.companyId, structureId: id }, { orderBy: { id: 'asc' } });
    const users = await this.em.find(User, { id: { $in: members.map((member) => member.userId) } });
    const byId = new Map(users.map((user) => [user.id, user]));
    const names = await this.companyNames(users.map((user) => user.companyId));
    return members.map((member) => {
      const user = byId.get(member.userId)!;
      return memberView(auth, user, member, names.get(user.companyId) ?? '');
    });
  }

  /**
   * Adds a collaborator of this company, or of a company with an accepted subcontracting link. The
   * link stays share-locked until the member is in, so a link ended meanwhile takes the member away.
   */
  async addMember(auth: AuthContext, id: string, userId: string): Promise<MemberView> {
    await this.get(auth, id);
    const user = await this.em.findOne(User, { id: userId, kind: 'collaborator', active: true });
    if (!user) throw new NotFoundError('Collaborator');
    try {
      return await this.em.transactional(async (em) => {
        if (user.companyId !== auth.companyId) await this.links.holdAcceptedLink(em, auth.companyId, user.companyId);
        const member = em.create(StructureMember, { companyId: auth.companyId, structureId: id, userId, memberCompanyId: user.companyId });
        this.audit.record(em, auth, 'structure-member.add', { type: 'structure', id }, null, { userId, memberCompanyId: user.companyId });
        await em.flush();
        return memberView(auth, user, member, (await this.companyNames([user.companyId])).get(user.companyId) ?? '');
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new DomainError('conflict', 'Already a member of this structure');
      throw error;
    }
  }

  /** Members come from several companies: each shown with its company's name. */
  private async companyNames(ids: string[]): Promise<Map<string, string>> {
    const companies = await this.em.find(Company, { id: { $in: [...new Set(ids)] } }, { fields: ['id', 'name'] });
    return new Map(companies.map((company) => [company.id, company.name]));
  }

  async removeMember(auth: AuthContext, id: string, userId: string): Promise<void> {
    await this.get(auth, id);
    const member = await this.em.findOne(StructureMember, { companyId: auth.companyId, structureId: id, userId });
    if (!member) throw new NotFoundError('Member');
    this.audit.record(this.em, auth, 'structure-member.remove', { type: 'structure', id }, { userId, memberCompanyId: member.memberCompanyId }, null);
    this.em.remove(member);
    await this.em.flush();
  }
}
