/**
 * A real gateway for the extension tests: `node dist/cli.js serve` on 127.0.0.1 in a temp data
 * dir, as a child process (so a test can kill it and start it again on the same port).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');

export interface GatewayProcess {
  url: string;
  port: number;
  dataDir: string;
  importDir: string;
  child: ChildProcess;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it to exit. Keeps the dirs. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface GatewayDirs {
  dataDir: string;
  importDir: string;
  remove(): void;
}

export function tempGatewayDirs(): GatewayDirs {
  const dataDir = mkdtempSync(join(tmpdir(), 'framegate-ext-data-'));
  const importDir = mkdtempSync(join(tmpdir(), 'framegate-ext-import-'));
  return {
    dataDir,
    importDir,
    remove: () => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(importDir, { recursive: true, force: true });
    },
  };
}

function ensureBuilt(): void {
  if (existsSync(cli)) return;
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed; the extension tests need dist/cli.js');
}

/** Starts `framegate serve` and resolves once it logged its `listening` line. */
export async function startGatewayProcess(dirs: GatewayDirs, { port = 0, demo = false }: { port?: number; demo?: boolean } = {}): Promise<GatewayProcess> {
  ensureBuilt();
  const args = [cli, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dirs.dataDir, '--import-dir', dirs.importDir];
  if (demo) args.push('--demo');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stderr: string[] = [];
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not listen within 60 s:\n${stderr.join('\n')}`)), 60_000);
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      stderr.push(line);
      if (!line.includes('"listening"')) return;
      const found = (JSON.parse(line) as { url?: string }).url;
      if (found) {
        clearTimeout(timer);
        resolveUrl(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${stderr.join('\n')}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir: dirs.dataDir,
    importDir: dirs.importDir,
    child,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Polls `condition` until it holds (no fixed sleeps in tests). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
