/**
 * `npm run bench`: Framegate's speed as ratios against baselines measured in the same run, on one
 * frame (bench/support.ts BIG_SQL, 10M rows) in every part. Windows go through the real gateway
 * process with real tokens and WebSockets, and every window is decoded by the client (as a grid
 * must before it can draw) inside its time.
 *
 *  1. Memory of a fresh gateway (a restart on the data dir, before any window, sort or export).
 *  2. Warm 1000-row windows at the start, middle and end: gateway vs the same bytes over a bare
 *     `ws` socket framed and copied like the real client (raw-ws-sender.ts), and vs the engine
 *     alone in this process. First calls reported apart.
 *  3. New sorts: time until the first window of a new sort is served (in the middle first), then
 *     warm sorted windows; beside what a whole sort costs the engine (the old sorted copy; a sort
 *     of all rowids; ORDER BY … OFFSET).
 *  4. 20 clients scrolling (10 unsorted, 10 sorted): paced like a fast scroll, then saturated.
 *  5. Whole-frame export: a fresh gateway (nothing cached) and the warm one, vs raw ws with the
 *     same bytes, the engine's own export and the engine's in-memory Arrow encoding rate.
 * Prints tables and writes test-artifacts/bench.json. BENCH_ROWS / BENCH_SAMPLES scale it down;
 * BENCH_GATEWAY_CLI runs another build's gateway (e.g. the release before) against the same baselines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Methods, type SortKey } from '../protocol';
import type { GatewayClient } from '../rpc/client';
import { encodeIpcParts } from '../server/engine/arrow-encoder';
import { DuckDatabase } from '../server/engine/duckdb/duckdb';
import { createImportPolicy, openEngine, type DataSource, type EngineSession, type TableResolver } from '../server/engine';
import { newStorageId } from '../server/frames/writer';
import { makeTempDir, removeDir, startGatewayProcess, type GatewayProcess } from '../test/support/gateway-process';
import { BIG_SQL, decodeWindow, load, measured, MiB, peakRss, percentile, RawWsClient, ROWS, rssMiB, SAMPLES, table, timed, WINDOW } from './support';

const FRAME = { kind: 'frame' as const, name: 'main.big' };
const BY_K: SortKey[] = [{ column: 'k', descending: false }];
const BY_X_DESC: SortKey[] = [{ column: 'x', descending: true }];
const CLIENTS = 20;
const SCROLL_WINDOWS = 50;
const PACE_MS = 100;
const POSITIONS = { start: 0, middle: Math.floor(ROWS / 2), end: ROWS - WINDOW - SAMPLES * 997 } as const;
const results: Record<string, unknown> = { rows: ROWS, window: WINDOW, samples: SAMPLES, cores: cpus().length, loadBefore: load() };

async function window(client: GatewayClient, offset: number, sort?: SortKey[]): Promise<number> {
  const [, ms] = await timed(async () => decodeWindow((await client.window({ source: FRAME, offset, limit: WINDOW, sort })).ipc));
  return ms;
}

async function engineWindow(session: EngineSession, source: DataSource, offset: number, sort?: SortKey[]): Promise<number> {
  const [, ms] = await timed(async () => decodeWindow((await session.window({ source, offset, limit: WINDOW, sort })).ipc));
  return ms;
}

/** 2. Warm unsorted windows, gateway and wire baseline interleaved so both see the same machine. */
async function warmWindows(client: GatewayClient, pid: number, raw: RawWsClient, session: EngineSession, source: DataSource) {
  const out = table(['1000-row window', 'first ms', 'gateway p50', 'p95', 'p99', 'raw ws p50', 'gateway / raw', 'gateway CPU ms / window', 'engine alone p50']);
  const rows = [];
  for (const [position, base] of Object.entries(POSITIONS)) {
    const first = await window(client, base);
    const gateway: number[] = [];
    const wire: number[] = [];
    // The wire baseline's windows cost the gateway nothing: its CPU over the loop is the gateway windows'.
    const { cpu } = await measured(pid, async () => {
      for (let i = 1; i <= SAMPLES; i++) {
        gateway.push(await window(client, base + i * 997));
        wire.push((await timed(() => raw.window()))[1]);
      }
    });
    await engineWindow(session, source, base);
    const alone: number[] = [];
    for (let i = 1; i <= SAMPLES; i++) alone.push(await engineWindow(session, source, base + i * 997));
    const row = { position, first, p50: percentile(gateway, 50), p95: percentile(gateway, 95), p99: percentile(gateway, 99), raw: percentile(wire, 50), gatewayCpuMs: cpu / SAMPLES, engine: percentile(alone, 50) };
    rows.push(row);
    out.push([position, first.toFixed(1), row.p50.toFixed(2), row.p95.toFixed(2), row.p99.toFixed(2), row.raw.toFixed(2), `${(row.p50 / row.raw).toFixed(2)}×`, row.gatewayCpuMs.toFixed(2), row.engine.toFixed(2)]);
  }
  results.windows = rows;
  return out;
}

/** 3. New sorts on the gateway, and what a whole sort costs the engine in the same run. */
async function newSorts(client: GatewayClient, pid: number, session: EngineSession, resolver: TableResolver) {
  const out = table(['new sort', 'first window ms', 'its gateway CPU ms', 'then start ms', 'then end ms', 'warm p50 ms', 'warm p99 ms']);
  const rows = [];
  for (const [label, sort] of [
    ['k (UBIGINT) ascending, first window in the middle', BY_K],
    ['x (DECIMAL) descending, first window in the middle', BY_X_DESC],
  ] as const) {
    const first = await measured(pid, () => window(client, POSITIONS.middle, [...sort]));
    const start = await window(client, POSITIONS.start, [...sort]);
    const end = await window(client, ROWS - WINDOW, [...sort]);
    const warm: number[] = [];
    for (let i = 1; i <= SAMPLES; i++) warm.push(await window(client, POSITIONS.middle + i * 997, [...sort]));
    const row = { sort: label, first: first.ms, firstGatewayCpuMs: first.cpu, start, end, p50: percentile(warm, 50), p99: percentile(warm, 99) };
    rows.push(row);
    out.push([label, first.ms.toFixed(0), first.cpu.toFixed(0), start.toFixed(0), end.toFixed(0), row.p50.toFixed(2), row.p99.toFixed(2)]);
  }
  const whole = table(['what a whole sort by k costs the engine (same data, same run)', 'ms']);
  const run = async (sql: string) => {
    const [result, ms] = await timed(() => session.runSql(sql, resolver));
    session.closeResult(result.id);
    return ms;
  };
  const copy = await run('SELECT * FROM big ORDER BY k NULLS LAST, rowid');
  const offset = await run(`SELECT * FROM big ORDER BY k NULLS LAST, rowid LIMIT ${WINDOW} OFFSET ${POSITIONS.middle}`);
  whole.push(['sorted copy of the frame (the previous design, before any middle window)', copy.toFixed(0)]);
  whole.push([`ORDER BY k, rowid LIMIT ${WINDOW} OFFSET ${POSITIONS.middle}`, offset.toFixed(0)]);
  results.sorts = { gateway: rows, sortedCopyMs: copy, orderByOffsetMs: offset };
  return { out, whole };
}

/**
 * 4. Clients scrolling down from places of their own, paced like a fast scroll (a window every
 * PACE_MS: 10,000 rows a second each): first over places nobody has read yet, then over the same
 * places again; last saturated (the next window as soon as one arrives) for throughput.
 */
async function scrolling(gateway: GatewayProcess) {
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => gateway.connect()));
  const pid = gateway.child.pid!;
  const run = async (paceMs: number, inStep = false) => {
    const times: { sorted: number[]; unsorted: number[] } = { sorted: [], unsorted: [] };
    const scroll = async (client: GatewayClient, i: number) => {
      const sort = i % 2 ? BY_K : undefined;
      let offset = Math.floor(((i * 7919 * 104_729) % (ROWS - SCROLL_WINDOWS * WINDOW)) / WINDOW) * WINDOW;
      // People do not scroll in step: each client starts at its own moment within the pace.
      if (!inStep && paceMs > 0) await new Promise((resolve) => setTimeout(resolve, (i * paceMs) / CLIENTS));
      for (let w = 0; w < SCROLL_WINDOWS; w++, offset += WINDOW) {
        const started = performance.now();
        (sort ? times.sorted : times.unsorted).push(await window(client, offset, sort));
        const pause = paceMs - (performance.now() - started);
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      }
    };
    const [{ ms, cpu }, peak] = await peakRss(pid, () => measured(pid, () => Promise.all(clients.map(scroll))));
    const all = [...times.sorted, ...times.unsorted];
    return { times, all, perSecond: all.length / (ms / 1000), cpuPerWindow: cpu / all.length, peak };
  };
  const passes = [
    [`paced, places not read before (a window every ${PACE_MS} ms each, clients not in step)`, await run(PACE_MS)],
    ['paced, the same places again', await run(PACE_MS)],
    [`paced in step: all ${CLIENTS} ask at the same instant (worst case)`, await run(PACE_MS, true)],
    ['saturated, the same places (no pause)', await run(0)],
  ] as const;
  for (const c of clients) c.close();
  const out = table([`${CLIENTS} clients (half sorted by k), ${SCROLL_WINDOWS} windows each`, 'p50 ms', 'p99 ms', 'unsorted p99', 'sorted p99', 'windows/s', 'gateway CPU ms / window']);
  for (const [label, r] of passes) {
    out.push([label, percentile(r.all, 50).toFixed(2), percentile(r.all, 99).toFixed(2), percentile(r.times.unsorted, 99).toFixed(2), percentile(r.times.sorted, 99).toFixed(2), r.perSecond.toFixed(0), r.cpuPerWindow.toFixed(2)]);
  }
  results.scrolling = {
    paceMs: PACE_MS,
    passes: passes.map(([label, r]) => ({ label, p50: percentile(r.all, 50), p99: percentile(r.all, 99), unsortedP99: percentile(r.times.unsorted, 99), sortedP99: percentile(r.times.sorted, 99), windowsPerSecond: r.perSecond, gatewayCpuMsPerWindow: r.cpuPerWindow })),
  };
  return { out, peak: Math.max(...passes.map(([, r]) => r.peak)) };
}

async function gatewayExport(client: GatewayClient, pid: number): Promise<{ bytes: number; mibs: number; cpu: number }> {
  const { value: ipc, ms, cpu } = await measured(pid, async () => (await client.export({ source: FRAME })).ipc);
  return { bytes: ipc.byteLength, mibs: ipc.byteLength / MiB / (ms / 1000), cpu };
}

/** The engine's own Arrow encoding of the same data from an in-memory table: the rate export is held to. */
async function inMemoryEncoding(): Promise<number> {
  const db = await DuckDatabase.open(':memory:', { config: { threads: String(cpus().length) } });
  const conn = await db.connect();
  try {
    await conn.run(`CREATE TABLE big AS ${BIG_SQL}`);
    const rates: number[] = [];
    for (let round = 0; round < 3; round++) {
      const [bytes, ms] = await timed(async () => {
        const { columns, batches } = await conn.streamBatches('SELECT id, k, g, CAST(x AS DOUBLE) AS x FROM big');
        let n = 0;
        for await (const part of encodeIpcParts(columns.map((c) => ({ name: c.name, kind: c.kind! })), batches)) n += part.byteLength;
        return n;
      });
      rates.push(bytes / MiB / (ms / 1000));
    }
    return percentile(rates, 50);
  } finally {
    conn.close();
    db.close();
  }
}

/** 5. Export: the warm gateway, then a fresh one on the same data dir (`restart`), and the baselines. */
async function exports(warmClient: GatewayClient, warmPid: number, restart: () => Promise<GatewayProcess>, raw: RawWsClient, session: EngineSession, source: DataSource) {
  const warm = await gatewayExport(warmClient, warmPid);
  const fresh = await restart();
  const freshClient = await fresh.connect();
  const [cold, coldPeak] = await peakRss(fresh.child.pid!, () => gatewayExport(freshClient, fresh.child.pid!));
  freshClient.close();
  const rawMiBs = await raw.stream(cold.bytes);
  const [engineBytes, engineMs] = await timed(async () => {
    const exported = await session.export(source);
    let bytes = 0;
    for await (const part of exported.parts) bytes += part.byteLength;
    return bytes;
  });
  const engineMiBs = engineBytes / MiB / (engineMs / 1000);
  const encoding = await inMemoryEncoding();
  const out = table(['whole-frame Arrow export', 'MiB/s', 'Mrows/s', 'vs in-memory encoding', 'vs raw ws', 'gateway CPU ms']);
  const row = (label: string, mibs: number, cpu = '') => out.push([label, mibs.toFixed(0), ((ROWS / 1e6) * (mibs / (cold.bytes / MiB))).toFixed(2), `${(mibs / encoding).toFixed(2)}×`, `${(mibs / rawMiBs).toFixed(2)}×`, cpu]);
  row('raw ws, same bytes, framed and copied like the client', rawMiBs);
  row("engine's in-memory Arrow encoding (in process, no wire)", encoding);
  row('engine alone: export from its stored data (in process)', engineMiBs);
  row('gateway, fresh (nothing cached) → client over ws', cold.mibs, cold.cpu.toFixed(0));
  row('gateway, warm (after windows and sorts) → client over ws', warm.mibs, warm.cpu.toFixed(0));
  results.export = {
    arrowBytes: cold.bytes,
    rawWsMiBs: rawMiBs,
    inMemoryEncodingMiBs: encoding,
    engineMiBs,
    gatewayFreshMiBs: cold.mibs,
    gatewayFreshCpuMs: cold.cpu,
    gatewayWarmMiBs: warm.mibs,
    gatewayWarmCpuMs: warm.cpu,
    freshExportPeakRssMiB: coldPeak,
  };
  return { out, coldPeak };
}

async function main(): Promise<void> {
  const cliPath = process.env.BENCH_GATEWAY_CLI;
  const dataDir = makeTempDir('framegate-bench-data-');
  const engineDir = makeTempDir('framegate-bench-engine-');
  const payloadDir = makeTempDir('framegate-bench-payload-');
  const started: GatewayProcess[] = [];
  const start = async () => {
    const gateway = await startGatewayProcess({ dataDir, configDir: started[0]?.configDir, adminToken: started[0]?.adminToken, args: ['--query-timeout-ms', '600000'], ...(cliPath ? { cliPath } : {}) });
    started.push(gateway);
    return gateway;
  };
  try {
    console.error(`creating the ${ROWS.toLocaleString()}-row frame in a gateway and in a bare engine (load ${load()})…`);
    const creator = await start();
    const admin = await creator.connect();
    const [, createMs] = await timed(() => admin.request(Methods.save, { name: 'main.big', from: { sql: BIG_SQL }, replace: true }));
    admin.close();
    await creator.stop();
    results.createFrameMs = createMs;
    const engine = await openEngine('duckdb', { dataDir: engineDir, importPolicy: createImportPolicy([], engineDir), queryTimeoutMs: 600_000 });
    const storage = newStorageId();
    const stored = await engine.storeQuery(storage, BIG_SQL, (ref) => {
      throw new Error(`the benchmark SQL names no frames (${ref.text})`);
    });
    const table0 = { storage, columns: stored.columns, rowCount: stored.rowCount };
    const source: DataSource = { kind: 'stored', table: table0 };
    const resolver: TableResolver = () => table0;
    const session = engine.openSession('bench');

    console.error('1. a fresh gateway: memory before anything');
    const gateway = await start();
    const client = await gateway.connect();
    const idle = rssMiB(gateway.child.pid!);
    const { ipc } = await client.window({ source: FRAME, offset: POSITIONS.middle, limit: WINDOW });
    writeFileSync(join(payloadDir, 'window.arrow'), ipc);
    const raw = await RawWsClient.start(join(payloadDir, 'window.arrow'));

    console.error('2. warm windows');
    const windows = await warmWindows(client, gateway.child.pid!, raw, session, source);
    const afterWindows = rssMiB(gateway.child.pid!);
    console.error('3. new sorts');
    const sorts = await newSorts(client, gateway.child.pid!, session, resolver);
    const afterSorts = rssMiB(gateway.child.pid!);
    console.error('4. clients scrolling');
    const scroll = await scrolling(gateway);
    console.error('5. exports');
    await raw.stream(64 * MiB); // the wire baseline's process warms up too
    const restart = async () => {
      client.close();
      await gateway.stop();
      return start();
    };
    const { out: exportTable, coldPeak } = await exports(client, gateway.child.pid!, restart, raw, session, source);
    raw.close();

    const memory = table(['gateway RSS', 'MiB']);
    memory.push(['fresh gateway on the data dir, before any window, sort or export', idle.toFixed(0)]);
    memory.push(['after the warm windows (1 client)', afterWindows.toFixed(0)]);
    memory.push(['after two new sorts', afterSorts.toFixed(0)]);
    memory.push([`peak with ${CLIENTS} clients scrolling`, scroll.peak.toFixed(0)]);
    memory.push(['peak of a fresh gateway during its first whole-frame export', coldPeak.toFixed(0)]);
    results.memory = { freshIdleMiB: idle, afterWindowsMiB: afterWindows, afterSortsMiB: afterSorts, scrollingPeakMiB: scroll.peak, freshExportPeakMiB: coldPeak };
    results.loadAfter = load();

    console.log(`\nFramegate benchmark: ${ROWS.toLocaleString()}-row frame (4 columns), ${WINDOW}-row windows, ${SAMPLES} samples each`);
    console.log(`${cpus().length} cores; load average ${String(results.loadBefore)} at the start, ${String(results.loadAfter)} at the end${cliPath ? `; gateway: ${cliPath}` : ''}`);
    console.log(`frame created from SQL in ${(createMs / 1000).toFixed(1)} s; every window time includes the client decoding it\n`);
    for (const t of [windows, sorts.out, sorts.whole, scroll.out, exportTable, memory]) console.log(t.toString());
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/bench.json', JSON.stringify(results, null, 2));
    await session.close();
    await engine.close();
  } finally {
    for (const gateway of started) await gateway.stop();
    for (const dir of [dataDir, engineDir, payloadDir, ...new Set(started.map((g) => g.configDir))]) removeDir(dir);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
