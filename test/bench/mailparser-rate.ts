/**
 * `node --import @swc-node/register/esm-register test/bench/mailparser-rate.ts <file>` — mailparser's
 * raw rate: parses once, in order, every mail of `file` (each a 4-byte big-endian length, then the
 * mail) with `simpleParser`, in this fresh process (cold, as a worker's parser is), and prints
 * `{"mails":n,"perSecond":r,"threadMs":t,"helpersMs":h}` (CPU of the parsing thread and of the
 * other threads, V8's compiler and collector, meanwhile). Run by bench:inbound-email while nothing else runs.
 */
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';

const data = readFileSync(process.argv[2]);
const mails: Buffer[] = [];
for (let at = 0; at < data.length; ) {
  const length = data.readUInt32BE(at);
  mails.push(data.subarray(at + 4, at + 4 + length));
  at += 4 + length;
}
const started = performance.now();
const threadBefore = process.threadCpuUsage();
const processBefore = process.cpuUsage();
for (const raw of mails) await simpleParser(raw);
const seconds = (performance.now() - started) / 1000;
const thread = process.threadCpuUsage(threadBefore);
const all = process.cpuUsage(processBefore);
// The parsing thread's CPU, and what V8's compiler and collector threads used beside it.
const threadMs = (thread.user + thread.system) / 1000;
const helpersMs = (all.user + all.system) / 1000 - threadMs;
console.log(JSON.stringify({ mails: mails.length, perSecond: mails.length / seconds, threadMs, helpersMs }));
