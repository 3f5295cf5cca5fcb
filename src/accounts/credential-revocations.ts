import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { Credential } from '../core/auth/auth-context.js';
import { ApiToken } from './api-token.entity.js';
import { SessionsService } from './sign-in/sessions.service.js';

/** How often open long-lived requests have their credentials checked again: well within 5 s. */
const CHECK_EVERY_MS = 2_000;

interface Watched {
  ended: Subject<void>;
  watchers: number;
}

/**
 * Tells a long-lived request (the live event stream) when the credential it was authenticated with
 * stops being valid: a token revoked or deleted, a session signed out or expired, or their account
 * deactivated. The guard checks a credential once per request, which for a stream held open for
 * hours is not enough. Every open stream's credential is checked in one query per kind and
 * interval, whatever the number of streams, and whichever process or route took the access away.
 */
@Injectable()
export class CredentialRevocations implements OnApplicationShutdown {
  private readonly logger = new Logger('credential-revocations');
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly em: EntityManager,
    private readonly sessions: SessionsService,
  ) {}

  /** Emits once, then completes, when the credential is no longer valid. */
  ended(credential: Credential): Observable<void> {
    const key = `${credential.type}:${credential.id}`;
    return new Observable<void>((subscriber) => {
      let entry = this.watched.get(key);
      if (!entry) {
        entry = { ended: new Subject<void>(), watchers: 0 };
        this.watched.set(key, entry);
      }
      const watched = entry;
      watched.watchers += 1;
      const subscription = watched.ended.subscribe(subscriber);
      this.timer ??= setInterval(() => void this.check(), CHECK_EVERY_MS).unref();
      return () => {
        subscription.unsubscribe();
        watched.watchers -= 1;
        if (watched.watchers === 0 && this.watched.get(key) === watched) this.watched.delete(key);
      };
    });
  }

  /** One query per kind of credential watched; ends the watchers of those no longer valid. */
  async check(): Promise<void> {
    if (this.checking) return;
    if (this.watched.size === 0) return this.stop();
    this.checking = true;
    try {
      const keys = [...this.watched.keys()];
      const idsOf = (type: Credential['type']) => keys.filter((key) => key.startsWith(`${type}:`)).map((key) => key.slice(type.length + 1));
      const em = this.em.fork();
      const tokenIds = idsOf('token');
      const tokens = tokenIds.length > 0 ? await em.find(ApiToken, { id: { $in: tokenIds }, revokedAt: null, user: { active: true } }, { fields: ['id'] }) : [];
      const sessions = await this.sessions.stillValid(em, idsOf('session'));
      const alive = new Set([...tokens.map((token) => `token:${token.id}`), ...[...sessions].map((id) => `session:${id}`)]);
      for (const key of keys) {
        if (alive.has(key)) continue;
        const entry = this.watched.get(key);
        this.watched.delete(key);
        entry?.ended.next();
        entry?.ended.complete();
      }
    } catch (error) {
      // The database is unreachable: the streams stay open and are checked again next interval
      // (closing them all would make every client reconnect at once into the same outage).
      this.logger.warn(`open streams' credentials not checked: ${(error as Error).message}`);
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
