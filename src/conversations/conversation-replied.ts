import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppendedEntry } from './inbound-append.js';

/**
 * A reaction to `conversation.replied`: someone outside answered (an entry received by email or SMS,
 * made by this append, not an automatic reply). `recordReplied` runs inside the append's transaction, so
 * what it writes (staff alerts) commits with the entries or not at all; `deliver` runs once that
 * transaction committed, with what `recordReplied` returned (queueing the alerts' sends).
 */
export interface RepliedListener<T> {
  readonly name: string;
  recordReplied(em: EntityManager, replied: AppendedEntry[]): Promise<T>;
  deliver(recorded: T): Promise<void>;
}

/**
 * The `conversation.replied` event of the core: a domain that must react to a client's answer
 * (outbound alerting staff) listens here instead of being called by inbound.
 */
@Injectable()
export class ConversationReplied {
  private readonly listeners: RepliedListener<unknown>[] = [];

  listen<T>(listener: RepliedListener<T>): void {
    if (this.listeners.some((l) => l.name === listener.name)) throw new Error(`${listener.name} listens to conversation.replied twice`);
    this.listeners.push(listener);
  }

  /** In the append's transaction: each listener records its rows; returns what to deliver after the commit. */
  async record(em: EntityManager, appended: AppendedEntry[]): Promise<(() => Promise<void>)[]> {
    const replied = appended.filter((a) => a.created && !a.automatic);
    if (replied.length === 0) return [];
    const deliveries: (() => Promise<void>)[] = [];
    for (const listener of this.listeners) {
      const recorded = await listener.recordReplied(em, replied);
      deliveries.push(() => listener.deliver(recorded));
    }
    return deliveries;
  }
}
