/**
 * Exact-match rate of the reply trimmer on a corpus of real replies with their expected output
 * (`emails/NAME.txt` → `trimmed/NAME.txt`). Usage: npm run bench:trimming [-- CORPUS_DIR]
 * (default ../shared/corpus/reply-trimming). A match compares the texts with surrounding blank
 * space removed (leading/trailing newlines are not something a reader sees).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { trimReply } from '../../src/inbound/email/reply-trimmer.js';

const dir = resolve(process.argv[2] ?? '../shared/corpus/reply-trimming');
const names = readdirSync(join(dir, 'emails')).filter((name) => name.endsWith('.txt')).sort();
const misses: string[] = [];
const started = performance.now();
for (const name of names) {
  const input = readFileSync(join(dir, 'emails', name), 'utf8');
  const expected = readFileSync(join(dir, 'trimmed', name), 'utf8');
  const actual = trimReply(input).text;
  if (actual.trim() !== expected.trim()) misses.push(name);
}
const elapsed = performance.now() - started;
const rate = ((names.length - misses.length) / names.length) * 100;
console.log(`reply trimming: ${names.length - misses.length}/${names.length} exact matches (${rate.toFixed(1)}%) in ${elapsed.toFixed(0)} ms`);
if (misses.length > 0) console.log(`misses: ${misses.join(', ')}`);
if (process.env.SHOW_MISSES) {
  for (const name of misses) {
    console.log(`\n===== ${name}\n${trimReply(readFileSync(join(dir, 'emails', name), 'utf8')).text}\n----- expected\n${readFileSync(join(dir, 'trimmed', name), 'utf8')}`);
  }
}
