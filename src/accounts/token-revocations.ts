import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { ApiToken } from './api-token.entity.js';

/** How often open long-lived requests have their tokens checked again: well within 5 s. */
const CHECK_EVERY_MS = 2_000;

interface Watched {
  ended: Subject<void>;
  watchers: number;
}

/**
 * Tells a long-lived request (the live event stream) when the token it was authenticated with
 * stops being valid: revoked, deleted, or its account deactivated. The guard checks a token once
 * per request, which for a stream held open for hours is not enough. Every open stream's token is
 * checked in one query per interval, whatever the number of streams, and whichever process or
 * route took the access away.
 */
@Injectable()
export class TokenRevocations implements OnApplicationShutdown {
  private readonly logger = new Logger('token-revocations');
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly em: EntityManager) {}

  /** Emits once, then completes, when the token is no longer valid. */
  ended(tokenId: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      let entry = this.watched.get(tokenId);
      if (!entry) {
        entry = { ended: new Subject<void>(), watchers: 0 };
        this.watched.set(tokenId, entry);
      }
      const watched = entry;
      watched.watchers += 1;
      const subscription = watched.ended.subscribe(subscriber);
      this.timer ??= setInterval(() => void this.check(), CHECK_EVERY_MS).unref();
      return () => {
        subscription.unsubscribe();
        watched.watchers -= 1;
        if (watched.watchers === 0 && this.watched.get(tokenId) === watched) this.watched.delete(tokenId);
      };
    });
  }

  /** One query for every watched token; ends the watchers of those no longer valid. */
  async check(): Promise<void> {
    if (this.checking) return;
    if (this.watched.size === 0) return this.stop();
    this.checking = true;
    try {
      const ids = [...this.watched.keys()];
      const valid = await this.em.fork().find(ApiToken, { id: { $in: ids }, revokedAt: null, user: { active: true } }, { fields: ['id'] });
      const alive = new Set(valid.map((token) => token.id));
      for (const id of ids) {
        if (alive.has(id)) continue;
        const entry = this.watched.get(id);
        this.watched.delete(id);
        entry?.ended.next();
        entry?.ended.complete();
      }
    } catch (error) {
      // The database is unreachable: the streams stay open and are checked again next interval
      // (closing them all would make every client reconnect at once into the same outage).
      this.logger.warn(`open streams' tokens not checked: ${(error as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
