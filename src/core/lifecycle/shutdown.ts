import type { Logger } from '../logging/logger.js';

/**
 * On SIGTERM or SIGINT: stop taking work, let in-flight requests and jobs finish, close
 * connections, exit 0. If that takes longer than `timeoutMs`, exit 1 anyway: an orchestrator's
 * kill would otherwise come without a log line.
 */
export function exitCleanlyOnSignals(close: () => Promise<void>, timeoutMs: number, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      logger.flush();
      process.exit(1);
    }, timeoutMs).unref();
    close().then(
      () => {
        logger.info('shut down cleanly');
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** A start-up failure: one fatal log line, exit 1. */
export function exitOnStartupFailure(logger: Logger, error: unknown): never {
  logger.fatal({ err: error }, `could not start: ${(error as Error).message}`);
  logger.flush();
  process.exit(1);
}
