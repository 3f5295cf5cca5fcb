import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { RedisClient } from '../core/redis/redis.module.js';
import type { DeliveryChannel } from './delivery.entity.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends per second per company and channel, shared by every worker through Redis (a counter per
 * one-second window). A send over the limit waits for the next window. 0 in the configuration
 * turns the limit off for that channel and costs no Redis call.
 */
@Injectable()
export class ChannelRateLimiter {
  constructor(
    private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async take(channel: DeliveryChannel, companyId: string): Promise<void> {
    const limit = this.config.outbound.ratePerSecond[channel];
    if (limit <= 0) return;
    for (;;) {
      const now = Date.now();
      const window = Math.floor(now / 1000);
      const key = `${this.config.queue.prefix}:rate:${channel}:${companyId}:${window}`;
      const [[, count]] = (await this.redis.client.multi().incr(key).pexpire(key, 2_000).exec()) as [[Error | null, number]];
      if (count <= limit) return;
      await sleep((window + 1) * 1000 - now + Math.floor(Math.random() * 20));
    }
  }
}
