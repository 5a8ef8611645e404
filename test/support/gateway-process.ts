/**
 * Starts the real gateway (`node dist/cli.js serve`) as a child process on a free loopback port
 * and waits for its "listening" log line. Used by tests and the benchmark. Builds dist/ first if
 * it is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../..');
export const CLI_PATH = resolve(ROOT, 'dist/cli.js');

export interface GatewayProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the gateway wrote to stderr so far (its structured log). */
  log: string[];
  /** A signal (SIGTERM by default; SIGKILL after 10 s) and wait for exit. Keeps the data dir. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL and wait for exit (crash simulation). */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a data dir (restart); a fresh temp dir otherwise, removed by `cleanup`. */
  dataDir?: string;
  /** 0 (a free port) by default; a fixed port lets a test restart a gateway where it was. */
  port?: number;
  args?: string[];
  timeoutMs?: number;
}

export function makeTempDir(prefix = 'framegate-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function ensureBuilt(): void {
  if (existsSync(CLI_PATH)) return;
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed; tests need dist/cli.js');
}

export async function startGatewayProcess(options: StartOptions = {}): Promise<GatewayProcess> {
  ensureBuilt();
  const dataDir = options.dataDir ?? makeTempDir();
  const port = String(options.port ?? 0);
  const child = spawn(process.execPath, [CLI_PATH, 'serve', '--host', '127.0.0.1', '--port', port, '--data-dir', dataDir, ...(options.args ?? [])], {
    cwd: ROOT,
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
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return { url, port: Number(new URL(url).port), dataDir, child, log, stop: (signal = 'SIGTERM') => waitExit(signal), kill: () => waitExit('SIGKILL') };
}
