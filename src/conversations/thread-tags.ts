import { randomInt } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { newId } from '../core/database/new-id.js';
import { boundSql } from '../core/database/sql-rows.js';

/** Thread tags avoid look-alikes (0/O, 1/I/L, U/V) since people retype them from a subject line. */
const TAG_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ';
const TAG_LENGTH = 5;
/** A tag's text: `R-` and five letters of TAG_ALPHABET. */
const TAG_CODE = 'R-[2-9A-HJKMNP-TW-Z]{5}';
/** A thread tag as written in a subject (`[R-7K2QX]`), any case: the one pattern outbound writes and inbound reads. */
export const TAG_PATTERN = new RegExp(`\\[(${TAG_CODE})\\]`, 'i');
const TAG_IN_TEXT = new RegExp(`\\b(${TAG_CODE})\\b`, 'gi');

export function newThreadTag(): string {
  let tag = 'R-';
  for (let i = 0; i < TAG_LENGTH; i += 1) tag += TAG_ALPHABET[randomInt(TAG_ALPHABET.length)];
  return tag;
}

/** Thread tags quoted in a text (an SMS: `R-7K2QX`, with or without brackets, any case), upper-cased, in order. */
export function tagsInText(text: string): string[] {
  return [...text.matchAll(TAG_IN_TEXT)].map((match) => match[1].toUpperCase());
}

/** The thread tag written in a subject (`[R-7K2QX]`), upper-cased; null when there is none. */
export function tagInSubject(subject: string): string | null {
  return TAG_PATTERN.exec(subject)?.[1]?.toUpperCase() ?? null;
}

/**
 * A conversation's short reference, e.g. `R-7K2QX`, put in email subjects and SMS copies so a reply
 * whose headers were lost can still be matched; made on the conversation's first copy, unique across
 * companies (a reply arrives before its company is known).
 */
@Injectable()
export class ThreadTags {
  constructor(private readonly em: EntityManager) {}

  /** The conversation's tag, made on its first copy. Safe under concurrency (unique per conversation and per tag). */
  async tagFor(companyId: string, conversationId: string): Promise<string> {
    return (await this.tagsFor(new Map([[conversationId, companyId]]))).get(conversationId)!;
  }

  /**
   * The tags of many conversations (conversation id → company id), made where missing: one read for
   * those that have one, one insert for the rest. A collision on either unique key inserts nothing for
   * that conversation; the next round reads the winner or draws again.
   */
  async tagsFor(conversations: Map<string, string>): Promise<Map<string, string>> {
    const tags = new Map<string, string>();
    const em = this.em.fork();
    let missing = [...conversations.keys()];
    for (let tries = 0; tries < 8 && missing.length > 0; tries += 1) {
      const found = await boundSql<{ conversation_id: string; tag: string }>(em, 'select conversation_id, tag from thread_tag where conversation_id = any(?::uuid[])', [missing]);
      for (const row of found) tags.set(row.conversation_id, row.tag);
      missing = missing.filter((id) => !tags.has(id));
      if (missing.length === 0) break;
      const now = new Date();
      await boundSql(
        em,
        `insert into thread_tag (id, created_at, updated_at, company_id, conversation_id, tag) values ${missing.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')} on conflict do nothing`,
        missing.flatMap((id) => [newId(), now, now, conversations.get(id)!, id, newThreadTag()]),
      );
    }
    if (missing.length > 0) throw new Error(`Could not allocate a thread tag for conversation ${missing[0]}`);
    return tags;
  }

  /** The company's conversations these tags name, with their client file. */
  async tagged(companyId: string, tags: string[]): Promise<{ tag: string; conversationId: string; clientId: string }[]> {
    if (tags.length === 0) return [];
    const rows = await boundSql<{ tag: string; conversation_id: string; client_id: string }>(
      this.em,
      `select t.tag, t.conversation_id, c.client_id from thread_tag t join conversation c on c.id = t.conversation_id
        where t.company_id = ? and t.tag = any(?::text[])`,
      [companyId, tags],
    );
    return rows.map((row) => ({ tag: row.tag, conversationId: row.conversation_id, clientId: row.client_id }));
  }
}
