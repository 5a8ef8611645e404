/**
 * `npm run bench`: Framegate's speed, as ratios against baselines measured in the same run.
 *  1. Window latency at the start, middle and end of a 10M-row frame, unsorted and sorted, through
 *     the gateway (real process, real WebSocket) vs the DuckDB engine alone in this process.
 *  2. Arrow bytes/s from gateway to client (whole-frame export) vs raw `ws` throughput (a bare ws
 *     sender process) and vs the engine producing the same Arrow in-process.
 *  3. Gateway memory (RSS) idle, with 1 client and with 20 clients previewing the same frame.
 * Prints a table and writes test-artifacts/bench.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import CliTable from 'cli-table3';
import { GatewayClient } from '../rpc/client';
import { Methods, type SortKey } from '../protocol';
import { createImportPolicy, openEngine, type DataSource, type TableResolver } from '../server/engine';
import { newStorageId } from '../server/frames/writer';
import { makeTempDir, removeDir, startGatewayProcess } from '../test/support/gateway-process';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const WINDOW = 1000;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const CLIENTS = 20;
const BIG_SQL = `SELECT range AS id, hash(range) % 1000003 AS k, (range % 97)::INTEGER AS g, range * 0.5 AS x FROM range(${ROWS})`;
const SORT: SortKey[] = [{ column: 'k', descending: false }];

const MiB = 1024 * 1024;

/** A plain table: no colours, so the output reads the same in a file or a CI log. */
function table(head: string[]): CliTable.Table {
  return new CliTable({ head, style: { head: [], border: [] } });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** Offsets near a position, jittered so no two samples read the same window. */
function offsetsAt(position: 'start' | 'middle' | 'end', count: number): number[] {
  const base = position === 'start' ? 0 : position === 'middle' ? Math.floor(ROWS / 2) : ROWS - WINDOW - count * 997;
  return Array.from({ length: count }, (_, i) => base + i * 997);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Samples a process's RSS while `work` runs and returns the peak. */
async function peakRss(pid: number, work: () => Promise<unknown>): Promise<number> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssMiB(pid));
}

async function rawWsThroughput(bytes: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'raw-ws-sender.ts'), String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((done) => createInterface({ input: child.stdout }).once('line', done));
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 64 * MiB });
  let received = 0;
  const start = performance.now();
  await new Promise<void>((done, fail) => {
    socket.on('message', (data: Buffer) => (received += data.byteLength));
    socket.on('close', () => done());
    socket.on('error', fail);
  });
  const seconds = (performance.now() - start) / 1000;
  child.kill();
  if (received !== bytes) throw new Error(`raw ws received ${received} of ${bytes} bytes`);
  return received / MiB / seconds;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { rows: ROWS, window: WINDOW, samples: SAMPLES };
  const engineDir = makeTempDir('framegate-bench-engine-');
  const gateway = await startGatewayProcess({ args: ['--query-timeout-ms', '600000'] });
  const pid = gateway.child.pid!;
  const client = await gateway.connect();
  try {
    console.error(`creating a ${ROWS.toLocaleString()}-row frame in the gateway and in a bare engine…`);
    const [, createMs] = await timed(() => client.request(Methods.save, { name: 'main.big', from: { sql: BIG_SQL }, replace: true }));
    const engine = await openEngine('duckdb', { dataDir: engineDir, importPolicy: createImportPolicy([], engineDir), queryTimeoutMs: 600_000 });
    const noFrames: TableResolver = (ref) => {
      throw new Error(`the benchmark SQL names no frames (${ref.text})`);
    };
    const storage = newStorageId();
    const stored = await engine.storeQuery(storage, BIG_SQL, noFrames);
    const engineSource: DataSource = { kind: 'stored', table: { storage, columns: stored.columns, rowCount: stored.rowCount } };
    const session = engine.openSession('bench');
    results.createFrameMs = createMs;

    // 1. Window latency.
    const latency = table(['window of 1000 rows', 'gateway p50 ms', 'gateway p95 ms', 'engine alone p50 ms', 'ratio', 'first call ms']);
    const latencyRows: unknown[] = [];
    for (const sort of [undefined, SORT]) {
      for (const position of ['start', 'middle', 'end'] as const) {
        const offsets = offsetsAt(position, SAMPLES);
        const source = { kind: 'frame' as const, name: 'main.big' };
        const [, firstMs] = await timed(() => client.window({ source, offset: offsets[0]!, limit: WINDOW, sort }));
        const viaGateway: number[] = [];
        for (const offset of offsets.slice(1)) viaGateway.push((await timed(() => client.window({ source, offset, limit: WINDOW, sort })))[1]);
        await session.window({ source: engineSource, offset: offsets[0]!, limit: WINDOW, sort });
        const alone: number[] = [];
        for (const offset of offsets.slice(1)) alone.push((await timed(() => session.window({ source: engineSource, offset, limit: WINDOW, sort })))[1]);
        const row = {
          position,
          sorted: Boolean(sort),
          gatewayP50: percentile(viaGateway, 50),
          gatewayP95: percentile(viaGateway, 95),
          engineP50: percentile(alone, 50),
          firstMs,
        };
        latencyRows.push(row);
        latency.push([`${position}${sort ? ', sorted by k' : ''}`, row.gatewayP50.toFixed(2), row.gatewayP95.toFixed(2), row.engineP50.toFixed(2), (row.gatewayP50 / row.engineP50).toFixed(2) + '×', firstMs.toFixed(1)]);
      }
    }
    results.windows = latencyRows;

    // 2. Throughput: whole-frame Arrow export.
    const [{ ipc }, exportMs] = await timed(() => client.export({ source: { kind: 'frame', name: 'main.big' } }));
    const gatewayMiBs = ipc.byteLength / MiB / (exportMs / 1000);
    const [engineBytes, engineMs] = await timed(async () => {
      const exported = await session.export(engineSource);
      let bytes = 0;
      for await (const part of exported.parts) bytes += part.byteLength;
      return bytes;
    });
    const engineMiBs = engineBytes / MiB / (engineMs / 1000);
    const rawMiBs = await rawWsThroughput(ipc.byteLength);
    results.throughput = { arrowBytes: ipc.byteLength, gatewayMiBs, engineMiBs, rawWsMiBs: rawMiBs, gatewayMrowsPerS: ROWS / 1e6 / (exportMs / 1000) };
    const throughput = table(['whole-frame Arrow export', 'MiB/s', 'Mrows/s', 'vs raw ws']);
    throughput.push(['raw ws, same bytes (baseline)', rawMiBs.toFixed(0), '', '1.00×']);
    throughput.push(['engine alone, in process', engineMiBs.toFixed(0), (ROWS / 1e6 / (engineMs / 1000)).toFixed(2), (engineMiBs / rawMiBs).toFixed(3) + '×']);
    throughput.push(['gateway → client over ws', gatewayMiBs.toFixed(0), (ROWS / 1e6 / (exportMs / 1000)).toFixed(2), (gatewayMiBs / rawMiBs).toFixed(3) + '×']);

    // 3. Memory: 1 vs 20 clients previewing the same frame.
    const previewLoad = async (c: GatewayClient, seed: number) => {
      for (let i = 0; i < 40; i++) {
        const offset = ((seed * 7_919 + i * 104_729) * 31) % (ROWS - WINDOW);
        await c.window({ source: { kind: 'frame', name: 'main.big' }, offset, limit: WINDOW, sort: i % 2 ? SORT : undefined });
      }
    };
    const idleMiB = rssMiB(pid);
    const solo = await gateway.connect();
    const oneMiB = await peakRss(pid, () => previewLoad(solo, 1));
    solo.close();
    const many = await Promise.all(Array.from({ length: CLIENTS }, () => gateway.connect()));
    const [manyMiB, manyMs] = await timed(() => peakRss(pid, () => Promise.all(many.map((c, i) => previewLoad(c, i + 2)))));
    for (const c of many) c.close();
    results.memory = { idleMiB, oneClientMiB: oneMiB, twentyClientsMiB: manyMiB, windowsPerSecondWith20: (CLIENTS * 40) / (manyMs / 1000) };
    const memory = table(['gateway RSS', 'MiB', 'vs 1 client']);
    memory.push(['idle, frame loaded', idleMiB.toFixed(0), '']);
    memory.push(['1 client previewing', oneMiB.toFixed(0), '1.00×']);
    memory.push([`${CLIENTS} clients previewing the same frame`, manyMiB.toFixed(0), (manyMiB / oneMiB).toFixed(2) + '×']);

    console.log(`\nFramegate benchmark: ${ROWS.toLocaleString()}-row frame (4 columns), ${WINDOW}-row windows, ${SAMPLES} samples each\n`);
    console.log(`frame created from SQL in ${(createMs / 1000).toFixed(2)} s\n`);
    console.log(latency.toString());
    console.log(throughput.toString());
    console.log(memory.toString());
    console.log(`${CLIENTS} clients: ${(results.memory as { windowsPerSecondWith20: number }).windowsPerSecondWith20.toFixed(0)} windows/s in all`);
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/bench.json', JSON.stringify(results, null, 2));

    await session.close();
    await engine.close();
  } finally {
    client.close();
    await gateway.stop();
    removeDir(gateway.dataDir);
    removeDir(gateway.configDir);
    removeDir(engineDir);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
