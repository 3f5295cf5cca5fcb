/**
 * The reply trimmer against corpora of real replies with their expected text (`emails/NAME.txt` →
 * `trimmed/NAME.txt`), then its time on large bodies.
 *
 *   npm run bench:trimming [-- CORPUS_DIR…]     (default: both corpora under ../shared/corpus)
 *
 * For each corpus: exact matches overall and per language (from manifest.json when there is one),
 * and the cases that **lose a line** the person wrote (a line of the expected text missing from the
 * output), the worst failure. Texts are compared normalized as the corpora's READMEs say: line ends
 * unified, trailing blanks of every line and blank lines around the text removed. A case the
 * manifest marks as a full raw message goes through the production path (MIME parsing, then the
 * reply text); a manifest's `sender` is passed as the mail's sender would be.
 *
 * Then the time to trim bodies of 10 KB, 100 KB, 1 MB and 2 MB of hostile shapes (short lines,
 * quotes and introductions interleaved, one long line): the trimmer runs on the worker's main thread.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseMail } from '../../src/inbound/email/parse-mail.js';
import { trimmedReply } from '../../src/inbound/email/reply-text.js';
import { trimReply, type TrimOptions } from '../../src/inbound/email/reply-trimmer.js';

interface ManifestCase {
  name: string;
  lang?: string;
  message?: string;
  sender?: string;
}

function normalize(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/u, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

function senderOf(value: string | undefined): TrimOptions['sender'] {
  if (!value) return null;
  const match = /^(.*?)\s*<([^>]+)>$/.exec(value);
  return match ? { name: match[1].replace(/^"|"$/g, ''), address: match[2] } : { address: value };
}

async function trimmedOf(file: string, entry: ManifestCase | undefined): Promise<string> {
  if (entry?.message === 'full raw message') return trimmedReply(await parseMail(readFileSync(file))).text;
  return trimReply(readFileSync(file, 'utf8'), { sender: senderOf(entry?.sender) }).text;
}

async function measure(dir: string): Promise<void> {
  const manifestFile = join(dir, 'manifest.json');
  const manifest = new Map<string, ManifestCase>(
    existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as { cases: ManifestCase[] }).cases.map((c) => [c.name, c]) : [],
  );
  const names = readdirSync(join(dir, 'emails')).filter((name) => name.endsWith('.txt')).sort();
  const byLanguage = new Map<string, { cases: number; exact: number }>();
  const misses: string[] = [];
  const losing: string[] = [];
  const details: string[] = [];
  const started = performance.now();
  for (const name of names) {
    const entry = manifest.get(name.replace(/\.txt$/, ''));
    const expected = normalize(readFileSync(join(dir, 'trimmed', name), 'utf8'));
    const actual = normalize(await trimmedOf(join(dir, 'emails', name), entry));
    const language = entry?.lang ?? 'all';
    const tally = byLanguage.get(language) ?? { cases: 0, exact: 0 };
    tally.cases++;
    if (actual === expected) {
      tally.exact++;
    } else {
      misses.push(name);
      const kept = new Set(actual.split('\n').map((line) => line.trim()));
      // A line with words (a rule or a lone quote mark is nobody's words).
      const lost = expected.split('\n').filter((line) => /[\p{L}\p{N}]/u.test(line) && !kept.has(line.trim()));
      if (lost.length > 0) losing.push(`${name} (${lost.length} line${lost.length > 1 ? 's' : ''})`);
      details.push(`\n===== ${name}\n${actual}\n----- expected\n${expected}`);
    }
    byLanguage.set(language, tally);
  }
  const elapsed = performance.now() - started;
  const exact = names.length - misses.length;
  console.log(`${dir}: ${exact}/${names.length} exact (${((exact / names.length) * 100).toFixed(1)}%), ${losing.length} losing a written line, in ${elapsed.toFixed(0)} ms`);
  if (byLanguage.size > 1) {
    const languages = [...byLanguage].sort((a, b) => b[1].cases - a[1].cases);
    console.log(`  per language: ${languages.map(([lang, t]) => `${lang} ${t.exact}/${t.cases}`).join(', ')}`);
  }
  if (misses.length > 0) console.log(`  misses: ${misses.join(', ')}`);
  if (losing.length > 0) console.log(`  losing a line: ${losing.join(', ')}`);
  if (process.env.SHOW_MISSES) console.log(details.join('\n'));
}

/** A body of `bytes` repeating `unit`. */
function body(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

function timeTrim(label: string, text: string): void {
  trimReply(text); // warm: the first run of a size pays for growing the heap
  const runs = text.length > 500_000 ? 5 : 10;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    // The garbage of the previous shapes is collected first (npm run passes --expose-gc), so each
    // figure is this body's own work.
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    trimReply(text);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`  ${label.padEnd(44)} median ${times[Math.floor(runs / 2)].toFixed(1)} ms, max ${times[runs - 1].toFixed(1)} ms`);
}

const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['../shared/corpus/reply-trimming', '../shared/corpus/reply-trimming-multilingual'];
for (const dir of dirs) {
  if (existsSync(join(resolve(dir), 'emails'))) await measure(resolve(dir));
  else console.log(`${dir}: not found, skipped`);
}

console.log('time to trim one body:');
const shapes: [string, string][] = [
  ['short lines', 'ok\n'],
  ['short sentences', 'Merci, à demain.\n'],
  ['text, introductions and quotes interleaved', 'Merci, à demain.\n\nLe 24 nov. 2026 à 09:12, A <a@b.fr> a écrit :\n> Mme Petit a appelé.\n>\n'],
  ['header-like lines', 'De : quelqu’un\nObjet : rien\nDate : demain\nTexte.\n'],
  ['one long line', 'a'],
];
for (const size of [10_000, 100_000, 1_000_000, 2_000_000]) {
  for (const [shape, unit] of shapes) timeTrim(`${(size / 1000).toLocaleString('en')} KB, ${shape}`, body(unit, size));
}
