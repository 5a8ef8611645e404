/** Pieces the benchmark shares: the data, statistics, tables, process figures and the wire baseline's client. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { tableFromIPC } from 'apache-arrow';
import CliTable from 'cli-table3';
import WebSocket from 'ws';
import { AttachmentInbox } from '../rpc/attachments';
import { decodeAttachmentFrame } from '../protocol';

export const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
export const WINDOW = 1000;
export const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
/** The one frame every part of the benchmark reads: 4 columns (BIGINT, UBIGINT, INTEGER, DECIMAL(21,1) read as DOUBLE). */
export const BIG_SQL = `SELECT range AS id, hash(range) % 1000003 AS k, (range % 97)::INTEGER AS g, range * 0.5 AS x FROM range(${ROWS})`;
export const MiB = 1024 * 1024;

/** A plain table: no colours, so the output reads the same in a file or a CI log. */
export function table(head: string[]): CliTable.Table {
  return new CliTable({ head, style: { head: [], border: [] } });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** Decodes an Arrow IPC window the way a grid does before it can draw (every column materialized). */
export function decodeWindow(ipc: Uint8Array): number {
  const decoded = tableFromIPC(ipc);
  let cells = 0;
  for (let i = 0; i < decoded.numCols; i++) {
    const values = decoded.getChildAt(i)!.toArray() as ArrayLike<unknown>;
    cells += values.length;
  }
  if (decoded.numRows !== WINDOW && decoded.numRows !== 0) throw new Error(`a window decoded to ${decoded.numRows} rows`);
  return cells;
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Samples a process's RSS while `work` runs and returns the peak. */
export async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<[T, number]> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  try {
    const value = await work();
    return [value, Math.max(peak, rssMiB(pid))];
  } finally {
    clearInterval(timer);
  }
}

/** CPU time (user + system, all threads) a process has used, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** Linux's USER_HZ. */
const CLOCK_TICKS = 100;

/** Runs `work` and returns its wall time and the CPU a process used meanwhile. */
export async function measured<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; ms: number; cpu: number }> {
  const cpu = cpuMs(pid);
  const [value, ms] = await timed(work);
  return { value, ms, cpu: cpuMs(pid) - cpu };
}

export function load(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
}

/** The client side of the wire baseline (raw-ws-sender.ts): what GatewayClient does with bytes, without JSON-RPC. */
export class RawWsClient {
  private nextId = 1;
  private failed: ((error: Error) => void) | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly socket: WebSocket,
  ) {
    socket.on('error', (error) => this.failed?.(error));
  }

  static async start(payloadFile: string): Promise<RawWsClient> {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'raw-ws-sender.ts'), payloadFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((done) => createInterface({ input: child.stdout }).once('line', done));
    const socket = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 64 * MiB });
    await new Promise((done, fail) => socket.once('open', done).once('error', fail));
    return new RawWsClient(child, socket);
  }

  /** One request, its attachment assembled (payloads copied, parts joined) and its reply parsed. */
  private exchange(request: Record<string, unknown>): Promise<{ bytes: Uint8Array; reply: unknown }> {
    const id = this.nextId++;
    const inbox = new AttachmentInbox({ maxHeldBytes: 2 ** 31 });
    return new Promise((done, fail) => {
      let attachment = 0;
      const onMessage = (data: Buffer, isBinary: boolean) => {
        if (isBinary) {
          attachment = decodeAttachmentFrame(data).id;
          inbox.receive(data);
          return;
        }
        this.socket.off('message', onMessage);
        done({ bytes: inbox.take(attachment), reply: JSON.parse(data.toString('utf8')) });
      };
      this.failed = fail;
      this.socket.on('message', onMessage);
      this.socket.send(JSON.stringify({ id, ...request }));
    });
  }

  /** The window's bytes, decoded: the floor a gateway window is compared with. */
  async window(): Promise<void> {
    decodeWindow((await this.exchange({ window: true })).bytes);
  }

  /** `bytes` streamed as one attachment; resolves with MiB/s. */
  async stream(bytes: number): Promise<number> {
    const [{ bytes: received }, ms] = await timed(() => this.exchange({ stream: bytes }));
    if (received.byteLength !== bytes) throw new Error(`raw ws received ${received.byteLength} of ${bytes} bytes`);
    return bytes / MiB / (ms / 1000);
  }

  close(): void {
    this.socket.close();
    this.child.kill();
  }
}
