import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.schema.js';
import { QueueWorkers } from './core/queue/queue-workers.js';
import { type Logger, PinoNestLogger } from './core/logging/logger.js';

/**
 * The worker application, built identically for `worker.ts` and the specs. Consumers start only
 * after the job-handler check: a worker with a job nobody handles (or two handlers for one) stops.
 */
export async function createWorkerApp(config: AppConfig, logger: Logger): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, 'worker'), {
    logger: new PinoNestLogger(logger),
  });
  try {
    app.get(QueueWorkers).start();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
