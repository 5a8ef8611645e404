/**
 * Starts the real gateway (`node dist/cli.js serve`) as a child process on a free loopback port
 * and waits for its "listening" log line. Used by tests and the benchmark. Builds dist/ first if
 * it is missing. Each gateway gets a config dir of its own (FRAMEGATE_CONFIG_DIR) where it writes
 * its first admin's credentials; `adminToken` is read from there, and `addUser` makes more users.
 * The engine is the one under test (test-engine.ts): DuckDB, or Spark for the Spark runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { readCredential } from '../../rpc/credentials';
import { engineArgs, stopGraceMs, testEngine } from './test-engine';

const ROOT = resolve(__dirname, '../..');
export const CLI_PATH = resolve(ROOT, 'dist/cli.js');

export interface GatewayProcess {
  url: string;
  port: number;
  dataDir: string;
  /** FRAMEGATE_CONFIG_DIR of the gateway (and of CLI runs that should find its credentials). */
  configDir: string;
  /** The first admin (created when the data dir had none; else the one saved in configDir). */
  adminUser: string;
  adminToken: string;
  /** Adds a user through the gateway (as the admin) and returns their token. */
  addUser(name: string, flags?: { admin?: boolean; teamWriter?: boolean }): Promise<string>;
  /** A client connected as the holder of `token` (the admin by default). */
  connect(token?: string): Promise<GatewayClient>;
  child: ChildProcess;
  /** Everything the gateway wrote to stderr so far (its structured log). */
  log: string[];
  /** A signal (SIGTERM by default; SIGKILL after 10 s, a minute on Spark) and wait for exit. Keeps the data dir. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL and wait for exit (crash simulation). */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a data dir (restart); a fresh temp dir otherwise, removed by `cleanup`. */
  dataDir?: string;
  /** 0 (a free port) by default; a fixed port lets a test restart a gateway where it was. */
  port?: number;
  /** Reuse a config dir (a restart keeps the admin's credentials); a fresh temp dir otherwise. */
  configDir?: string;
  /** The admin's token, when reopening a data dir on another port (credentials are saved per URL). */
  adminToken?: string;
  /** Name of the first admin of a new data dir (default "admin"). */
  adminName?: string;
  args?: string[];
  /** Working folder of the gateway (relative --data-dir and --import-dir resolve against it); the repo by default. */
  cwd?: string;
  /** Options for node itself, before the script (e.g. `--cpu-prof` to profile the gateway). */
  nodeArgs?: string[];
  /** Another build of the CLI to run (the benchmark compares releases); this checkout's by default. */
  cliPath?: string;
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
  if (!options.cliPath) ensureBuilt();
  const dataDir = options.dataDir ?? makeTempDir();
  const configDir = options.configDir ?? makeTempDir('framegate-config-');
  const port = String(options.port ?? 0);
  const env = { ...process.env, FRAMEGATE_CONFIG_DIR: configDir, FRAMEGATE_ADMIN_NAME: options.adminName ?? 'admin' };
  const engine = await engineArgs(dataDir);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.cliPath ?? CLI_PATH, 'serve', '--host', '127.0.0.1', '--port', port, '--data-dir', dataDir, ...engine, ...(options.args ?? [])], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log: string[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // A Spark engine opens its databases and re-registers its tables first: allow for a busy server.
  const startMs = testEngine() === 'spark' ? Math.max(options.timeoutMs ?? 0, 300_000) : (options.timeoutMs ?? 60_000);
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within ${startMs} ms:\n${log.join('\n')}`)), startMs);
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
    const killer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs());
    await exited;
    clearTimeout(killer);
  };
  const admin = readCredential(url, { FRAMEGATE_CONFIG_DIR: configDir }) ?? (options.adminToken ? { user: 'admin', token: options.adminToken } : undefined);
  if (!admin) {
    await waitExit('SIGTERM');
    throw new Error(`the gateway wrote no admin credentials to ${configDir} (a data dir with an admin needs its config dir too)`);
  }
  const connect = (token = admin.token) => GatewayClient.connect(url, { token });
  const addUser = async (name: string, flags: { admin?: boolean; teamWriter?: boolean } = {}) => {
    const client = await connect();
    try {
      return (await client.request(Methods.addUser, { name, ...flags })).token;
    } finally {
      client.close();
    }
  };
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    configDir,
    adminUser: admin.user,
    adminToken: admin.token,
    addUser,
    connect,
    child,
    log,
    stop: (signal = 'SIGTERM') => waitExit(signal),
    kill: () => waitExit('SIGKILL'),
  };
}
