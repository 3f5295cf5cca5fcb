import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Contact } from '../clients/client.entity.js';
import { ClientsService } from '../clients/clients.service.js';
import { Conversations } from '../conversations/conversations.service.js';
import { LiveEvents } from '../conversations/live-events.service.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { boundSql } from '../core/database/sql-rows.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { toView } from '../core/http/views.js';
import type { Page } from '../core/http/params.js';
import type { CreateInterventionDto, InterventionListQuery, UpdateInterventionDto } from './dto/intervention.dto.js';
import { InterventionView } from './dto/intervention.views.js';
import { EXCHANGE_KIND, interventionVisibleTo } from './exchange-kind.js';
import { Intervention, type InterventionStatus } from './intervention.entity.js';

/** The columns of a list row, read in one plain statement (no entity to hydrate). */
const COLUMNS = `i.id, i.created_at as "createdAt", i.updated_at as "updatedAt", i.company_id as "companyId", i.client_id as "clientId",
  i.contact_id as "contactId", i.author_id as "authorId", i.title, i.description, i.status::text as status,
  i.requested_at as "requestedAt", i.planned_at as "plannedAt", i.done_at as "doneAt", i.reported_at as "reportedAt",
  i.exchange_count as "exchangeCount", i.reminder_count as "reminderCount", i.latest_preview as "latestPreview", i.latest_exchange_at as "latestExchangeAt"`;

type Row = Omit<InterventionView, 'summary'> & { exchangeCount: number; reminderCount: number; latestPreview: string | null; latestExchangeAt: Date | null };

const iso = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/** The view of an intervention row or entity, its summary as the list shows it. */
export function interventionView(row: Row | Intervention): InterventionView {
  const dated = {
    ...row,
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
    requestedAt: iso(row.requestedAt)!,
    plannedAt: iso(row.plannedAt),
    doneAt: iso(row.doneAt),
    reportedAt: iso(row.reportedAt),
  };
  return {
    ...toView(InterventionView, dated),
    summary: { exchangeCount: row.exchangeCount, latestPreview: row.latestPreview, latestExchangeAt: iso(row.latestExchangeAt), reminder: row.reminderCount > 0 },
  };
}

/** Staff write interventions; client accounts read their own (and add exchanges from the portal). */
export function assertStaff(auth: AuthContext): void {
  if (auth.kind !== 'collaborator') throw new DomainError('interventions_staff_only', 'Only the company’s collaborators do this');
}

/** Intervention requests: create, list with their summaries, read, update (status up to the report). */
@Injectable()
export class InterventionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clients: ClientsService,
    private readonly conversations: Conversations,
    private readonly live: LiveEvents,
  ) {}

  async create(auth: AuthContext, input: CreateInterventionDto): Promise<InterventionView> {
    assertStaff(auth);
    await this.clients.get(auth, input.clientId);
    await this.checkContact(auth, input.clientId, input.contactId ?? null);
    const status = input.status ?? 'requested';
    const intervention = await this.em.transactional(async (em) => {
      const conversation = this.conversations.open(em, { companyId: auth.companyId, clientId: input.clientId, kind: EXCHANGE_KIND, authorId: auth.userId });
      this.conversations.read(em, conversation, auth.userId, conversation.lastActivityAt);
      const now = new Date();
      const created = em.create(Intervention, {
        id: conversation.id,
        companyId: auth.companyId,
        clientId: input.clientId,
        contactId: input.contactId ?? null,
        authorId: auth.userId,
        title: input.title.trim(),
        description: input.description?.trim() ?? '',
        status,
        requestedAt: input.requestedAt ? new Date(input.requestedAt) : now,
        plannedAt: input.plannedAt ? new Date(input.plannedAt) : null,
        doneAt: status === 'done' || status === 'reported' ? now : null,
        reportedAt: status === 'reported' ? now : null,
      });
      this.conversations.record(em, conversation, auth.userId, 'created', { status });
      return Promise.resolve(created);
    });
    await this.live.publish({ type: 'exchange.created', messageId: intervention.id, companyId: auth.companyId });
    return interventionView(intervention);
  }

  /**
   * A page of interventions, newest first, each with its summary: one statement on the intervention
   * table alone (the summary is kept on the row), walking one of its company-led indexes.
   */
  async list(auth: AuthContext, query: InterventionListQuery): Promise<Page<InterventionView>> {
    const limit = query.limit ?? 50;
    const visible = interventionVisibleTo(auth);
    const conditions: { sql: string; params: unknown[] }[] = [visible];
    if (query.clientId) conditions.push({ sql: 'i.client_id = ?', params: [query.clientId] });
    if (query.status) conditions.push({ sql: 'i.status = ?', params: [query.status] });
    if (query.hasReminder === true) conditions.push({ sql: 'i.reminder_count > 0', params: [] });
    if (query.hasReminder === false) conditions.push({ sql: 'i.reminder_count = 0', params: [] });
    if (query.updatedSince) conditions.push({ sql: 'i.updated_at >= ?', params: [new Date(query.updatedSince)] });
    if (query.cursor) conditions.push({ sql: 'i.id < ?', params: [query.cursor] });
    const rows = await boundSql<Row>(
      this.em,
      `select ${COLUMNS} from intervention i where ${conditions.map((c) => c.sql).join(' and ')} order by i.id desc limit ?`,
      [...conditions.flatMap((c) => c.params), limit + 1],
    );
    const items = rows.slice(0, limit);
    return { items: items.map(interventionView), nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  async get(auth: AuthContext, id: string): Promise<InterventionView> {
    return interventionView(await this.visible(auth, id));
  }

  /** The intervention if `auth` may see it; otherwise 404, as if it did not exist. */
  async visible(auth: AuthContext, id: string, em: EntityManager = this.em): Promise<Intervention> {
    const found = await em.findOne(Intervention, { id, companyId: auth.companyId });
    if (!found || (auth.kind !== 'collaborator' && found.clientId !== auth.clientId)) throw new NotFoundError('Intervention');
    return found;
  }

  async update(auth: AuthContext, id: string, input: UpdateInterventionDto): Promise<InterventionView> {
    assertStaff(auth);
    const intervention = await this.visible(auth, id);
    if (intervention.status === 'reported') throw new DomainError('intervention_reported', 'The report of this intervention is written: it can no longer change');
    if (input.contactId !== undefined) await this.checkContact(auth, intervention.clientId, input.contactId);
    const before = { status: intervention.status, title: intervention.title, contactId: intervention.contactId, plannedAt: intervention.plannedAt };
    if (input.title !== undefined) intervention.title = input.title.trim();
    if (input.description !== undefined) intervention.description = input.description.trim();
    if (input.contactId !== undefined) intervention.contactId = input.contactId;
    if (input.plannedAt !== undefined) intervention.plannedAt = input.plannedAt ? new Date(input.plannedAt) : null;
    if (input.status !== undefined && input.status !== intervention.status) this.moveTo(intervention, input.status);
    this.conversations.record(this.em, intervention, auth.userId, 'updated', {
      before,
      after: { status: intervention.status, title: intervention.title, contactId: intervention.contactId, plannedAt: intervention.plannedAt },
    });
    await this.em.flush();
    await this.live.publish({ type: 'exchange.updated', messageId: id, companyId: intervention.companyId });
    return interventionView(intervention);
  }

  /** done stamps doneAt (the portal's window starts there), reported stamps reportedAt; going back to work clears doneAt. */
  private moveTo(intervention: Intervention, status: InterventionStatus): void {
    const now = new Date();
    intervention.status = status;
    if (status === 'done') intervention.doneAt = now;
    if (status === 'reported') {
      intervention.doneAt ??= now;
      intervention.reportedAt = now;
    }
    if (status === 'requested' || status === 'in_progress') intervention.doneAt = null;
  }

  private async checkContact(auth: AuthContext, clientId: string, contactId: string | null): Promise<void> {
    if (!contactId) return;
    const contact = await this.em.findOne(Contact, { companyId: auth.companyId, id: contactId });
    if (!contact || contact.clientId !== clientId) throw new DomainError('contact_not_of_client', 'This contact does not belong to the client of the intervention');
  }
}
