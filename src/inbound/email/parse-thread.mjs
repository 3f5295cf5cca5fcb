// @ts-check
/**
 * The parsing thread of ParsePool (parse-pool.ts): parses raw mails with parse-core.mjs, off the
 * worker's main thread (IMAP, PostgreSQL, Redis). Plain JavaScript importing only mailparser and
 * node built-ins, so it starts without a TypeScript loader, from src/ and from dist/ alike.
 *
 * Protocol: it posts `{ ready: true }` once loaded; each `{ id, raws }` is answered with
 * `{ id, results }`, one `{ mail }` or `{ error }` per raw mail, in order (or `{ id, failed }`: the main thread then parses them itself). Attachment contents are
 * copied to buffers of their own and transferred (a Buffer may be a view on a shared pool).
 */
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { parseMail } from './parse-core.mjs';

const port = parentPort;
if (!port) throw new Error('parse-thread.mjs runs as a worker thread');

/** @param {{ id: number, raws: Uint8Array[] }} request */
async function answer(request) {
  /** @type {({ mail: import('./parse-core.mjs').ParsedInbound } | { error: string })[]} */
  const results = [];
  /** @type {ArrayBuffer[]} */
  const transfer = [];
  for (const raw of request.raws) {
    try {
      const mail = await parseMail(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
      for (const file of mail.attachments) {
        const own = new Uint8Array(file.content);
        transfer.push(own.buffer);
        file.content = /** @type {Buffer} */ (/** @type {unknown} */ (own));
      }
      results.push({ mail });
    } catch (error) {
      results.push({ error: String(/** @type {{ message?: unknown } | undefined} */ (error)?.message) });
    }
  }
  try {
    port?.postMessage({ id: request.id, results }, transfer);
  } catch (error) {
    // A result that cannot cross threads: the main thread parses this request itself.
    port?.postMessage({ id: request.id, failed: String(/** @type {{ message?: unknown } | undefined} */ (error)?.message) });
  }
}

// One request at a time, in order: a batch's mails are parsed while the main thread writes the last.
let queue = Promise.resolve();
port.on('message', (/** @type {{ id: number, raws: Uint8Array[] }} */ request) => {
  queue = queue.then(() => answer(request)).catch((/** @type {unknown} */ error) => {
    port?.postMessage({ id: request.id, failed: String(/** @type {{ message?: unknown } | undefined} */ (error)?.message) });
  });
});
// Ready once warm: mailparser loads much of its code (charsets, HTML to text) on its first mail,
// which would otherwise add tens of milliseconds to the first real mail after every start.
const WARM_UP = Buffer.from(
  [
    'From: Warm Up <warm@up.invalid>', 'To: relais@up.invalid', 'Subject: =?iso-8859-1?Q?R=E9ponse?=', 'Message-ID: <warm-up@up.invalid>',
    'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="b"', '', '--b', 'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable', '', 'Bien re=E7u.', '--b', 'Content-Type: text/html; charset=utf-8', '', '<p>Bien re\u00e7u.</p>', '--b--', '',
  ].join('\r\n'),
);
parseMail(WARM_UP)
  .catch(() => undefined)
  .finally(() => port.postMessage({ ready: true }));
