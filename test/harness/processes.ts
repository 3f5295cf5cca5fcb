import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

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
export function finished(child: ChildProcess, timeoutMs = 30_000): Promise<Finished> {
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
