import { parentPort } from 'node:worker_threads';
import { parseMail } from './parse-mail.js';
import type { ParseReply, ParseRequest, ParseResult } from './parse-pool.js';
import { replyText } from './reply-text.js';

/**
 * A parsing thread of ParsePool: parses raw mails and trims their reply text, off the thread that
 * talks to IMAP, PostgreSQL and Redis. Answers each request with one result per mail, in order.
 */
const port = parentPort!;

port.on('message', (request: ParseRequest) => {
  void answer(request);
});
port.postMessage({ ready: true });

async function answer(request: ParseRequest): Promise<void> {
  const results: ParseResult[] = [];
  for (const raw of request.raws) {
    try {
      const mail = await parseMail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
      let text: ParseResult['text'] = null;
      try {
        text = replyText(mail);
      } catch {
        // The caller trims it again and handles the failure as it would without a thread.
      }
      results.push({ mail, text });
    } catch (error) {
      results.push({ error: (error as Error).message });
    }
  }
  try {
    port.postMessage({ id: request.id, results } satisfies ParseReply);
  } catch (error) {
    // A result that cannot be copied across threads: the caller parses this request itself.
    port.postMessage({ id: request.id, failed: (error as Error).message } satisfies ParseReply);
  }
}
