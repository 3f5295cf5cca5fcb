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

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}

@Global()
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
