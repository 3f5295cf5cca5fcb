import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { ConversationKinds } from '../../conversations/conversation-kinds.js';
import { Conversation, ThreadTag } from '../../conversations/conversation.entity.js';
import { tagInSubject } from '../../conversations/thread-tags.js';
import { ReplyAddressing } from '../../outbound/reply-addressing.js';
import { type SentCopy, SentCopies } from '../../outbound/sent-copies.js';
import { AccountDirectory } from '../../accounts/account-directory.js';
import { ClientDirectory } from '../../clients/client-directory.js';
import type { ParsedInbound } from './parse-mail.js';

/** How a mail was tied to its thread, strongest first. */
export type MatchVia = 'token' | 'message-id' | 'subject-tag';

export interface ThreadMatch {
  /** The company that issued the token, Message-ID or tag: the thread's, whichever mailbox got the mail. */
  companyId: string;
  messageId: string;
  via: MatchVia;
  /** The copy the reply answers, when known (token or Message-ID). */
  delivery: SentCopy | null;
}

export interface SenderCheck {
  allowed: boolean;
  /** The sender's account when the sender is one of the thread's users. */
  authorUserId: string | null;
}

/**
 * Finds the thread a mail answers, in order of strength: the reply token in a recipient address;
 * our Message-IDs in In-Reply-To/References; the subject's reference tag. All three are unique
 * across the deployment (unique indexes) and every company's reply addresses share the one reply
 * domain, so they are looked up across companies: the match names the company that issued them,
 * which may not be the company whose mailbox received the mail. The owning company's sender check
 * (`checkSender`) still decides whether the mail is threaded.
 */
@Injectable()
export class ThreadMatcher {
  constructor(
    private readonly em: EntityManager,
    private readonly addressing: ReplyAddressing,
    private readonly kinds: ConversationKinds,
    private readonly sent: SentCopies,
    private readonly clients: ClientDirectory,
    private readonly accounts: AccountDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The thread each mail answers, whatever mailbox it came from (one mail is a batch of one): one
   * query per kind of reference for all of them (a kind is skipped when every mail is already
   * matched), the same order of strength for each mail.
   */
  async match(mails: ParsedInbound[]): Promise<(ThreadMatch | null)[]> {
    const em = this.em.fork();
    const found: (ThreadMatch | null)[] = mails.map(() => null);
    const tokensOf = mails.map((mail) => mail.recipients.map((address) => this.addressing.tokenOf(address)).filter((token): token is string => Boolean(token)));
    const tokens = [...new Set(tokensOf.flat())];
    if (tokens.length > 0) {
      const deliveries = await this.sent.byReplyTokens(em, tokens);
      tokensOf.forEach((mine, i) => {
        const delivery = mine.length > 0 ? deliveries.find((d) => d.replyToken !== null && mine.includes(d.replyToken)) : undefined;
        if (delivery) found[i] = { companyId: delivery.companyId, messageId: delivery.conversationId, via: 'token', delivery };
      });
    }
    const referencedOf = mails.map((mail, i) => (found[i] ? [] : mail.referencedIds.map((id) => id.toLowerCase())));
    const referenced = [...new Set(referencedOf.flat())];
    if (referenced.length > 0) {
      const deliveries = await this.sent.byMessageIds(em, referenced);
      referencedOf.forEach((ids, i) => {
        // In-Reply-To comes first in referencedIds: the copy answered directly wins over older ones.
        for (const id of ids) {
          const delivery = deliveries.find((d) => d.emailMessageId === id);
          if (!delivery) continue;
          found[i] = { companyId: delivery.companyId, messageId: delivery.conversationId, via: 'message-id', delivery };
          break;
        }
      });
    }
    const tagOf = mails.map((mail, i) => (found[i] ? null : tagInSubject(mail.subject)));
    const tags = [...new Set(tagOf.filter((tag): tag is string => Boolean(tag)))];
    if (tags.length > 0) {
      const rows = await em.find(ThreadTag, { tag: { $in: tags } });
      tagOf.forEach((subjectTag, i) => {
        const tag = subjectTag ? rows.find((row) => row.tag === subjectTag) : undefined;
        if (tag) found[i] = { companyId: tag.companyId, messageId: tag.conversationId, via: 'subject-tag', delivery: null };
      });
    }
    return found;
  }

  /** Of the mails' Message-IDs, those that are our own copies (lower-case): our copy came back, a loop. */
  async ownMessages(mails: ParsedInbound[]): Promise<Set<string>> {
    const domain = `@${this.config.outbound.messageIdDomain.toLowerCase()}`;
    const ids = [...new Set(mails.map((mail) => mail.messageId?.toLowerCase()).filter((id): id is string => Boolean(id?.endsWith(domain))))];
    if (ids.length === 0) return new Set();
    return this.sent.ownMessageIds(ids);
  }

  /**
   * A reply is accepted from the person the token was issued to, the client or a contact of the
   * file, or a participant of the thread (author, CC, the client's accounts); anyone else holding a
   * forwarded token goes to an operator.
   */
  async checkSender(match: ThreadMatch, sender: string): Promise<SenderCheck> {
    const em = this.em.fork();
    const address = sender.toLowerCase();
    // The usual case first, without a query: the person the copy (and its token) was sent to.
    if (match.delivery?.address?.toLowerCase() === address) return { allowed: true, authorUserId: match.delivery.recipientUserId };
    const conversation = await em.findOne(Conversation, { id: match.messageId });
    if (!conversation) return { allowed: false, authorUserId: null };
    const participants = await this.kinds.of(conversation.kind).participants(em, conversation.id);
    const userId = await this.accounts.withEmail(em, conversation.companyId, address, { userIds: [conversation.authorId, ...participants], clientId: conversation.clientId });
    if (userId) return { allowed: true, authorUserId: userId };
    // A thread about no client file (a discussion with a worker) has no client or contact to answer it.
    if (conversation.clientId && (await this.clients.emailsOf(em, conversation.clientId)).has(address)) return { allowed: true, authorUserId: null };
    return { allowed: false, authorUserId: null };
  }
}
