import { TIME_ZONE } from '../core/format/french-dates.js';
import { boundSql } from '../core/database/sql-rows.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Client } from '../clients/client.entity.js';
import { ClientsService } from '../clients/clients.service.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import type { Page } from '../core/http/params.js';
import { Company } from '../core/tenancy/company.entity.js';
import type { DayCountsQuery, MessageListQuery, RemarkListQuery, SubcontractingListQuery, TaskListQuery } from './dto/message.dto.js';
import type { DayCountView, InboxCountsView, MessageView, SharedMessageView } from './dto/message.response.js';
import { hasPermission } from '../rights/permissions.js';
import { MessageQueries } from './message-queries.service.js';
import { deletedBy, type SqlCondition, unreadBy, visibleTo } from './visibility.js';

const flag = (column: string, value: 'true' | 'false' | undefined): SqlCondition[] =>
  value === undefined ? [] : [{ sql: `m.${column} = ?`, params: [value === 'true'] }];

/**
 * The operators' own views (tasks, urgent, day counts, VAD) keep to the caller's company: what
 * other companies share with a subcontractor is in the subcontracting view only.
 */
function ownCompany(viewer: AuthContext): SqlCondition {
  return { sql: 'm.company_id = ?', params: [viewer.companyId] };
}

function notDeleted(viewer: AuthContext): SqlCondition {
  const deleted = deletedBy(viewer);
  return { sql: `not ${deleted.sql}`, params: deleted.params };
}

/** The conditions of the views, exported so the benchmark explains exactly the SQL that runs. */
export const viewConditions = {
  clientFile(viewer: AuthContext, clientId: string, filter: MessageListQuery['filter']): SqlCondition[] {
    const unread = unreadBy(viewer);
    const byFilter: Record<string, SqlCondition[]> = {
      all: [notDeleted(viewer)],
      unread: [notDeleted(viewer), unread],
      read: [notDeleted(viewer), { sql: `not ${unread.sql}`, params: unread.params }],
      deleted: [deletedBy(viewer)],
    };
    // The file belongs to the viewer's company (checked before): saying so lets the (company, client, id) index serve.
    return [ownCompany(viewer), { sql: 'm.client_id = ?', params: [clientId] }, ...byFilter[filter ?? 'unread']];
  },
  tasks(viewer: AuthContext, query: Pick<TaskListQuery, 'vad' | 'urgent' | 'date'>): SqlCondition[] {
    return [
      ownCompany(viewer),
      { sql: `m.task_state = 'todo'`, params: [] },
      notDeleted(viewer),
      ...flag('vad', query.vad),
      ...flag('urgent', query.urgent),
      ...(query.date ? [{ sql: 'm.due_date = ?', params: [query.date] }] : []),
    ];
  },
  urgent(viewer: AuthContext): SqlCondition[] {
    return [ownCompany(viewer), { sql: 'm.urgent', params: [] }, unreadBy(viewer), notDeleted(viewer)];
  },
  unread(viewer: AuthContext): SqlCondition[] {
    return [ownCompany(viewer), unreadBy(viewer), notDeleted(viewer)];
  },
  remarks(date?: string): SqlCondition[] {
    return [{ sql: `m.kind = 'remark'`, params: [] }, ...(date ? [{ sql: `(m.created_at at time zone ?)::date = ?::date`, params: [TIME_ZONE, date] }] : [])];
  },
  vadUntransmitted(viewer: AuthContext): SqlCondition[] {
    return [ownCompany(viewer), { sql: 'm.vad and m.vad_transmitted_at is null', params: [] }, notDeleted(viewer)];
  },
  subcontracting(viewer: AuthContext, query: Pick<SubcontractingListQuery, 'companyId' | 'task' | 'urgent'>): SqlCondition[] {
    return [
      { sql: 'm.company_id <> ?', params: [viewer.companyId] },
      ...(query.companyId ? [{ sql: 'm.company_id = ?', params: [query.companyId] }] : []),
      ...(query.task === undefined ? [] : [{ sql: query.task === 'true' ? `m.task_state = 'todo'` : `m.task_state <> 'todo'`, params: [] }]),
      ...flag('urgent', query.urgent),
      notDeleted(viewer),
    ];
  },
};

/** Day tasks to do per due date: the whole statement (it groups instead of paging). */
export function dayCountsStatement(viewer: AuthContext, query: DayCountsQuery): SqlCondition {
  const visible = visibleTo(viewer);
  const hidden = deletedBy(viewer);
  return {
    sql: `select to_char(m.due_date, 'YYYY-MM-DD') as date, count(*) as count from message m
       where m.company_id = ? and ${visible.sql} and m.task_state = 'todo' and m.due_date between ? and ? and not ${hidden.sql}
       group by m.due_date order by m.due_date`,
    params: [viewer.companyId, ...visible.params, query.from, query.to, ...hidden.params],
  };
}

/** The lists operators work from, all through the visibility policy. */
@Injectable()
export class MessageViews {
  constructor(
    private readonly em: EntityManager,
    private readonly queries: MessageQueries,
    private readonly clients: ClientsService,
  ) {}

  /** A client file's threads: all, read, unread or deleted (for the viewer). */
  async forClient(viewer: AuthContext, clientId: string, query: MessageListQuery): Promise<Page<MessageView>> {
    await this.clients.get(viewer, clientId);
    return this.queries.page(viewer, viewConditions.clientFile(viewer, clientId, query.filter), query);
  }

  /** Task follow-up: tasks still to do, read or unread. */
  tasks(viewer: AuthContext, query: TaskListQuery): Promise<Page<MessageView>> {
    return this.queries.page(viewer, viewConditions.tasks(viewer, query), query);
  }

  /** Day tasks still to do, counted per due date over a range (the calendar's red counts). */
  async dayCounts(viewer: AuthContext, query: DayCountsQuery): Promise<DayCountView[]> {
    if (query.from > query.to) throw new DomainError('unprocessable', `The range ends (${query.to}) before it starts (${query.from})`, { field: 'to' });
    const statement = dayCountsStatement(viewer, query);
    const rows = await boundSql<{ date: string; count: string }>(this.em, statement.sql, statement.params);
    return rows.map((row) => ({ date: row.date, count: Number(row.count) }));
  }

  /** Urgent threads the viewer has not read. */
  urgent(viewer: AuthContext, query: MessageListQuery): Promise<Page<MessageView>> {
    return this.queries.page(viewer, viewConditions.urgent(viewer), query);
  }

  /** Every thread of the company the viewer has not read: the console's inbox. */
  unread(viewer: AuthContext, query: MessageListQuery): Promise<Page<MessageView>> {
    return this.queries.page(viewer, viewConditions.unread(viewer), query);
  }

  /** Client remarks (visibility already limits them to managers and supervisors). */
  remarks(viewer: AuthContext, query: RemarkListQuery): Promise<Page<MessageView>> {
    return this.queries.page(viewer, viewConditions.remarks(query.date), query);
  }

  /** Home-visit requests not yet confirmed as transmitted. */
  vadUntransmitted(viewer: AuthContext, query: MessageListQuery): Promise<Page<MessageView>> {
    return this.queries.page(viewer, viewConditions.vadUntransmitted(viewer), query);
  }

  /**
   * The inbox's exact counts: each the size of its list for the caller (same conditions, same
   * visibility policy); remarks and VAD only for the accounts whose lists they are (null otherwise).
   */
  async counts(viewer: AuthContext): Promise<InboxCountsView> {
    const count = (conditions: SqlCondition[]) => this.queries.count(viewer, conditions);
    const [unread, urgent, tasks, remarks, vadUntransmitted, subcontracting] = await Promise.all([
      count(viewConditions.unread(viewer)),
      count(viewConditions.urgent(viewer)),
      count(viewConditions.tasks(viewer, {})),
      hasPermission(viewer, 'messages.remarks.read') ? count(viewConditions.remarks()) : null,
      hasPermission(viewer, 'messages.vad.manage') ? count(viewConditions.vadUntransmitted(viewer)) : null,
      count(viewConditions.subcontracting(viewer, {})),
    ]);
    return { unread, urgent, tasks, remarks, vadUntransmitted, subcontracting };
  }

  /** What other companies share with the viewer as a subcontractor, each named with its company and file. */
  async subcontracting(viewer: AuthContext, query: SubcontractingListQuery): Promise<Page<SharedMessageView>> {
    const page = await this.queries.page(viewer, viewConditions.subcontracting(viewer, query), query);
    const names = await this.namesOf(page.items);
    return {
      ...page,
      items: page.items.map((m) => ({ ...m, companyName: names.get(m.companyId) ?? '', clientName: names.get(m.clientId) ?? '' })),
    };
  }

  /** Company and client names by id: the viewer may see these messages, not the other company's files. */
  private async namesOf(items: MessageView[]): Promise<Map<string, string>> {
    if (items.length === 0) return new Map();
    const [companies, clients] = await Promise.all([
      this.em.find(Company, { id: { $in: [...new Set(items.map((m) => m.companyId))] } }, { fields: ['id', 'name'] }),
      this.em.find(Client, { id: { $in: [...new Set(items.map((m) => m.clientId))] } }, { fields: ['id', 'name'] }),
    ]);
    return new Map([...companies, ...clients].map((row) => [row.id, row.name]));
  }
}
