import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, ms) used so far by each process of each part of a run, from Linux's /proc. */
export type CpuSnapshot = Record<string, Map<number, number>>;

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on

/** User + system CPU of a process (`/proc/PID/stat`) or of one of its threads (`/proc/PID/task/TID/stat`). */
function cpuMs(pid: number, tid?: number): number {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // gone, or not Linux
  }
}

/**
 * CPU used so far by a Node.js process's threads, summed by thread name: `MainThread`,
 * `WorkerThread` (worker_threads), `V8Worker` (V8's compiler and garbage collector helpers),
 * `libuv-worker`… Threads that ended are no longer counted.
 */
export function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  try {
    for (const entry of readdirSync(`/proc/${pid}/task`)) {
      const tid = Number(entry);
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'latin1').trim();
      byName.set(name, (byName.get(name) ?? 0) + cpuMs(pid, tid));
    }
  } catch {
    // gone, or not Linux
  }
  return byName;
}

/** What each thread name used between two `threadCpu` readings. */
export function threadCpuSince(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([name, ms]) => [name, ms - (before.get(name) ?? 0)]));
}

/** Pids whose command name is `name` (e.g. Dovecot's `imap` processes). */
export function pidsNamed(name: string): number[] {
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'latin1').trim() === name;
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/**
 * A snapshot of the CPU time used so far by each part's processes; `cpuSince` gives what each
 * part used between two snapshots (a process absent from the first counts from its start).
 * Benchmarks on a shared machine vary in elapsed time far more than in the CPU their work costs,
 * so they print both.
 */
export function cpuSnapshot(parts: Record<string, number[]>): CpuSnapshot {
  return Object.fromEntries(Object.entries(parts).map(([part, pids]) => [part, new Map(pids.map((pid) => [pid, cpuMs(pid)]))]));
}

export function cpuSince(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([part, pids]) => [part, [...pids].reduce((sum, [pid, ms]) => sum + ms - (before[part]?.get(pid) ?? 0), 0)]),
  );
}
