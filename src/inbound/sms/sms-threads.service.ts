import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AccountDirectory } from '../../accounts/account-directory.js';
import { ClientDirectory, type KnownSender } from '../../clients/client-directory.js';
import { Conversation } from '../../conversations/conversation.entity.js';
import { tagsInText, ThreadTags } from '../../conversations/thread-tags.js';
import { SentCopies } from '../../outbound/sent-copies.js';

export type { KnownSender } from '../../clients/client-directory.js';

/** A thread an SMS answers, with the client file it is on. */
export interface SmsThread {
  messageId: string;
  clientId: string;
}

/**
 * Where an inbound SMS belongs, from what Relais sent: the threads whose SMS copies went to the
 * sender's number. Every lookup stays inside the company the To number belongs to. Each domain
 * answers for its own tables: outbound for the copies sent, the core for thread tags, clients and
 * accounts for who a number is.
 */
@Injectable()
export class SmsThreads {
  constructor(
    private readonly em: EntityManager,
    private readonly sent: SentCopies,
    private readonly tags: ThreadTags,
    private readonly clients: ClientDirectory,
    private readonly accounts: AccountDirectory,
  ) {}

  /**
   * The thread an SMS from `from` answers: the one a quoted thread tag names (when SMS copies of
   * it went to this number, however long ago), else the latest thread with an SMS copy to this
   * number within the window (copies skipped or failed reached nobody); null when there is none.
   */
  async threadFor(companyId: string, from: string, body: string, windowDays: number): Promise<SmsThread | null> {
    const quoted = tagsInText(body);
    if (quoted.length > 0) {
      const tagged = await this.tags.tagged(companyId, quoted);
      const reached = await this.sent.smsSentTo(companyId, tagged.map((t) => t.conversationId), from);
      // The first tag written wins when the SMS quotes several.
      const named = quoted.map((tag) => tagged.find((t) => t.tag === tag && reached.has(t.conversationId))).find(Boolean);
      if (named) return { messageId: named.conversationId, clientId: named.clientId };
    }
    return (await this.latestThreads(companyId, [from], windowDays)).get(from) ?? null;
  }

  /**
   * For each number, the latest thread with an SMS copy to it within the window; numbers with none
   * are missing from the map. One query for them all.
   */
  async latestThreads(companyId: string, numbers: string[], windowDays: number): Promise<Map<string, SmsThread>> {
    const latest = await this.sent.latestSmsThreads(companyId, numbers, windowDays);
    return new Map([...latest].map(([number, thread]) => [number, { messageId: thread.conversationId, clientId: thread.clientId }]));
  }

  /** Client files this number belongs to, each once, with the name to show for the sender. */
  async knownSenders(companyId: string, from: string): Promise<KnownSender[]> {
    return (await this.knownSendersOf(companyId, [from])).get(from) ?? [];
  }

  /** `knownSenders` of many numbers in one query; numbers nobody knows are missing from the map. */
  knownSendersOf(companyId: string, numbers: string[]): Promise<Map<string, KnownSender[]>> {
    return this.clients.sendersByPhone(this.em, companyId, numbers);
  }

  /** Who stands as the author of a thread opened by an SMS whose sender has no account: the company's system account. */
  fallbackAuthor(companyId: string): Promise<string> {
    return this.accounts.systemAccount(this.em, companyId);
  }

  async clientOf(conversationId: string): Promise<string | null> {
    const conversation = await this.em.fork().findOne(Conversation, { id: conversationId }, { fields: ['clientId'] });
    return conversation?.clientId ?? null;
  }
}
