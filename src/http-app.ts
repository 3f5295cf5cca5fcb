import { NestFactory } from '@nestjs/core';
import { json } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.schema.js';
import { ApiExceptionFilter } from './core/errors/api-exception.filter.js';
import { accessLog } from './core/http/access-log.js';
import { mountConsole } from './core/http/console-static.js';
import { inputGuard, refuseDeepJson } from './core/http/input-guard.js';
import { mountOpenApi } from './core/http/openapi.js';
import { requestIdMiddleware } from './core/http/request-id.middleware.js';
import { createValidationPipe } from './core/http/validation.js';
import { type Logger, PinoNestLogger } from './core/logging/logger.js';
import { MetricsService } from './core/metrics/metrics.service.js';

/** The API application, configured identically for `main.ts` and for the e2e specs. */
export async function createHttpApp(config: AppConfig, logger: Logger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, 'api'), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(app.get(MetricsService).httpTimer);
  app.use(accessLog(logger));
  // express.json itself, as Nest's useBodyParser does, with a verify its options type leaves out.
  app.use(json({ limit: '1mb', verify: refuseDeepJson }));
  app.useBodyParser('urlencoded', { limit: '1mb', extended: false });
  app.use(inputGuard);
  mountConsole(app, config.console.distDir, logger);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  mountOpenApi(app);
  return app;
}
