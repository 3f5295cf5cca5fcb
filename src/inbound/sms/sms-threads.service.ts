import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User } from '../../accounts/user.entity.js';
import { Client, Contact } from '../../clients/client.entity.js';
import { Message } from '../../messages/message.entity.js';
import { Delivery, type DeliveryStatus, ThreadTag } from '../../outbound/delivery.entity.js';
import { threadCodesIn } from './sms-text.js';

/** Someone of a client file known by this number: the file's mobile, a contact's phone, a client-side account. */
export interface KnownSender {
  clientId: string;
  name: string;
  contactId: string | null;
  userId: string | null;
}

/** Copies that reached nobody do not make a conversation to reply to. */
const UNSENT: DeliveryStatus[] = ['skipped', 'failed'];

/**
 * Where an inbound SMS belongs, from what Relais sent: the threads whose SMS copies went to the
 * sender's number. All lookups stay inside the company the To number belongs to.
 */
@Injectable()
export class SmsThreads {
  constructor(private readonly em: EntityManager) {}

  /**
   * The thread an SMS from `from` answers: the one a quoted thread code names (when SMS copies of
   * it went to this number, however long ago), else the latest thread with an SMS copy to this
   * number within the window; null when there is none.
   */
  async threadFor(companyId: string, from: string, body: string, windowDays: number): Promise<string | null> {
    const codes = threadCodesIn(body);
    if (codes.length > 0) {
      const tagged = await this.em.find(ThreadTag, { companyId, tag: { $in: codes } });
      const sentTo = tagged.length > 0 ? await this.threadsSentTo(companyId, from, tagged.map((t) => t.messageId)) : [];
      const named = codes.map((code) => tagged.find((t) => t.tag === code)?.messageId).find((id) => id && sentTo.includes(id));
      if (named) return named;
    }
    const since = new Date(Date.now() - windowDays * 86_400_000);
    const latest = await this.em.findOne(
      Delivery,
      { companyId, channel: 'sms', address: from, status: { $nin: UNSENT }, createdAt: { $gt: since } },
      { orderBy: { createdAt: 'desc' }, fields: ['messageId'] },
    );
    return latest?.messageId ?? null;
  }

  /** Client files this number belongs to, each once, with the name to show for the sender. */
  async knownSenders(companyId: string, from: string): Promise<KnownSender[]> {
    const [clients, contacts, users] = await Promise.all([
      this.em.find(Client, { companyId, mobile: from }),
      this.em.find(Contact, { companyId, phone: from }),
      this.em.find(User, { companyId, mobile: from, active: true, kind: { $ne: 'collaborator' } }),
    ]);
    const byClient = new Map<string, KnownSender>();
    // An account is the most precise identity (it can be the reply's author), then a contact, then the file.
    for (const user of users) {
      if (user.clientId && !byClient.has(user.clientId)) {
        byClient.set(user.clientId, { clientId: user.clientId, name: `${user.firstName} ${user.lastName}`.trim(), contactId: null, userId: user.id });
      }
    }
    for (const contact of contacts) {
      const known = byClient.get(contact.clientId);
      if (!known) byClient.set(contact.clientId, { clientId: contact.clientId, name: contact.name, contactId: contact.id, userId: null });
      else known.contactId ??= contact.id;
    }
    for (const client of clients) {
      if (!byClient.has(client.id)) byClient.set(client.id, { clientId: client.id, name: client.name, contactId: null, userId: null });
    }
    return [...byClient.values()];
  }

  /** Who stands as the author of a thread opened by an SMS whose sender has no account: the company's first active manager. */
  async fallbackAuthor(companyId: string): Promise<string | null> {
    const manager = await this.em.findOne(User, { companyId, kind: 'collaborator', role: 'manager', active: true }, { orderBy: { id: 'asc' } });
    return manager?.id ?? null;
  }

  async clientOf(messageId: string): Promise<string | null> {
    const message = await this.em.findOne(Message, { id: messageId }, { fields: ['clientId'] });
    return message?.clientId ?? null;
  }

  private async threadsSentTo(companyId: string, from: string, messageIds: string[]): Promise<string[]> {
    const rows = await this.em.find(Delivery, { companyId, channel: 'sms', address: from, messageId: { $in: messageIds } }, { fields: ['messageId'] });
    return rows.map((row) => row.messageId);
  }
}
