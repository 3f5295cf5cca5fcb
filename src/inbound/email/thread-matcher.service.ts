import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { User } from '../../accounts/user.entity.js';
import { Client, Contact } from '../../clients/client.entity.js';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { Message, MessageRecipient } from '../../messages/message.entity.js';
import { Delivery, ThreadTag } from '../../outbound/delivery.entity.js';
import { ReplyAddressing, tagInSubject } from '../../outbound/reply-addressing.js';
import type { ParsedInbound } from './parse-mail.js';

/** How a mail was tied to its thread, strongest first. */
export type MatchVia = 'token' | 'message-id' | 'subject-tag';

export interface ThreadMatch {
  messageId: string;
  via: MatchVia;
  /** The copy the reply answers, when known (token or Message-ID). */
  delivery: Delivery | null;
}

export interface SenderCheck {
  allowed: boolean;
  /** The sender's account when the sender is one of the thread's users. */
  authorUserId: string | null;
}

/**
 * Finds the thread a mail answers, in order of strength: the reply token in a recipient address;
 * our Message-IDs in In-Reply-To/References; the subject's reference tag. Only threads of the
 * mailbox's company count: a token or tag of another company never writes across tenants.
 */
@Injectable()
export class ThreadMatcher {
  constructor(
    private readonly em: EntityManager,
    private readonly addressing: ReplyAddressing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async match(companyId: string, mail: ParsedInbound): Promise<ThreadMatch | null> {
    const em = this.em.fork();
    const tokens = mail.recipients.map((address) => this.addressing.tokenOf(address)).filter((token): token is string => Boolean(token));
    if (tokens.length > 0) {
      const delivery = await em.findOne(Delivery, { companyId, replyToken: { $in: tokens } }, { orderBy: { id: 'desc' } });
      if (delivery) return { messageId: delivery.messageId, via: 'token', delivery };
    }
    const referenced = mail.referencedIds.map((id) => id.toLowerCase());
    if (referenced.length > 0) {
      const deliveries = await em.find(Delivery, { companyId, emailMessageId: { $in: referenced } });
      // In-Reply-To comes first in referencedIds: the copy answered directly wins over older ones.
      for (const id of referenced) {
        const delivery = deliveries.find((d) => d.emailMessageId === id);
        if (delivery) return { messageId: delivery.messageId, via: 'message-id', delivery };
      }
    }
    const subjectTag = tagInSubject(mail.subject);
    if (subjectTag) {
      const tag = await em.findOne(ThreadTag, { companyId, tag: subjectTag });
      if (tag) return { messageId: tag.messageId, via: 'subject-tag', delivery: null };
    }
    return null;
  }

  /** Whether the mail carries one of our own Message-IDs: our copy came back (a loop). */
  async isOwnMessage(mail: ParsedInbound): Promise<boolean> {
    // Our Message-IDs are all on our own domain: anything else needs no lookup.
    if (!mail.messageId || !mail.messageId.toLowerCase().endsWith(`@${this.config.outbound.messageIdDomain.toLowerCase()}`)) return false;
    return (await this.em.fork().count(Delivery, { emailMessageId: mail.messageId.toLowerCase() })) > 0;
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
    const message = await em.findOne(Message, { id: match.messageId });
    if (!message) return { allowed: false, authorUserId: null };
    const recipients = (await em.find(MessageRecipient, { messageId: message.id })).map((r) => r.userId);
    const users = await em.find(User, {
      companyId: message.companyId,
      $or: [{ id: { $in: [message.authorId, ...recipients] } }, { clientId: message.clientId }],
    });
    const user = users.find((u) => u.email.toLowerCase() === address);
    if (user) return { allowed: true, authorUserId: user.id };
    const client = await em.findOne(Client, { id: message.clientId });
    if (client?.email?.toLowerCase() === address) return { allowed: true, authorUserId: null };
    const contacts = await em.find(Contact, { clientId: message.clientId });
    if (contacts.some((c) => c.email?.toLowerCase() === address)) return { allowed: true, authorUserId: null };
    return { allowed: false, authorUserId: null };
  }
}
