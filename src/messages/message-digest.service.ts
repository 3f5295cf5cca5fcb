import { isCollaboratorSql } from '../accounts/account-directory.js';
import { frenchLongDay, frenchShortDateTime, TIME_ZONE } from '../core/format/french-dates.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import PDFDocument from 'pdfkit';
import { actingKind, User } from '../accounts/user.entity.js';
import { ClientsService } from '../clients/clients.service.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import { frenchDateTime, frenchDay } from '../core/format/french-dates.js';
import type { DigestQuery } from './dto/message.dto.js';
import { Message } from './message.entity.js';
import { ConversationEntry } from '../conversations/conversation.entity.js';
import { MessageQueries } from './message-queries.service.js';
import { type SqlCondition, unreadBy } from './visibility.js';


/** "À faire", with its day for a day task (seed 000: "A faire le j/mm/aaaa"). */
function todoLabel(message: Message): string {
  if (message.taskState !== 'todo') return '';
  return message.dueDate ? `À faire le ${frenchDay(message.dueDate)}` : 'À faire';
}

/** A home visit with what the client needs to know of it: when and where. */
function vadLabel(message: Message): string {
  const city = [message.vadPostalCode, message.vadCity].filter(Boolean).join(' ');
  const when = message.vadPlannedAt ? ` le ${frenchDateTime(message.vadPlannedAt)}` : '';
  return [`VAD${when}`, message.vadStreet, city].filter(Boolean).join(', ');
}
export const DIGEST_MAX_MESSAGES = 500;

/** The document, and whether the cap left the period's oldest messages out. */
export interface Digest {
  pdf: Buffer;
  messages: number;
  truncated: boolean;
}

/**
 * The PDF digest of a client's messages over a period (all or unread by the caller; written by
 * collaborators only or by everyone), attached to email copies or downloaded. Standard PDF fonts
 * with WinAnsi encoding cover French (é, è, à, ç, œ, «, »).
 */
@Injectable()
export class MessageDigest {
  constructor(
    private readonly em: EntityManager,
    private readonly clients: ClientsService,
    private readonly queries: MessageQueries,
  ) {}

  /** An account as the digest sees it when the account itself is not signed in (a copy's attachment made for its author). */
  async viewerOf(userId: string): Promise<AuthContext> {
    const author = await this.em.fork().findOneOrFail(User, { id: userId });
    return {
      userId: author.id,
      companyId: author.companyId,
      credential: { type: 'token', id: '' },
      kind: actingKind(author.kind),
      role: author.role,
      clientId: author.clientId,
      permissions: new Set(author.permissions),
    };
  }

  async render(viewer: AuthContext, clientId: string, query: DigestQuery): Promise<Digest> {
    if (query.from > query.to) throw new DomainError('unprocessable', `The period ends (${query.to}) before it starts (${query.from})`, { field: 'to' });
    const client = await this.clients.get(viewer, clientId);
    const conditions: SqlCondition[] = [
      { sql: 'm.client_id = ?', params: [clientId] },
      { sql: `m.kind = 'message'`, params: [] },
      { sql: '(m.created_at at time zone ?)::date between ?::date and ?::date', params: [TIME_ZONE, query.from, query.to] },
      ...(query.scope === 'unread' ? [unreadBy(viewer)] : []),
      ...(query.authors === 'collaborators'
        ? [{ sql: isCollaboratorSql('m.author_id'), params: [] }]
        : []),
    ];
    // The newest messages of the period when there are more than the cap; the response says so.
    const page = await this.queries.page(viewer, conditions, { limit: DIGEST_MAX_MESSAGES });
    const truncated = page.nextCursor !== null;
    const ids = page.items.map((m) => m.id).reverse();
    const [messages, replies] = await Promise.all([
      this.em.find(Message, { id: { $in: ids } }, { orderBy: { id: 'asc' } }),
      this.em.find(ConversationEntry, { conversationId: { $in: ids } }, { orderBy: { id: 'asc' } }),
    ]);
    const authorIds = [...new Set([...messages.map((m) => m.authorId), ...replies.flatMap((r) => (r.authorId ? [r.authorId] : []))])];
    const authors = new Map((await this.em.find(User, { id: { $in: authorIds } })).map((u) => [u.id, `${u.firstName} ${u.lastName}`.trim()]));

    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Messages — ${client.name}`, Author: 'Relais' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

    doc.font('Helvetica-Bold').fontSize(16).text(`Messages — ${client.name}`);
    const period = `Du ${frenchLongDay(query.from)} au ${frenchLongDay(query.to)}`;
    const scope = query.scope === 'unread' ? 'non lus' : 'tous';
    doc.font('Helvetica').fontSize(10).fillColor('#555').text(`${period} · ${scope} · ${messages.length} message(s)`);
    if (truncated) doc.text(`Seuls les ${DIGEST_MAX_MESSAGES} messages les plus récents de la période figurent ici.`);
    doc.moveDown();
    if (messages.length === 0) doc.fillColor('#000').fontSize(11).text('Aucun message sur la période.');
    for (const message of messages) {
      doc.fillColor('#000').font('Helvetica-Bold').fontSize(11).text(message.subject || '(sans objet)');
      const flags = [message.urgent ? 'URGENT' : '', todoLabel(message), message.vad ? vadLabel(message) : ''].filter(Boolean).join(' · ');
      doc.font('Helvetica').fontSize(9).fillColor('#555').text(`${frenchShortDateTime(message.createdAt)} — ${authors.get(message.authorId) ?? ''}${flags ? ` — ${flags}` : ''}`);
      doc.fillColor('#000').fontSize(10).text(message.body, { paragraphGap: 4 });
      for (const reply of replies.filter((r) => r.conversationId === message.id)) {
        doc.fontSize(9).fillColor('#555').text(`Réponse de ${(reply.authorId ? authors.get(reply.authorId) : null) ?? reply.senderName ?? reply.senderAddress ?? ''}, ${frenchShortDateTime(reply.createdAt)}`, { indent: 15 });
        doc.fontSize(10).fillColor('#000').text(reply.body, { indent: 15, paragraphGap: 4 });
      }
      doc.moveDown(0.8);
    }
    doc.end();
    return { pdf: await done, messages: messages.length, truncated };
  }
}
