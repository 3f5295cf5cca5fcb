import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How long a process may take to start (listen, or log that its worker started) or a CLI command to
 * run. Through the swc loader the API listens after about 6 s and a command ends after about 3 s on
 * an idle machine; with CI's two Jest workers, a browser and the database sharing two cores, a start
 * took over 30 s. Generous, since only a hung process should fail on it.
 */
export const PROCESS_START_MS = 90_000;

/** The test budget of a spec that starts processes: above its own waits, so that those say what was slow. */
export const PROCESS_TEST_TIMEOUT_MS = 4 * PROCESS_START_MS;

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `src/<entry>.ts` the way the npm scripts do (swc loader), in the project's folder. */
export function startEntry(entry: 'main' | 'worker' | 'cli', args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', '@swc-node/register/esm-register', `src/${entry}.ts`, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a process's output until it exits, or fails after `timeoutMs`. */
export function finished(child: ChildProcess, timeoutMs = PROCESS_START_MS): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Let the pipes drain.
      setImmediate(() => resolve({ code, stdout, stderr }));
    });
  });
}

export function runEntry(entry: 'main' | 'worker' | 'cli', args: string[], env: Record<string, string>, timeoutMs?: number) {
  return finished(startEntry(entry, args, env), timeoutMs);
}
