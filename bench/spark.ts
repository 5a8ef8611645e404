/**
 * Spark engine measurements (not a test): `npm run bench -- --engine spark` (or `tsx bench/spark.ts`)
 * against a local Spark Connect server it starts (or `FRAMEGATE_TEST_SPARK_DIR`, see
 * test/server/engine/spark/server.ts). The same data (BENCH_ROWS rows, default 10M: the same values
 * made by each engine's SQL) and the same work in three columns: the DuckDB engine, the Spark
 * engine, and Spark alone (the work through Spark Connect without the gateway: LIMIT/OFFSET,
 * ORDER BY … LIMIT, collect, read + saveAsTable):
 * - 1000-row windows at the start, middle and end, unsorted and sorted (once the sort is prepared);
 * - time until any window of a new sort is served, and until its sorted copy serves the middle;
 * - whole-frame export throughput;
 * - load of a BENCH_LOAD_ROWS-row (default 3M) Parquet file (the same file for all three).
 * Goals for the Spark engine: windows under 300 ms anywhere once prepared; export ≥ 0.8× Spark alone.
 * BENCH_SAMPLES (default 5) windows per figure; BENCH_ALONE_SAMPLES (default 1) for Spark alone's
 * sorted OFFSET windows (a full sort each). Prints a table; writes test-artifacts/bench-spark.json.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SortKey } from '../protocol';
import type { BoundTable, EngineSession } from '../server/engine';
import { ConnectSession } from '../server/engine/spark/connect-session';
import { SparkConnectClient } from '../server/engine/spark/connect-client';
import { saveAsTable, sqlRelation } from '../server/engine/spark/plans';
import { SESSION_CONFIG } from '../server/engine/spark/session-handle';
import { newStorageId } from '../server/frames/writer';
import { openTempEngine } from '../test/server/engine/helpers';
import { openTestEngine, storageId } from '../test/server/engine/spark/engine-helpers';
import { stopSparkServer, sparkServer } from '../test/server/engine/spark/shared';
import { percentile } from './support';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const LOAD_ROWS = Number(process.env.BENCH_LOAD_ROWS ?? 3_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const ALONE_SAMPLES = Number(process.env.BENCH_ALONE_SAMPLES ?? 1);
const WINDOW = 1000;
const sparkSql = (rows: number) => `SELECT id, id * 0.5D AS x, CAST(id % 1000 AS INT) AS k, ((id * 7919) % 1000003) / 7.0D AS y FROM range(0, ${rows}, 1, 2)`;
const DUCK_SQL = `SELECT range AS id, CAST(range AS DOUBLE) * 0.5 AS x, CAST(range % 1000 AS INTEGER) AS k, CAST((range * 7919) % 1000003 AS DOUBLE) / 7.0 AS y FROM range(0, ${ROWS})`;
const SORT: SortKey[] = [{ column: 'y' }];
const COLS = 'id, x, k, y';

async function time(task: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}

async function samples(count: number, task: (i: number) => Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await time(() => task(i)));
  return percentile(out, 50);
}

type Row = { name: string; duckdb: number | null; spark: number | null; alone: number | null; goal?: string };

const positions = (): [string, number][] => [
  ['start', 0],
  ['middle', Math.floor(ROWS / 2)],
  ['end', ROWS - WINDOW - SAMPLES * 997],
];

/** The engine side of every figure (windows, sorts, export) on one engine session. */
async function engineFigures(session: EngineSession, big: BoundTable): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const source = { kind: 'stored' as const, table: big };
  for (const [where, base] of positions()) {
    await session.window({ source, offset: base, limit: WINDOW });
    out.set(`unsorted ${where}`, await samples(SAMPLES, (i) => session.window({ source, offset: base + (i + 1) * 997, limit: WINDOW })));
  }
  out.set('first sorted', await time(() => session.window({ source, offset: 0, limit: WINDOW, sort: SORT })));
  out.set('sorted middle ready', await time(() => session.window({ source, offset: Math.floor(ROWS / 2), limit: WINDOW, sort: SORT })));
  for (const [where, base] of positions()) {
    out.set(`sorted ${where}`, await samples(SAMPLES, (i) => session.window({ source, offset: base + (i + 1) * 997, limit: WINDOW, sort: SORT })));
  }
  out.set('export', await time(async () => {
    const e = await session.export(source);
    for await (const part of e.parts) void part; // read as a client would, as fast as it comes
  }));
  return out;
}

async function main(): Promise<void> {
  const server = await sparkServer();
  const t = await openTestEngine({ queryTimeoutMs: 3_600_000 });
  const duck = await openTempEngine({ queryTimeoutMs: 3_600_000, threads: 2 });
  const client = new SparkConnectClient(server.remote);
  const alone = new ConnectSession(client);
  await alone.setConfig(SESSION_CONFIG);
  const rows: Row[] = [];
  try {
    const sparkPrepare = await time(() => t.save('big', sparkSql(ROWS)));
    const big = t.catalog.resolve({ name: 'big', text: 'big' });
    const table = t.engine.databases.stored + '.' + big.storage;
    const duckPrepare = await time(() => duck.catalog.saveQuery('big', DUCK_SQL));
    const duckBig = duck.catalog.resolver()({ name: 'big', text: 'big' });
    console.log(`frame: ${ROWS.toLocaleString()} rows × 4; stored and numbered: Spark engine ${(sparkPrepare / 1000).toFixed(1)} s, DuckDB engine ${(duckPrepare / 1000).toFixed(1)} s`);

    const duckSession = duck.engine.openSession('bench');
    const duckFigures = await engineFigures(duckSession, duckBig);
    await duckSession.close();
    const sparkSession = t.engine.openSession('bench');
    const sparkFigures = await engineFigures(sparkSession, big);
    await sparkSession.close();

    const aloneFigures = new Map<string, number>();
    for (const [where, base] of positions()) {
      await alone.collect(sqlRelation(`SELECT ${COLS} FROM ${table} LIMIT ${WINDOW} OFFSET ${base}`));
      aloneFigures.set(`unsorted ${where}`, await samples(SAMPLES, (i) => alone.collect(sqlRelation(`SELECT ${COLS} FROM ${table} LIMIT ${WINDOW} OFFSET ${base + (i + 1) * 997}`))));
    }
    aloneFigures.set('first sorted', await time(() => alone.collect(sqlRelation(`SELECT ${COLS} FROM ${table} ORDER BY y LIMIT ${WINDOW}`))));
    for (const [where, base] of positions()) {
      aloneFigures.set(`sorted ${where}`, await samples(ALONE_SAMPLES, (i) => alone.collect(sqlRelation(`SELECT ${COLS} FROM ${table} ORDER BY y, id LIMIT ${WINDOW} OFFSET ${base + (i + 1) * 997}`))));
    }
    aloneFigures.set('export', await time(() => alone.collect(sqlRelation(`SELECT ${COLS} FROM ${table}`))));

    const label: Record<string, string> = { 'first sorted': 'first window of a new sort (ms)', 'sorted middle ready': 'new sort: middle window, copy built (ms)' };
    for (const key of sparkFigures.keys()) {
      if (key === 'export') continue;
      const name = label[key] ?? `window ${key} (ms)`;
      const goal = key.startsWith('unsorted') || /^sorted (start|middle|end)$/.test(key) ? `< 300 ms: ${sparkFigures.get(key)! < 300 ? 'met' : 'MISSED'}` : undefined;
      rows.push({ name, duckdb: duckFigures.get(key) ?? null, spark: sparkFigures.get(key)!, alone: aloneFigures.get(key) ?? null, goal });
    }
    const mrows = (ms: number | undefined) => (ms === undefined ? null : ROWS / 1e3 / ms);
    const sparkExport = mrows(sparkFigures.get('export'))!;
    const aloneExport = mrows(aloneFigures.get('export'))!;
    rows.push({ name: 'export whole frame (Mrows/s)', duckdb: mrows(duckFigures.get('export')), spark: sparkExport, alone: aloneExport, goal: `≥ 0.8× alone: ${(sparkExport / aloneExport).toFixed(2)}× ${sparkExport >= 0.8 * aloneExport ? 'met' : 'MISSED'}` });

    // One Parquet file of LOAD_ROWS rows (written by Spark), loaded by each.
    const fileDir = join(t.importDir, 'load');
    await alone.run({ command: { write_operation: { input: { repartition: { input: sqlRelation(sparkSql(LOAD_ROWS)), num_partitions: 1, shuffle: false } }, source: 'parquet', path: `file://${fileDir}`, mode: 'SAVE_MODE_OVERWRITE' } } });
    const file = join(fileDir, readdirSync(fileDir).find((f) => f.endsWith('.parquet'))!);
    const duckFile = join(duck.importDir, 'load.parquet');
    copyFileSync(file, duckFile);
    const loadDuck = await time(() => duck.engine.storeFile(newStorageId(), duckFile, 'parquet'));
    const loadSpark = await time(() => t.engine.storeFile(storageId(), file, 'parquet'));
    const loadAlone = await time(() => alone.run({ command: saveAsTable({ read: { data_source: { format: 'parquet', paths: [`file://${file}`] } } }, `${t.engine.databases.work}.load_alone`) }));
    rows.push({ name: `load ${LOAD_ROWS.toLocaleString()}-row Parquet (s)`, duckdb: loadDuck / 1000, spark: loadSpark / 1000, alone: loadAlone / 1000 });
  } finally {
    await alone.release();
    client.close();
    await t.cleanup();
    await duck.cleanup();
    await stopSparkServer();
  }
  const cell = (v: number | null, width: number) => (v === null ? '' : v.toFixed(v < 10 ? 2 : 1)).padStart(width);
  console.log(`\n${'measure'.padEnd(42)} ${'DuckDB engine'.padStart(14)} ${'Spark engine'.padStart(13)} ${'Spark alone'.padStart(12)}  goal (Spark engine)`);
  for (const r of rows) console.log(`${r.name.padEnd(42)} ${cell(r.duckdb, 14)} ${cell(r.spark, 13)} ${cell(r.alone, 12)}  ${r.goal ?? ''}`);
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync('test-artifacts/bench-spark.json', JSON.stringify({ rows: ROWS, loadRows: LOAD_ROWS, samples: SAMPLES, results: rows }, null, 2));
}

void main();
