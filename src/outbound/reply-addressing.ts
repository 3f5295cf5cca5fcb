import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { Delivery } from './delivery.entity.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** Thread tags avoid look-alikes (0/O, 1/I/L, U/V) since people retype them from a subject line. */
const TAG_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ';
const TAG_LENGTH = 5;
const TAG_PATTERN = /\[(R-[2-9A-HJKMNP-TW-Z]{5})\]/i;

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

export function newThreadTag(): string {
  let tag = 'R-';
  for (let i = 0; i < TAG_LENGTH; i += 1) tag += TAG_ALPHABET[randomInt(TAG_ALPHABET.length)];
  return tag;
}

/** The thread tag written in a subject (`[R-7K2QX]`), upper-cased; null when there is none. */
export function tagInSubject(subject: string): string | null {
  return TAG_PATTERN.exec(subject)?.[1]?.toUpperCase() ?? null;
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
 * thread sent to the same person, and the thread's short tag in the subject for when a mail
 * program drops all of that. The inbound side resolves replies with the `find*` methods.
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

  /** The thread's tag, made on its first copy. Safe under concurrency (unique per thread and per tag). */
  async tagFor(companyId: string, messageId: string): Promise<string> {
    return (await this.tagsFor(new Map([[messageId, companyId]]))).get(messageId)!;
  }

  /**
   * The tags of many threads (message id → company id), made where missing: one read for those that
   * have one, one insert for the rest. A collision on either unique key inserts nothing for that
   * thread; the next round reads the winner or draws again.
   */
  async tagsFor(threads: Map<string, string>): Promise<Map<string, string>> {
    const tags = new Map<string, string>();
    const connection = this.em.getConnection();
    let missing = [...threads.keys()];
    for (let tries = 0; tries < 8 && missing.length > 0; tries += 1) {
      const found = await connection.execute<{ conversation_id: string; tag: string }[]>(
        `select conversation_id, tag from thread_tag where conversation_id in (${missing.map(() => '?').join(', ')})`,
        missing,
      );
      for (const row of found) tags.set(row.conversation_id, row.tag);
      missing = missing.filter((id) => !tags.has(id));
      if (missing.length === 0) break;
      const now = new Date();
      await connection.execute(
        `insert into thread_tag (id, created_at, updated_at, company_id, conversation_id, tag) values ${missing.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')} on conflict do nothing`,
        missing.flatMap((id) => [randomUUID(), now, now, threads.get(id)!, id, newThreadTag()]),
      );
    }
    if (missing.length > 0) throw new Error(`Could not allocate a thread tag for message ${missing[0]}`);
    return tags;
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
