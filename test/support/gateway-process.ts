/**
 * Starts the real gateway (`node dist/cli.js serve`) as a child process on a free loopback port
 * and waits for its "listening" log line. Used by tests, the benchmark and the UI tests.
 * Needs `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const CLI_PATH = resolve(__dirname, '../../dist/cli.js');

export interface GatewayProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the gateway wrote to stderr so far (its structured log). */
  log: string[];
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit (crash simulation). */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a data dir (restart); a fresh temp dir otherwise, removed by `cleanup`. */
  dataDir?: string;
  args?: string[];
  timeoutMs?: number;
}

export function makeTempDir(prefix = 'framegate-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startGatewayProcess(options: StartOptions = {}): Promise<GatewayProcess> {
  const dataDir = options.dataDir ?? makeTempDir();
  const child = spawn(process.execPath, [CLI_PATH, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within ${options.timeoutMs ?? 60_000} ms:\n${log.join('\n')}`)), options.timeoutMs ?? 60_000);
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      log.push(line);
      if (!line.includes('"listening"')) return;
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) {
          clearTimeout(timer);
          resolveUrl(parsed.url);
        }
      } catch {
        // not a JSON line; keep reading
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code ?? signal}) before listening:\n${log.join('\n')}`));
    });
  });
  const waitExit = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, dataDir, child, log, stop: () => waitExit('SIGTERM'), kill: () => waitExit('SIGKILL') };
}
