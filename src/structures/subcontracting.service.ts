import { EntityManager, LockMode, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User } from '../accounts/user.entity.js';
import { AuditService, type Snapshot } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { containsPattern } from '../core/http/params.js';
import { Company } from '../core/tenancy/company.entity.js';
import type { CollaboratorView } from './dto/collaborator.response.js';
import { StructureMember, SubcontractingLink } from './structure.entity.js';

function between(a: string, b: string) {
  return {
    $or: [
      { companyId: a, partnerCompanyId: b },
      { companyId: b, partnerCompanyId: a },
    ],
  };
}

/**
 * Subcontracting links between companies, seen by both sides and audited in both. Every change of
 * a link locks its row first: accepting, ending and adding a member through it are serialized, so
 * an ended link can neither be accepted again nor let a member in after its members were removed.
 */
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
    const open = await this.em.findOne(SubcontractingLink, { status: { $ne: 'ended' }, ...between(auth.companyId, partnerCompanyId) });
    if (open) throw new DomainError('conflict', `A ${open.status} link with this company already exists`, { linkId: open.id });
    const link = this.em.create(SubcontractingLink, { companyId: auth.companyId, partnerCompanyId, requestedBy: auth.userId });
    this.recordOnBothSides(this.em, auth, link, 'subcontracting-link.request', null, snapshot(link));
    try {
      await this.em.flush();
    } catch (error) {
      // The check above and a request crossing it from the other side: the unique index decides.
      if (error instanceof UniqueConstraintViolationException) {
        this.em.clear();
        throw new DomainError('conflict', 'An open link with this company already exists');
      }
      throw error;
    }
    return link;
  }

  /** Only the partner (the company that was asked) accepts, and only a pending link. */
  async accept(auth: AuthContext, id: string): Promise<SubcontractingLink> {
    await this.get(auth, id);
    return this.em.transactional(async (em) => {
      const link = await this.lock(em, id);
      if (link.partnerCompanyId !== auth.companyId) {
        throw new DomainError('permission_denied', 'Only the company that was asked can accept the link');
      }
      if (link.status !== 'pending') throw new DomainError('conflict', `The link is ${link.status}`);
      const before = snapshot(link);
      em.assign(link, { status: 'accepted', acceptedBy: auth.userId, acceptedAt: new Date() });
      this.recordOnBothSides(em, auth, link, 'subcontracting-link.accept', before, snapshot(link));
      return link;
    });
  }

  /**
   * Either side ends the link; the other company's members leave every structure at once. Each
   * side's audit entry lists what it lost: the partner's members removed from its structures, and
   * its own collaborators removed from the partner's.
   */
  async end(auth: AuthContext, id: string): Promise<SubcontractingLink> {
    await this.get(auth, id);
    return this.em.transactional(async (em) => {
      const link = await this.lock(em, id);
      if (link.status === 'ended') return link;
      const before = snapshot(link);
      em.assign(link, { status: 'ended', endedBy: auth.userId, endedAt: new Date() });
      const removed = new Map<string, { structureId: string; userId: string }[]>();
      for (const [owner, member] of [
        [link.companyId, link.partnerCompanyId],
        [link.partnerCompanyId, link.companyId],
      ]) {
        const rows = await em.find(StructureMember, { companyId: owner, memberCompanyId: member }, { orderBy: { id: 'asc' } });
        em.remove(rows);
        removed.set(owner, rows.map(({ structureId, userId }) => ({ structureId, userId })));
      }
      const after = snapshot(link);
      for (const [side, other] of [
        [link.companyId, link.partnerCompanyId],
        [link.partnerCompanyId, link.companyId],
      ]) {
        this.audit.record(em, { companyId: side, userId: auth.userId }, 'subcontracting-link.end', { type: 'subcontracting-link', id }, before, {
          ...after,
          removedMembers: removed.get(side),
          ownCollaboratorsRemoved: [...new Set(removed.get(other)!.map((row) => row.userId))],
        });
      }
      return link;
    });
  }

  /**
   * Inside the caller's transaction: the accepted link between the two companies, share-locked
   * until that transaction ends, so ending the link waits for the member being added (and then
   * removes it), or the add sees the link ended and is refused.
   */
  async holdAcceptedLink(em: EntityManager, companyId: string, otherCompanyId: string): Promise<void> {
    const link = await em.findOne(
      SubcontractingLink,
      { status: 'accepted', ...between(companyId, otherCompanyId) },
      { lockMode: LockMode.PESSIMISTIC_READ, refresh: true },
    );
    if (!link) {
      throw new DomainError(
        'subcontracting_link_required',
        'This collaborator belongs to a company without an accepted subcontracting link with yours',
      );
    }
  }

  /** Collaborators of the companies linked to the caller's (the only ones it may add to a structure). */
  async searchCollaborators(auth: AuthContext, q: string | undefined): Promise<CollaboratorView[]> {
    const links = await this.em.find(SubcontractingLink, {
      status: 'accepted',
      $or: [{ companyId: auth.companyId }, { partnerCompanyId: auth.companyId }],
    });
    const partners = links.map((link) => (link.companyId === auth.companyId ? link.partnerCompanyId : link.companyId));
    if (partners.length === 0) return [];
    const companies = new Map((await this.em.find(Company, { id: { $in: partners } }, { fields: ['id', 'name'] })).map((c) => [c.id, c.name]));
    const pattern = q ? containsPattern(q) : undefined;
    // A subcontractor is looked up by their name, email or company name (seed 002: "son nom et sa compagnie").
    const byCompany = pattern ? [...companies].filter(([, name]) => name.toLowerCase().includes(q!.trim().toLowerCase())).map(([id]) => id) : [];
    const text = pattern
      ? { $or: [{ firstName: { $ilike: pattern } }, { lastName: { $ilike: pattern } }, { email: { $ilike: pattern } }, { companyId: { $in: byCompany } }] }
      : {};
    const users = await this.em.find(
      User,
      { companyId: { $in: partners }, kind: 'collaborator', active: true, ...text },
      { limit: 50, orderBy: { lastName: 'asc', id: 'asc' }, fields: ['id', 'companyId', 'firstName', 'lastName', 'email'] },
    );
    return users.map(({ id, companyId, firstName, lastName, email }) => ({ id, companyId, companyName: companies.get(companyId) ?? '', firstName, lastName, email }));
  }

  private async get(auth: AuthContext, id: string): Promise<SubcontractingLink> {
    const link = await this.em.findOne(SubcontractingLink, {
      id,
      $or: [{ companyId: auth.companyId }, { partnerCompanyId: auth.companyId }],
    });
    if (!link) throw new NotFoundError('Subcontracting link');
    return link;
  }

  private lock(em: EntityManager, id: string): Promise<SubcontractingLink> {
    return em.findOneOrFail(SubcontractingLink, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  /** A link concerns two companies: each keeps its own record of what happened to it. */
  private recordOnBothSides(em: EntityManager, auth: AuthContext, link: SubcontractingLink, action: string, before: Snapshot, after: Snapshot): void {
    for (const companyId of [link.companyId, link.partnerCompanyId]) {
      this.audit.record(em, { companyId, userId: auth.userId }, action, { type: 'subcontracting-link', id: link.id }, before, after);
    }
  }
}
