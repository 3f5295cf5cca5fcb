import type { INestApplicationContext } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { AuthContext } from '../../src/core/auth/auth-context.js';
import { boundSql } from '../../src/core/database/sql-rows.js';
import { type ConversationKind, ConversationKinds, type KindCopyContext } from '../../src/conversations/conversation-kinds.js';
import { Conversations } from '../../src/conversations/conversations.service.js';

/**
 * A kind of conversation that exists only for the specs: support tickets on a client file, with a
 * table of their own and watchers who may answer. It plugs into the conversation core the way a
 * real kind does (intervention exchanges, portal discussions), by registering with
 * ConversationKinds; nothing in outbound/ or inbound/ knows it exists.
 */
export class TicketKind implements ConversationKind {
  readonly kind = 'ticket';

  constructor(private readonly em: EntityManager) {}

  /** Its own table, made in the spec file's database. */
  static async createTable(em: EntityManager): Promise<void> {
    await boundSql(
      em,
      `create table if not exists test_ticket (
         id uuid primary key references conversation (id) on delete cascade,
         company_id uuid not null, client_id uuid not null, title text not null, details text not null,
         watchers uuid[] not null default '{}')`,
    );
  }

  /** Registers the kind with an application (the API and the worker each hold their register). */
  static register(app: INestApplicationContext): TicketKind {
    const kind = new TicketKind(app.get(EntityManager));
    app.get(ConversationKinds).register(kind);
    return kind;
  }

  /** Staff of the ticket's company see it; client-side accounts never do. */
  async canSee(viewer: AuthContext, conversationId: string): Promise<boolean> {
    if (viewer.kind !== 'collaborator') return false;
    const rows = await boundSql(this.em.fork(), 'select 1 from test_ticket where id = ? and company_id = ?', [conversationId, viewer.companyId]);
    return rows.length > 0;
  }

  async copyContexts(em: EntityManager, conversationIds: string[]): Promise<Map<string, KindCopyContext>> {
    const rows = await boundSql<{ id: string; title: string; details: string }>(em, 'select id, title, details from test_ticket where id = any(?::uuid[])', [conversationIds]);
    return new Map(
      rows.map((t) => [t.id, { subject: `Ticket : ${t.title}`, body: t.details, data: { ticket: { title: t.title } }, link: `/tickets/${t.id}` }]),
    );
  }

  async participants(em: EntityManager, conversationId: string): Promise<string[]> {
    const [row] = await boundSql<{ watchers: string[] }>(em, 'select watchers from test_ticket where id = ?', [conversationId]);
    return row?.watchers ?? [];
  }
}

export interface NewTicket {
  companyId: string;
  clientId: string;
  authorId: string;
  title: string;
  details: string;
  watchers?: string[];
  /** Channels the client (and the watchers) get copies by. */
  copies: ('email' | 'sms')[];
}

/** Opens a ticket as the kind's own service would: the conversation, the kind's row and the outbox rows, in one transaction. */
export function openTicket(app: INestApplicationContext, ticket: NewTicket): Promise<string> {
  const conversations = app.get(Conversations);
  return app
    .get(EntityManager)
    .fork()
    .transactional(async (em) => {
      const conversation = conversations.open(em, { companyId: ticket.companyId, clientId: ticket.clientId, kind: 'ticket', authorId: ticket.authorId });
      conversations.read(em, conversation, ticket.authorId, new Date());
      await em.flush();
      await boundSql(em, 'insert into test_ticket (id, company_id, client_id, title, details, watchers) values (?, ?, ?, ?, ?, ?::uuid[])', [
        conversation.id,
        ticket.companyId,
        ticket.clientId,
        ticket.title,
        ticket.details,
        ticket.watchers ?? [],
      ]);
      await conversations.recordCopies(em, conversation, null, ticket.copies, [], null);
      return conversation.id;
    });
}
