import { boundSql } from '../core/database/sql-rows.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { NotFoundError } from '../core/errors/domain-error.js';

/** What a kind says about one of its conversations when a copy of it goes out. */
export interface KindCopyContext {
  /** As a copy shows it (a message's is worded: "Visite à domicile : …"); templates read it as `conversation.subject`. */
  subject: string;
  /** Templates read it as `conversation.body`. */
  body: string;
  /**
   * The kind's own template variables (a message's `message` block with its worded subject, urgent
   * flag and due date, its `vad`…), merged into the template data next to the core's (company,
   * client, recipient, author, reply, sender, tag, sentAt, link).
   */
  data: Record<string, unknown>;
  /** The path of the conversation in the API (`/v1/messages/:id`), for the copy's link. */
  link: string;
  /**
   * The templates the copy is rendered from: `email/<template>.*.hbs` and `sms/<template>.hbs`
   * (default `copy`, the shipped templates every kind can use). A kind whose entries are documents of
   * their own (an intervention's exchange) names its own.
   */
  template?: string;
}

/** A file a kind attaches to an email copy (a message's PDF digest). */
export interface CopyAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The opening of a conversation for an inbound item nobody's thread was waiting for. */
export interface InboundOpening {
  /** Chosen by the caller and stored with its inbound item before the call (idempotency). */
  id: string;
  companyId: string;
  clientId: string;
  contactId?: string | null;
  /** The account the conversation is recorded under (the sender's own account when it has one). */
  authorId: string;
  subject: string;
  body: string;
  origin: 'email' | 'sms';
  senderAddress: string;
  /** Set by a routing rule: accounts in copy, urgent, a day task due that day ("YYYY-MM-DD"). */
  ccUserIds?: string[];
  urgent?: boolean;
  dueDate?: string | null;
  /** The rule that opened it, for the history. */
  ruleId?: string | null;
}

/**
 * A kind of conversation (messages, intervention exchanges, portal discussions…), registered by the
 * module that owns it. The core, outbound and inbound ask the kind through this interface and never
 * import the kind's own entities or services.
 */
export interface ConversationKind {
  readonly kind: string;
  /** Whether `viewer` may see this conversation of the kind (a 404 otherwise, never a 403). */
  canSee(viewer: AuthContext, conversationId: string): Promise<boolean>;
  /** Subject, body and the kind's own template variables, for the copies of these conversations. */
  copyContexts(em: EntityManager, conversationIds: string[]): Promise<Map<string, KindCopyContext>>;
  /**
   * Accounts that take part in the conversation besides its author and the client's own accounts
   * (a message's CC): a reply from one of their addresses is theirs.
   */
  participants(em: EntityManager, conversationId: string): Promise<string[]>;
  /**
   * What the copies of these entries say, for a kind whose entries are worded by the kind itself (an
   * exchange sent by email has its own subject and detail); entries missing from the map (or a kind
   * without this) are copied as replies in the conversation's context.
   */
  entryCopyContexts?(em: EntityManager, entryIds: string[]): Promise<Map<string, KindCopyContext>>;
  /**
   * Staff accounts told of answers in these conversations besides their author and the company's
   * managers (a discussion's file manager), by conversation; the reply alerts ask here.
   */
  replyWatchers?(em: EntityManager, conversationIds: string[]): Promise<Map<string, string[]>>;
  /**
   * Whether a copy queued earlier for this account may still go out when it is sent (all may, when
   * absent): a discussion hidden from the portal after its alert was queued sends the portal person
   * nothing, even when the mail server made the copy wait.
   */
  copyStillShown?(em: EntityManager, conversationId: string, userId: string): Promise<boolean>;
  /** Whether `viewer` is shown live events of this type about a conversation it can see (all when absent). */
  showsEvent?(viewer: AuthContext, type: string): boolean;
  /** The file an outbox row asked to attach (its `attachDigest` request), made for the conversation's author. */
  attachment?(request: unknown, conversation: { authorId: string; clientId: string | null }): Promise<CopyAttachment>;
}

/** A kind that can open a conversation by itself from an inbound item (a message, for an SMS from a known number). */
export interface InboundOpener {
  readonly kind: string;
  /** Idempotent on `opening.id`: the second call finds the first's conversation. */
  open(opening: InboundOpening): Promise<{ conversationId: string; created: boolean }>;
  /**
   * `open` inside the caller's transaction (`em`), so the opening commits with the item's outcome;
   * `afterCommit` tells who watches (live events) once it did.
   */
  openIn(em: EntityManager, opening: InboundOpening): Promise<{ conversationId: string; created: boolean; afterCommit: () => Promise<void> }>;
}

/**
 * The register of kinds. Each kind's module registers itself when it starts (`onModuleInit`);
 * the core answers for any conversation by its `kind` column.
 */
@Injectable()
export class ConversationKinds {
  private readonly kinds = new Map<string, ConversationKind>();
  private opener: InboundOpener | undefined;

  register(kind: ConversationKind): void {
    if (this.kinds.has(kind.kind)) throw new Error(`The conversation kind ${kind.kind} is registered twice`);
    this.kinds.set(kind.kind, kind);
  }

  /** The kind that opens conversations for unthreaded inbound items (one per deployment). */
  registerInboundOpener(opener: InboundOpener): void {
    if (this.opener) throw new Error(`Inbound items already open conversations of kind ${this.opener.kind}`);
    this.opener = opener;
  }

  of(kind: string): ConversationKind {
    const found = this.kinds.get(kind);
    if (!found) throw new Error(`No conversation kind ${kind} is registered`);
    return found;
  }

  /** The kind, or undefined when none of that name is registered (an event from a newer process). */
  find(kind: string): ConversationKind | undefined {
    return this.kinds.get(kind);
  }

  inboundOpener(): InboundOpener {
    if (!this.opener) throw new Error('No conversation kind opens conversations for inbound items');
    return this.opener;
  }

  /** The conversation's kind when `viewer` may see it; otherwise 404, exactly as if it did not exist. */
  async assertVisible(em: EntityManager, viewer: AuthContext, conversationId: string): Promise<{ id: string; kind: string; companyId: string; clientId: string | null }> {
    const [row] = await boundSql<{ id: string; kind: string; company_id: string; client_id: string | null }>(
      em,
      'select id, kind, company_id, client_id from conversation where id = ?',
      [conversationId],
    );
    if (!row || !(await this.of(row.kind).canSee(viewer, row.id))) throw new NotFoundError('Conversation');
    return { id: row.id, kind: row.kind, companyId: row.company_id, clientId: row.client_id };
  }
}
