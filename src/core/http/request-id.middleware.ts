import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '../logging/request-context.js';

const ACCEPTED_ID = /^[\w.-]{1,128}$/;

/**
 * Gives each request an id (the caller's X-Request-Id when it is sane, otherwise a new one), echoes
 * it in the response and makes it available to every log line written while serving the request.
 */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const offered = req.header('x-request-id');
  const requestId = offered && ACCEPTED_ID.test(offered) ? offered : randomUUID();
  (req as Request & { id: string }).id = requestId;
  res.setHeader('X-Request-Id', requestId);
  requestContext.run({ requestId }, next);
}
