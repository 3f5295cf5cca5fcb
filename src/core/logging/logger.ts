import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { CENSORED, REDACT_PATHS, scrub, scrubValue } from './redact.js';
import { requestContext } from './request-context.js';

export type { Logger } from 'pino';

/** Builds the process logger: JSON lines, request id from the async context, personal data redacted. */
export function createLogger(
  options: { level: string; role: string },
  destination: DestinationStream = pino.destination({ fd: 1, sync: false }),
): Logger {
  const logger = pino(
    {
      level: options.level,
      base: { role: options.role },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: CENSORED },
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId } : {};
      },
      hooks: {
        logMethod(args, method) {
          // pino files an error given first under `err` (its message as msg): keep that shape.
          const [first, ...rest] = args as unknown[];
          const leading = first instanceof Error ? [{ err: first }, ...(rest.length > 0 ? [] : [first.message])] : [first];
          const scrubbed = [...leading, ...rest].map((arg) => scrubValue(arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      serializers: {
        // The logMethod hook has already turned errors into scrubbed plain objects; this is for
        // an error that reaches pino some other way.
        err: (error: unknown) => scrubValue(error),
      },
    },
    destination,
  );
  // A child logger's bindings are written as they are, bypassing the logMethod hook (and pino's
  // bindings formatter only sees the root's): scrub them when the child is made. Descendants find
  // this method through their prototype, so grandchildren are covered too.
  type MakeChild = (this: Logger, bindings: pino.Bindings, childOptions?: pino.ChildLoggerOptions) => Logger;
  const pinoPrototype = Object.getPrototypeOf(logger) as { child: MakeChild };
  const scrubbedChild: MakeChild = function (bindings, childOptions) {
    return pinoPrototype.child.call(this, scrubValue(bindings) as pino.Bindings, childOptions);
  };
  logger.child = scrubbedChild as unknown as Logger['child'];
  return logger;
}

/** Lets Nest's own `Logger` calls go through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    // Nest passes (message, context) when there is no trace.
    const [stack, ctx] = context === undefined ? [undefined, trace] : [trace, context];
    this.write('error', message, ctx, stack);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: pino.Level, message: unknown, context?: string, stack?: string): void {
    const fields: Record<string, unknown> = context ? { context } : {};
    if (stack) fields.stack = scrub(stack);
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'string') this.logger[level](fields, message);
    else this.logger[level]({ ...fields, data: message });
  }
}
