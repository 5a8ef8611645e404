/**
 * A real local Spark Connect server for the Spark tests: `scripts/spark/server.sh run` in the
 * foreground (its PID is the JVM's), one per test process, and only one at a time on the machine
 * (a lock file in the temp dir: another test process waits for it). Started on port 0; the port is
 * read from the server's "started at" log line. Stopped by PID; `stop` waits for the JVM to exit.
 * The first use installs pyspark (scripts/spark/install.sh) when it is missing.
 *
 * For quick iteration, FRAMEGATE_TEST_SPARK_DIR names the dir of a server already started with
 * `scripts/spark/server.sh start --dir DIR`; the tests then use it and leave it running (the
 * restart tests restart it through the same script).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, unlinkSync, watch, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const SCRIPTS = join(ROOT, 'scripts', 'spark');
const LOCK = join(tmpdir(), 'framegate-spark-test-server.lock');
const START_TIMEOUT_MS = Number(process.env.FRAMEGATE_SPARK_START_TIMEOUT ?? 600) * 1000;
const STOP_TIMEOUT_MS = 60_000;
const STARTED = /Spark Connect server started at: .*:(\d+)\s*$/;

export interface SparkServer {
  /** `sc://127.0.0.1:PORT` */
  readonly remote: string;
  readonly port: number;
  /** Holds the warehouse (`warehouse/`) and the server's log (`server.log`). */
  readonly dir: string;
  readonly warehouse: string;
  /** Stops the JVM (SIGTERM, SIGKILL after a minute) and starts it again on the same port and warehouse. */
  restart(): Promise<void>;
  /** Freezes the JVM (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Lets a paused JVM run again (SIGCONT). */
  resume(): void;
  /** Stops the JVM, waits for it to exit, releases the lock and removes the dir. */
  stop(): Promise<void>;
  /** The server log's size now: a mark to pass as `from` to waitForLog. */
  logMark(): number;
  /**
   * Resolves with the first line of the server's log (after byte `from`) that matches `pattern`:
   * how a test learns that Spark really runs a job (DAGScheduler logs "Got job N (Spark Connect -
   * session_id: …"). Fails after `timeoutMs`.
   */
  waitForLog(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<string>;
}

/** A Spark job of a session was submitted (DAGScheduler's INFO line names the Connect session). */
export function jobOfSession(sessionId: string): RegExp {
  return new RegExp(`DAGScheduler: Got (map stage )?job \\d+ \\(Spark Connect - session_id: "${sessionId}"`);
}

/** Any Spark job was submitted. */
export const ANY_JOB = /DAGScheduler: Got (map stage )?job \d+ /;

const LOG_POLL_MS = 100;
const LOG_WAIT_MS = 120_000;

function logMark(dir: string): number {
  try {
    return statSync(join(dir, 'server.log')).size;
  } catch {
    return 0;
  }
}

/** Reads the log as it grows (polled: it is written by the JVM or through our pipe) until a line matches. */
function waitForLog(dir: string, pattern: RegExp, options: { from?: number; timeoutMs?: number } = {}): Promise<string> {
  const path = join(dir, 'server.log');
  const timeoutMs = options.timeoutMs ?? LOG_WAIT_MS;
  let offset = options.from ?? 0;
  let partial = '';
  return new Promise<string>((resolveFound, rejectFound) => {
    const check = (): boolean => {
      const size = logMark(dir);
      if (size <= offset) return false;
      const fd = openSync(path, 'r');
      try {
        const chunk = Buffer.alloc(size - offset);
        readSync(fd, chunk, 0, chunk.length, offset);
        offset = size;
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop()!;
        const found = lines.find((line) => pattern.test(line));
        if (found === undefined) return false;
        finish();
        resolveFound(found);
        return true;
      } finally {
        closeSync(fd);
      }
    };
    const poll = setInterval(() => {
      try {
        check();
      } catch (error) {
        finish();
        rejectFound(error instanceof Error ? error : new Error(String(error)));
      }
    }, LOG_POLL_MS);
    const timer = setTimeout(() => {
      finish();
      rejectFound(new Error(`the Spark server's log showed no line matching ${String(pattern)} within ${timeoutMs} ms`));
    }, timeoutMs);
    function finish(): void {
      clearInterval(poll);
      clearTimeout(timer);
    }
  });
}

function ensureInstalled(): void {
  const venv = process.env.FRAMEGATE_SPARK_VENV ?? join(ROOT, '.cache', 'spark', 'venv');
  const protos = process.env.FRAMEGATE_SPARK_PROTOS ?? join(ROOT, '.cache', 'spark', 'protos');
  if (existsSync(join(venv, 'bin', 'python')) && existsSync(join(protos, 'spark', 'connect', 'base.proto'))) return;
  const result = spawnSync('bash', [join(SCRIPTS, 'install.sh')], { stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error('scripts/spark/install.sh failed');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the machine-wide lock: waits (on file events, bounded) while another live process holds it. */
async function acquireLock(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Watch before trying, so a release between the try and the wait is not missed.
    const watcher = watch(dirname(LOCK));
    const released = new Promise<void>((resolveReleased) => {
      const timer = setTimeout(resolveReleased, Math.max(0, deadline - Date.now()));
      watcher.on('change', (_event, name) => {
        if (String(name) === basename(LOCK) && !existsSync(LOCK)) resolveReleased();
      });
      watcher.on('close', () => clearTimeout(timer));
    });
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(LOCK, 'utf8').trim() || 0);
      if (!holder || !alive(holder)) {
        rmSync(LOCK, { force: true }); // left by a process that died
        continue;
      }
      if (Date.now() >= deadline) throw new Error(`another test process (PID ${holder}) has held the Spark server lock for too long`);
      await released;
    } finally {
      watcher.close();
    }
  }
}

function releaseLock(): void {
  try {
    if (readFileSync(LOCK, 'utf8').trim() === String(process.pid)) unlinkSync(LOCK);
  } catch {
    // already gone
  }
}

interface Running {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
}

function launch(dir: string, port: number): Promise<Running> {
  const child = spawn('bash', [join(SCRIPTS, 'server.sh'), 'run', '--port', String(port), '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FRAMEGATE_SPARK_DRIVER_MEMORY: process.env.FRAMEGATE_SPARK_DRIVER_MEMORY ?? '1g' },
  });
  const log = createWriteStream(join(dir, 'server.log'), { flags: 'a' });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const tail: string[] = [];
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  void exited.then(() => log.end());
  return new Promise<Running>((resolveStarted, rejectStarted) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStarted(new Error(`Spark Connect server did not start within ${START_TIMEOUT_MS} ms:\n${tail.join('\n')}`));
    }, START_TIMEOUT_MS);
    // Scan stderr for the "started" line without ever pausing it: the JVM blocks when its pipe fills.
    let pending = '';
    let scanning = true;
    child.stderr.on('data', (chunk: Buffer) => {
      if (!scanning) return;
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        const match = STARTED.exec(line);
        if (match) {
          scanning = false;
          clearTimeout(timer);
          resolveStarted({ child, port: Number(match[1]), exited });
          return;
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rejectStarted(new Error(`Spark Connect server exited (${code ?? signal}) before it started:\n${tail.join('\n')}`));
    });
  });
}

async function terminate(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGCONT'); // a paused JVM handles no SIGTERM
  running.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolveForced) => {
    timer = setTimeout(() => {
      running.child.kill('SIGKILL');
      resolveForced();
    }, STOP_TIMEOUT_MS);
  });
  await Promise.race([running.exited, forced]);
  clearTimeout(timer);
  await running.exited;
}

function existingServer(dir: string): SparkServer {
  const port = Number(readFileSync(join(dir, 'server.port'), 'utf8').trim());
  const script = (command: string, ...args: string[]) => {
    const result = spawnSync('bash', [join(SCRIPTS, 'server.sh'), command, '--dir', dir, ...args], { stdio: ['ignore', 'ignore', process.stderr] });
    if (result.status !== 0) throw new Error(`server.sh ${command} failed`);
  };
  return {
    remote: `sc://127.0.0.1:${port}`,
    port,
    dir,
    warehouse: join(dir, 'warehouse'),
    restart() {
      script('stop');
      script('start', '--port', String(port));
      return Promise.resolve();
    },
    pause: () => process.kill(Number(readFileSync(join(dir, 'server.pid'), 'utf8').trim()), 'SIGSTOP'),
    resume: () => process.kill(Number(readFileSync(join(dir, 'server.pid'), 'utf8').trim()), 'SIGCONT'),
    stop: () => Promise.resolve(),
    logMark: () => logMark(dir),
    waitForLog: (pattern, options) => waitForLog(dir, pattern, options),
  };
}

export async function startSparkServer(): Promise<SparkServer> {
  if (process.env.FRAMEGATE_TEST_SPARK_DIR) return existingServer(process.env.FRAMEGATE_TEST_SPARK_DIR);
  ensureInstalled();
  await acquireLock(30 * 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'fg-spark-'));
  let running: Running;
  try {
    running = await launch(dir, 0);
  } catch (error) {
    releaseLock();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = running.port;
  // Last resort if the test process dies without stopping it.
  const killOnExit = () => running.child.kill('SIGKILL');
  const killOnSignal = (signal: NodeJS.Signals) => {
    killOnExit();
    releaseLock();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', killOnExit);
  process.once('SIGTERM', killOnSignal);
  process.once('SIGINT', killOnSignal);
  let stopped = false;
  return {
    remote: `sc://127.0.0.1:${port}`,
    port,
    dir,
    warehouse: join(dir, 'warehouse'),
    async restart() {
      await terminate(running);
      running = await launch(dir, port);
    },
    pause: () => running.child.kill('SIGSTOP'),
    resume: () => running.child.kill('SIGCONT'),
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate(running);
      process.off('exit', killOnExit);
      process.off('SIGTERM', killOnSignal);
      process.off('SIGINT', killOnSignal);
      releaseLock();
      rmSync(dir, { recursive: true, force: true });
    },
    logMark: () => logMark(dir),
    waitForLog: (pattern, options) => waitForLog(dir, pattern, options),
  };
}
