/**
 * Mail parsing for the TypeScript side. The code lives in parse-core.mjs (plain JavaScript), shared
 * with the parsing thread (parse-thread.mjs) so both parse a mail identically.
 */
export { messageIds, parseMail, type ParsedInbound } from './parse-core.mjs';
