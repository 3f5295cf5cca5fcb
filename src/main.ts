import 'reflect-metadata';
import { loadConfigOrExit } from './config/load-config.js';
import { exitCleanlyOnSignals, exitOnStartupFailure } from './core/lifecycle/shutdown.js';
import { createLogger } from './core/logging/logger.js';
import { createHttpApp } from './http-app.js';

/** The API process: HTTP endpoints, webhooks, docs, health and metrics. */
const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, role: 'api' });
try {
  const app = await createHttpApp(config, logger);
  await app.listen(config.http.port, config.http.host);
  exitCleanlyOnSignals(() => app.close(), config.shutdownTimeoutMs, logger);
  logger.info({ host: config.http.host, port: config.http.port }, 'api listening; docs at /docs');
} catch (error) {
  exitOnStartupFailure(logger, error);
}
