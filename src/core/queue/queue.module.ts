import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { AppConfig } from '../../config/config.schema.js';
import { JobHandlerRegistry } from './job-handler.registry.js';
import { JobQueue } from './job-queue.service.js';
import { QUEUES } from './jobs.js';
import { QueueWorkers } from './queue-workers.js';
import { RedisClient } from '../redis/redis.module.js';

export type ProcessRole = 'api' | 'worker' | 'cli';

/**
 * Queues for every process (to enqueue and to measure depths); in the worker, also the consumers.
 */
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig, role: ProcessRole): DynamicModule {
    const queues = Object.entries(QUEUES).map(([name, defaultJobOptions]) => ({ name, defaultJobOptions }));
    const imports: (DynamicModule | Type)[] = [
      // Producers share the process's Redis connection, which fails fast while Redis is away
      // (an enqueue must not hold an HTTP request open) and which RedisModule closes on shutdown.
      BullModule.forRootAsync({
        useFactory: (redis: RedisClient) => ({ prefix: config.queue.prefix, connection: redis.client }),
        inject: [RedisClient],
      }),
      BullModule.registerQueue(...queues),
    ];
    const providers: Provider[] = [JobQueue];
    if (role === 'worker') {
      imports.push(DiscoveryModule);
      providers.push(JobHandlerRegistry, QueueWorkers);
    }
    return { module: QueueModule, global: true, imports, providers, exports: [JobQueue, BullModule] };
  }
}
