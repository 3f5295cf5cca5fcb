import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Observable, Subject } from 'rxjs';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { RedisClient } from '../core/redis/redis.module.js';

/**
 * What happened to a conversation, as `<kind>.<what>` (message.created, message.replied, message.task,
 * message.vad; another kind's `<kind>.replied`…); who may see it is decided per subscriber by the
 * kind (events.controller.ts).
 */
export interface LiveEvent {
  type: `${string}.${string}`;
  /** The conversation's id (the stream's field kept its first name: messages were its first kind). */
  messageId: string;
  companyId: string;
  at: string;
}

/** The kind of conversation an event is about: the part of its type before the dot. */
export function kindOf(event: Pick<LiveEvent, 'type'>): string {
  return event.type.slice(0, event.type.indexOf('.'));
}

/**
 * Live events through Redis pub/sub, so a change made on one API process reaches the users
 * connected to any other. Publishing happens after the transaction committed.
 */
@Injectable()
export class LiveEvents implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('live-events');
  private readonly events = new Subject<LiveEvent>();
  private readonly shutdown = new Subject<void>();
  private subscriber: Redis | undefined;

  /** Under the deployment's prefix: deployments (and test runs) sharing a Redis never hear each other. */
  private readonly channel: string;

  constructor(
    private readonly redis: RedisClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = `${config.queue.prefix}:message-events`;
  }

  async publish(event: Omit<LiveEvent, 'at'>): Promise<void> {
    try {
      await this.redis.client.publish(this.channel, JSON.stringify({ ...event, at: new Date().toISOString() }));
    } catch (error) {
      // The write is committed; a missed live event only delays the update until the next refresh.
      this.logger.warn(`live event not published: ${(error as Error).message}`);
    }
  }

  /** Every event published by any process, from now on. */
  stream(): Observable<LiveEvent> {
    this.subscribe();
    return this.events.asObservable();
  }

  private subscribe(): void {
    if (this.subscriber) return;
    const subscriber = this.redis.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    subscriber.on('error', (error: Error) => this.logger.warn(`subscriber: ${error.message}`));
    subscriber.on('message', (_channel: string, payload: string) => {
      try {
        this.events.next(JSON.parse(payload) as LiveEvent);
      } catch {
        this.logger.warn('ignored a malformed live event');
      }
    });
    void subscriber.subscribe(this.channel);
    this.subscriber = subscriber;
  }

  /** Emits once when the application starts shutting down. */
  closing(): Observable<void> {
    return this.shutdown.asObservable();
  }

  /** Ends every open stream before the HTTP server closes, so shutdown does not wait on them. */
  beforeApplicationShutdown(): void {
    this.shutdown.next();
    this.shutdown.complete();
    this.events.complete();
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }
}
