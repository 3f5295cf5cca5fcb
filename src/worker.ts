import 'reflect-metadata';
import { loadConfigOrExit } from './config/load-config.js';
import { exitCleanlyOnSignals, exitOnStartupFailure } from './core/lifecycle/shutdown.js';
import { createLogger } from './core/logging/logger.js';
import { createWorkerApp } from './worker-app.js';

/** The worker process: queue consumers, the outbox relay and reconciler, and the mailbox watchers. No HTTP. */
const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, role: 'worker' });
try {
  const app = await createWorkerApp(config, logger);
  exitCleanlyOnSignals(() => app.close(), config.shutdownTimeoutMs, logger);
  logger.info({ concurrency: config.queue.concurrency }, 'worker started');
} catch (error) {
  exitOnStartupFailure(logger, error);
}
