/**
 * Child processes for the UI tests: each runs in its own process group (code-server and the
 * gateway start helpers of their own), output is kept for error messages, and every group is
 * killed at teardown, and again on process exit should a test runner die first.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
});

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

export interface GroupProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** The last `lines` lines of stdout and stderr (at most 200 are kept), for failure messages. */
  tail(lines?: number): string;
  /** Resolves with the first line `match` accepts; rejects if the process exits or time runs out. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>;
  /** SIGTERM the group, then SIGKILL whatever is left after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnGroup(name: string, command: string, args: string[], options: SpawnOptions = {}): GroupProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`${name}: could not start ${command}`);
  liveGroups.add(pgid);

  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitListeners = new Set<() => void>();
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    for (const listener of exitListeners) listener();
  });
  child.on('error', (error) => lines.push(`spawn error: ${error.message}`));

  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 200) lines.shift();
        for (const listener of listeners) listener(line);
      }
    });
  }

  const tail = (count = 40) => lines.slice(-count).join('\n');

  return {
    child,
    name,
    tail,
    waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(onLine);
          exitListeners.delete(onExit);
        };
        const onLine = (line: string) => {
          const value = match(line);
          if (value !== undefined) {
            cleanup();
            resolve(value);
          }
        };
        const onExit = () => {
          cleanup();
          reject(new Error(`${name} exited (${exited?.code ?? exited?.signal}) before it was ready:\n${tail()}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} was not ready within ${timeoutMs} ms:\n${tail()}`));
        }, timeoutMs);
        for (const line of lines) {
          const value = match(line);
          if (value !== undefined) {
            cleanup();
            resolve(value);
            return;
          }
        }
        if (exited) return onExit();
        listeners.add(onLine);
        exitListeners.add(onExit);
      });
    },
    async stop(graceMs = 5_000): Promise<void> {
      if (!liveGroups.has(pgid)) return;
      killGroup(pgid, 'SIGTERM');
      if (!exited) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          exitListeners.add(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      // The leader may be gone while helpers of its group linger.
      killGroup(pgid, 'SIGKILL');
      liveGroups.delete(pgid);
    },
  };
}
