/**
 * Whether an error means PostgreSQL cannot be reached right now (refused, reset or timed-out
 * connections, a server shutting down or out of connection slots), as opposed to a query that
 * failed on its own. The first is worth retrying shortly; the second is not.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || (code.startsWith('08') && code !== PROTOCOL_VIOLATION))) return true;
    if (UNAVAILABLE_MESSAGES.test(current.message)) return true;
  }
  return false;
}

/**
 * 08P01 is in the connection class but says our message was malformed (a NUL inside a query's
 * text gives "insufficient data left in message"): the query's own failure, not an outage.
 */
const PROTOCOL_VIOLATION = '08P01';

/**
 * Socket errors from the driver, and PostgreSQL's SQLSTATEs for a server that is going away or
 * full: 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections);
 * class 08 (connection exceptions) is matched as a whole above.
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

/** What node-postgres says, without a code, when a connection dies or cannot be had in time. */
const UNAVAILABLE_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout)/;
