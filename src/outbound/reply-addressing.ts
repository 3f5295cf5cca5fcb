import { randomBytes, randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { Delivery } from './delivery.entity.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** 160 random bits in lower-case base32 (32 characters): unguessable, safe in an address local part. */
export function newReplyToken(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export interface EmailThreadHeaders {
  /** Without angle brackets. */
  messageId: string;
  inReplyTo: string | null;
  /** Oldest first, without angle brackets. */
  references: string[];
}

/**
 * How a reply finds its way back: each email copy gets its own Reply-To address
 * `<local>+<token>@<inbound domain>` (token stored on the delivery, with its thread and recipient),
 * a Message-ID on our domain (stored), References/In-Reply-To naming the earlier copies of the
 * thread sent to the same person (the conversation's tag, for when a mail program drops all of
 * that, is the core's: conversations/thread-tags.ts).
 */
@Injectable()
export class ReplyAddressing {
  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  replyAddress(token: string): string {
    return `${this.config.outbound.replyLocalPart}+${token}@${this.config.outbound.replyDomain}`;
  }

  /** The token of one of our reply addresses (any case), or null when the address is not one. */
  tokenOf(address: string): string | null {
    const { replyLocalPart, replyDomain } = this.config.outbound;
    const match = /^([^@+]+)\+([a-z2-7]{32})@(.+)$/i.exec(address.trim().replace(/^<|>$/g, ''));
    if (!match || match[1].toLowerCase() !== replyLocalPart || match[3].toLowerCase() !== replyDomain) return null;
    return match[2].toLowerCase();
  }

  newMessageId(): string {
    return `${randomUUID()}@${this.config.outbound.messageIdDomain}`;
  }

  /**
   * Headers of one email copy: its Message-ID, and for a reply's copy the chain of earlier copies of
   * the same thread to the same recipient, so the recipient's mail program threads them together.
   */
  async headersFor(delivery: Pick<Delivery, 'id' | 'conversationId' | 'entryId' | 'recipientType' | 'recipientUserId' | 'emailMessageId'>): Promise<EmailThreadHeaders> {
    const messageId = delivery.emailMessageId ?? this.newMessageId();
    if (!delivery.entryId) return { messageId, inReplyTo: null, references: [] };
    const earlier = await this.em.find(
      Delivery,
      {
        conversationId: delivery.conversationId,
        channel: 'email',
        recipientType: delivery.recipientType,
        recipientUserId: delivery.recipientUserId,
        emailMessageId: { $ne: null },
        status: { $in: ['sent', 'delivered'] },
        id: { $lt: delivery.id },
      },
      { orderBy: { id: 'asc' }, fields: ['emailMessageId'], limit: 50 },
    );
    const references = earlier.flatMap((d) => (d.emailMessageId ? [d.emailMessageId] : []));
    return { messageId, inReplyTo: references.at(-1) ?? null, references };
  }
}
