import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../app-config.module.js';
import { redisSettings } from './redis-settings.js';

/**
 * The process's general-purpose Redis connection (health checks now; locks and live events later).
 * Commands fail at once while Redis is away instead of queueing up behind a dead socket.
 */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new Redis({
      ...redisSettings(config.redis.url),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      // Bounds how long a close waits for a socket that never connected (Redis down at shutdown).
      disconnectTimeout: 200,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Connection errors are reported by /health/ready; an unhandled 'error' event would crash.
    this.client.on('error', () => undefined);
  }

  /**
   * Resolves once the connection is ready, or rejects after `timeoutMs`. Commands fail at once
   * while it is not (no offline queue): just after start, or while reconnecting, a caller that
   * would rather wait a little than fail awaits this first.
   */
  async whenReady(timeoutMs: number): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('ready', ready);
        reject(new Error(`Redis not ready within ${timeoutMs} ms (${client.status})`));
      }, timeoutMs);
      const ready = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('ready', ready);
    });
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}

@Global()
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
