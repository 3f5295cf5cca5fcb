import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User } from '../accounts/user.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { containsPattern } from '../core/http/params.js';
import { Company } from '../core/tenancy/company.entity.js';
import { StructureMember, SubcontractingLink } from './structure.entity.js';

/** Subcontracting links between companies, seen by both sides. */
@Injectable()
export class SubcontractingService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
  ) {}

  list(auth: AuthContext): Promise<SubcontractingLink[]> {
    return this.em.find(
      SubcontractingLink,
      { $or: [{ companyId: auth.companyId }, { partnerCompanyId: auth.companyId }] },
      { orderBy: { id: 'asc' } },
    );
  }

  async request(auth: AuthContext, partnerCompanyId: string): Promise<SubcontractingLink> {
    if (partnerCompanyId === auth.companyId) throw new DomainError('validation_failed', 'A company cannot subcontract to itself');
    if (!(await this.em.count(Company, { id: partnerCompanyId }))) throw new NotFoundError('Company');
    const open = await this.findOpen(auth.companyId, partnerCompanyId);
    if (open) throw new DomainError('conflict', `A ${open.status} link with this company already exists`, { linkId: open.id });
    const link = this.em.create(SubcontractingLink, { companyId: auth.companyId, partnerCompanyId, requestedBy: auth.userId });
    this.audit.record(this.em, auth, 'subcontracting-link.request', { type: 'subcontracting-link', id: link.id }, null, snapshot(link));
    await this.em.flush();
    return link;
  }

  /** Only the partner (the company that was asked) accepts. */
  async accept(auth: AuthContext, id: string): Promise<SubcontractingLink> {
    const link = await this.get(auth, id);
    if (link.partnerCompanyId !== auth.companyId) {
      throw new DomainError('permission_denied', 'Only the company that was asked can accept the link');
    }
    if (link.status !== 'pending') throw new DomainError('conflict', `The link is ${link.status}`);
    const before = snapshot(link);
    this.em.assign(link, { status: 'accepted', acceptedBy: auth.userId, acceptedAt: new Date() });
    this.audit.record(this.em, auth, 'subcontracting-link.accept', { type: 'subcontracting-link', id }, before, snapshot(link));
    await this.em.flush();
    return link;
  }

  /** Either side ends the link; the other company's members leave every structure at once. */
  async end(auth: AuthContext, id: string): Promise<SubcontractingLink> {
    const current = await this.get(auth, id);
    if (current.status === 'ended') return current;
    const before = snapshot(current);
    return this.em.transactional(async (em) => {
      const link = await em.findOneOrFail(SubcontractingLink, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      em.assign(link, { status: 'ended', endedBy: auth.userId, endedAt: new Date() });
      for (const [owner, member] of [
        [link.companyId, link.partnerCompanyId],
        [link.partnerCompanyId, link.companyId],
      ]) {
        await em.nativeDelete(StructureMember, { companyId: owner, memberCompanyId: member });
      }
      this.audit.record(em, auth, 'subcontracting-link.end', { type: 'subcontracting-link', id }, before, snapshot(link));
      return link;
    });
  }

  async isLinked(companyId: string, otherCompanyId: string): Promise<boolean> {
    return (await this.findOpen(companyId, otherCompanyId))?.status === 'accepted';
  }

  /** Collaborators of the companies linked to the caller's (the only ones it may add to a structure). */
  async searchCollaborators(auth: AuthContext, q: string | undefined): Promise<User[]> {
    const links = await this.em.find(SubcontractingLink, {
      status: 'accepted',
      $or: [{ companyId: auth.companyId }, { partnerCompanyId: auth.companyId }],
    });
    const partners = links.map((link) => (link.companyId === auth.companyId ? link.partnerCompanyId : link.companyId));
    if (partners.length === 0) return [];
    const pattern = q ? containsPattern(q) : undefined;
    const text = pattern ? { $or: [{ firstName: { $ilike: pattern } }, { lastName: { $ilike: pattern } }, { email: { $ilike: pattern } }] } : {};
    return this.em.find(User, { companyId: { $in: partners }, kind: 'collaborator', active: true, ...text }, { limit: 50, orderBy: { lastName: 'asc' } });
  }

  private async get(auth: AuthContext, id: string): Promise<SubcontractingLink> {
    const link = await this.em.findOne(SubcontractingLink, {
      id,
      $or: [{ companyId: auth.companyId }, { partnerCompanyId: auth.companyId }],
    });
    if (!link) throw new NotFoundError('Subcontracting link');
    return link;
  }

  private findOpen(a: string, b: string): Promise<SubcontractingLink | null> {
    return this.em.findOne(SubcontractingLink, {
      status: { $ne: 'ended' },
      $or: [
        { companyId: a, partnerCompanyId: b },
        { companyId: b, partnerCompanyId: a },
      ],
    });
  }
}
