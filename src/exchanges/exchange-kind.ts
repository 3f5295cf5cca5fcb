import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AccountDirectory } from '../accounts/account-directory.js';
import { type ConversationKind, ConversationKinds, type KindCopyContext } from '../conversations/conversation-kinds.js';
import { ConversationReplied, type RepliedListener } from '../conversations/conversation-replied.js';
import type { AppendedEntry } from '../conversations/inbound-append.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { newId } from '../core/database/new-id.js';
import { boundSql, unnestRows } from '../core/database/sql-rows.js';
import { frenchShortDateTime } from '../core/format/french-dates.js';
import { InterventionSummary } from './intervention-summary.js';

export const EXCHANGE_KIND = 'exchange';

/** Who may see an intervention, as a SQL condition on `intervention i`: its company's staff, its own client's accounts. */
export function interventionVisibleTo(viewer: AuthContext): { sql: string; params: unknown[] } {
  if (viewer.kind === 'collaborator') return { sql: 'i.company_id = ?', params: [viewer.companyId] };
  return { sql: 'i.company_id = ? and i.client_id = ?', params: [viewer.companyId, viewer.clientId] };
}

/**
 * Interventions as a conversation kind (`exchange`): an intervention is the conversation, each
 * recorded exchange an entry. The core asks here who may see one, what an exchange's copy says (its
 * own templates, `email/exchange.*` and `sms/exchange`), who takes part (the staff on its exchanges);
 * and the kind listens to conversation.replied: a client's answer by email or SMS (or a portal
 * exchange) becomes a received exchange, in the append's transaction, with the summary updated.
 */
@Injectable()
export class ExchangeKind implements ConversationKind, RepliedListener<void>, OnModuleInit {
  readonly kind = EXCHANGE_KIND;
  readonly name = 'exchange-replies';

  constructor(
    private readonly em: EntityManager,
    private readonly kinds: ConversationKinds,
    private readonly replied: ConversationReplied,
    private readonly accounts: AccountDirectory,
    private readonly summary: InterventionSummary,
  ) {}

  onModuleInit(): void {
    this.kinds.register(this);
    this.replied.listen(this);
  }

  async canSee(viewer: AuthContext, conversationId: string): Promise<boolean> {
    const visible = interventionVisibleTo(viewer);
    const rows = await boundSql(this.em.fork(), `select 1 from intervention i where i.id = ? and ${visible.sql}`, [conversationId, ...visible.params]);
    return rows.length > 0;
  }

  async copyContexts(em: EntityManager, ids: string[]): Promise<Map<string, KindCopyContext>> {
    const rows = await boundSql<{ id: string; title: string; description: string; status: string }>(
      em,
      'select id, title, description, status from intervention where id = any(?::uuid[])',
      [ids],
    );
    return new Map(
      rows.map((i) => [
        i.id,
        {
          subject: `Intervention : ${i.title}`,
          body: i.description || i.title,
          data: { intervention: { title: i.title, status: i.status } },
          link: `/v1/interventions/${i.id}`,
        },
      ]),
    );
  }

  /** An exchange sent by email or SMS: its own subject (else the intervention's title) and detail, from the exchange templates. */
  async entryCopyContexts(em: EntityManager, entryIds: string[]): Promise<Map<string, KindCopyContext>> {
    const rows = await boundSql<{ entry_id: string; intervention_id: string; subject: string | null; detail: string; staff_user_id: string | null; title: string; happened_at: number }>(
      em,
      `select x.entry_id, x.intervention_id, x.subject, x.detail, x.staff_user_id, i.title, floor(extract(epoch from x.happened_at) * 1000)::float8 as happened_at
         from exchange x join intervention i on i.id = x.intervention_id
        where x.entry_id = any(?::uuid[]) and x.direction = 'transmitted'`,
      [entryIds],
    );
    const staff = await this.accounts.contactPoints(em, rows.flatMap((r) => (r.staff_user_id ? [r.staff_user_id] : [])));
    return new Map(
      rows.map((x) => {
        const subject = x.subject?.trim() || x.title;
        return [
          x.entry_id,
          {
            subject,
            body: x.detail,
            template: 'exchange',
            data: {
              intervention: { title: x.title },
              exchange: { subject, detail: x.detail, sentBy: x.staff_user_id ? (staff.get(x.staff_user_id)?.name ?? '') : '', at: frenchShortDateTime(new Date(x.happened_at)) },
            },
            link: `/v1/interventions/${x.intervention_id}`,
          },
        ];
      }),
    );
  }

  /** The collaborators who sent or took its exchanges: their own email answers are theirs. */
  async participants(em: EntityManager, conversationId: string): Promise<string[]> {
    const rows = await boundSql<{ user_id: string }>(
      em,
      'select distinct staff_user_id as user_id from exchange where intervention_id = ? and staff_user_id is not null and deleted_at is null',
      [conversationId],
    );
    return rows.map((r) => r.user_id);
  }

  /**
   * In the append's transaction: each answer on an intervention becomes a received exchange (typed
   * by its channel, from the contact of the client whose address or number sent it when one is),
   * unless it already is one (a portal exchange is written first, then announced); then the
   * interventions' summaries.
   */
  async recordReplied(em: EntityManager, replied: AppendedEntry[]): Promise<void> {
    const ours = replied.filter((r) => r.kind === EXCHANGE_KIND);
    if (ours.length === 0) return;
    const entries = await boundSql<{ id: string; company_id: string; conversation_id: string; body: string; origin: string; sender_address: string | null; author_id: string | null; contact_id: string | null }>(
      em,
      `select e.id, e.company_id, e.conversation_id, e.body, e.origin::text as origin, e.sender_address, e.author_id,
              (select c.id from contact c join intervention i on i.client_id = c.client_id
                where i.id = e.conversation_id and e.sender_address is not null
                  and (lower(c.email) = lower(e.sender_address) or c.phone = e.sender_address)
                order by (c.id = i.contact_id) desc, c.id limit 1) as contact_id
         from conversation_entry e
        where e.id = any(?::uuid[]) and not exists (select 1 from exchange x where x.entry_id = e.id)`,
      [ours.map((r) => r.entryId)],
    );
    if (entries.length === 0) return;
    const rows = unnestRows(
      { id: 'uuid', company_id: 'uuid', intervention_id: 'uuid', entry_id: 'uuid', type: 'text', contact_id: 'uuid', author_id: 'uuid', sender_address: 'text', detail: 'text', origin: 'exchange_origin' },
      entries.map((e) => [
        newId(), e.company_id, e.conversation_id, e.id, e.origin === 'sms' ? 'sms' : e.origin === 'email' ? 'email' : 'other',
        e.contact_id, e.author_id, e.sender_address, e.body, e.origin === 'app' ? 'portal' : e.origin,
      ]),
    );
    await boundSql(
      em,
      `insert into exchange (id, created_at, updated_at, company_id, intervention_id, entry_id, direction, type, reminder, contact_id, author_id, sender_address, detail, happened_at, status, origin)
       select v.id, now(), now(), v.company_id, v.intervention_id, v.entry_id, 'received', v.type, false, v.contact_id, v.author_id, v.sender_address, v.detail, now(), 'recorded', v.origin
         from ${rows.from}
       on conflict (entry_id) do nothing`,
      rows.params,
    );
    await this.summary.refresh(em, entries.map((e) => e.conversation_id));
  }

  /** Nothing to do after the commit: the core publishes `exchange.replied`, outbound queues the staff alerts. */
  deliver(): Promise<void> {
    return Promise.resolve();
  }
}
