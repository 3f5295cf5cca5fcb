import { afterEach, describe, expect, it } from '@jest/globals';
import { buildBounce, buildDeepMultipart, buildMail, buildWithAttachment } from '../../../test/fixtures/mail/builder.js';
import { parseMail } from './parse-mail.js';
import { type ParseOutcome, ParsePool } from './parse-pool.js';

/** A mix: plain, HTML, a file, a bounce, an unknown charset, and a mail mailparser refuses. */
function mails(): Buffer[] {
  return [
    buildMail({ to: 'Reponses <r+abc@relais.test>', cc: 'a@x.test, b@x.test', text: 'Bien reçu, merci.' }),
    buildMail({ contentType: 'text/html; charset=utf-8', text: '<p>Oui <b>demain</b></p>' }),
    buildWithAttachment(10_000, { subject: 'Re: devis' }, 'Voici le devis.'),
    buildBounce('abc@relais.test', 'client@x.test'),
    buildMail({ contentType: 'text/plain; charset=x-unknown', rawBody: Buffer.from('R\xe9ponse', 'latin1') }),
    buildDeepMultipart(3_000, 'Trop imbriquée.', {}),
  ];
}

/** What parsing on this thread gives, as the pool reports it. */
async function here(raws: Buffer[]): Promise<ParseOutcome[]> {
  const outcomes: ParseOutcome[] = [];
  for (const raw of raws) {
    try {
      outcomes.push({ mail: await parseMail(raw) });
    } catch (error) {
      outcomes.push({ error: (error as Error).message });
    }
  }
  return outcomes;
}

describe('parse pool', () => {
  let pool: ParsePool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('parses on its thread exactly as on the main thread, refused mail included', async () => {
    pool = new ParsePool();
    await pool.start();
    expect(pool.running).toBe(1);
    const raws = mails();
    const outcomes = await pool.parseMany(raws);
    expect(outcomes).toEqual(await here(raws));
    expect(outcomes[5].error).toEqual(expect.any(String));
    expect(Buffer.isBuffer(outcomes[2].mail!.attachments[0].content)).toBe(true);
    await expect(pool.parse(raws[5])).rejects.toThrow(outcomes[5].error!);
    expect(pool.running).toBe(1);
  });

  it('parses a 30 MB mail on the main thread and keeps its thread', async () => {
    pool = new ParsePool();
    await pool.start();
    const big = buildWithAttachment(22_500_000, { subject: 'Re: scan' }, 'Le scan complet.');
    expect(big.length).toBeGreaterThan(30_000_000);
    const [outcome] = await pool.parseMany([big]);
    expect(outcome.mail!.attachments[0].size).toBe(22_500_000);
    expect(pool.running).toBe(1);
  });

  it('parses on the main thread when no thread can start', async () => {
    pool = new ParsePool(new URL('./no-such-parse-thread.mjs', import.meta.url));
    await pool.start();
    expect(pool.running).toBe(0);
    const raws = mails();
    expect(await pool.parseMany(raws)).toEqual(await here(raws));
  });

  it('parses on the main thread what a thread was parsing when it died, and gives up after a few deaths', async () => {
    // A thread that starts, then exits as soon as it is given mail.
    pool = new ParsePool(new URL(`data:text/javascript,${encodeURIComponent("import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => process.exit(3)); parentPort.postMessage({ ready: true });")}`));
    await pool.start();
    expect(pool.running).toBe(1);
    const raws = mails();
    const expected = await here(raws);
    for (let i = 0; i < 6; i++) {
      expect(await pool.parseMany(raws)).toEqual(expected);
      await new Promise((resolve) => setTimeout(resolve, 200)); // a replacement starts
    }
    expect(pool.running).toBe(0);
  });
});
