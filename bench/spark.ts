/**
 * Spark engine measurements (not a test): `tsx bench/spark.ts` against a local Spark Connect
 * server it starts (or `FRAMEGATE_TEST_SPARK_DIR`, see test/server/engine/spark/server.ts).
 * The same data and work through the engine and through Spark Connect alone:
 * - 1000-row windows at the start, middle and end of a BENCH_ROWS-row frame (default 10M),
 *   unsorted and sorted (engine: row-id ranges, sorted copy; Spark alone: LIMIT/OFFSET);
 * - time until any window of a new sort is served (engine: top-N; alone: ORDER BY … LIMIT);
 * - whole-frame export throughput (engine: Arrow stream in row order; alone: collect);
 * - load of a BENCH_LOAD_ROWS-row (default 3M) Parquet file.
 * Prints a table and writes test-artifacts/bench-spark.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectSession } from '../server/engine/spark/connect-session';
import { SparkConnectClient } from '../server/engine/spark/connect-client';
import { saveAsTable, sqlRelation } from '../server/engine/spark/plans';
import { SESSION_CONFIG } from '../server/engine/spark/session-handle';
import { openTestEngine, storageId } from '../test/server/engine/spark/engine-helpers';
import { stopSparkServer, sparkServer } from '../test/server/engine/spark/shared';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const LOAD_ROWS = Number(process.env.BENCH_LOAD_ROWS ?? 3_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const SQL = `SELECT id, id * 0.5D AS x, CAST(id % 1000 AS INT) AS k, ((id * 7919) % 1000003) / 7.0D AS y FROM range(0, ${ROWS}, 1, 2)`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(task: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}

async function samples(task: () => Promise<unknown>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) out.push(await time(task));
  return median(out);
}

async function main(): Promise<void> {
  const server = await sparkServer();
  const t = await openTestEngine({ queryTimeoutMs: 3_600_000 });
  const client = new SparkConnectClient(server.remote);
  const alone = new ConnectSession(client);
  await alone.setConfig(SESSION_CONFIG);
  const rows: [string, number, number | null][] = [];
  try {
    const prepare = await time(() => t.save('big', SQL));
    const big = t.catalog.resolve({ name: 'big', text: 'big' });
    const table = t.engine.databases.stored + '.' + big.storage;
    console.log(`frame: ${ROWS.toLocaleString()} rows × 4, stored and numbered in ${(prepare / 1000).toFixed(1)} s`);
    const session = t.engine.openSession('bench');
    const positions: [string, number][] = [
      ['start', 0],
      ['middle', Math.floor(ROWS / 2)],
      ['end', ROWS - 1000],
    ];
    const cols = 'id, x, k, y';
    for (const [where, offset] of positions) {
      const engine = await samples(() => session.window({ source: { kind: 'stored', table: big }, offset, limit: 1000 }));
      const direct = await samples(() => alone.collect(sqlRelation(`SELECT ${cols} FROM ${table} LIMIT 1000 OFFSET ${offset}`)));
      rows.push([`window unsorted ${where} (ms)`, engine, direct]);
    }
    const sort = [{ column: 'y' }];
    const firstSorted = await time(() => session.window({ source: { kind: 'stored', table: big }, offset: 0, limit: 1000, sort }));
    const firstAlone = await time(() => alone.collect(sqlRelation(`SELECT ${cols} FROM ${table} ORDER BY y LIMIT 1000`)));
    rows.push(['first window of a new sort (ms)', firstSorted, firstAlone]);
    const copyReady = await time(() => session.window({ source: { kind: 'stored', table: big }, offset: Math.floor(ROWS / 2), limit: 1000, sort }));
    rows.push(['sorted copy ready, first middle window (ms)', copyReady, null]);
    for (const [where, offset] of positions) {
      const engine = await samples(() => session.window({ source: { kind: 'stored', table: big }, offset, limit: 1000, sort }));
      const direct = await samples(() => alone.collect(sqlRelation(`SELECT ${cols} FROM ${table} ORDER BY y LIMIT 1000 OFFSET ${offset}`)));
      rows.push([`window sorted ${where} (ms)`, engine, direct]);
    }
    const exportMs = await time(async () => {
      const e = await session.export({ kind: 'stored', table: big });
      for await (const part of e.parts) void part;
    });
    const aloneMs = await time(() => alone.collect(sqlRelation(`SELECT ${cols} FROM ${table}`)));
    rows.push(['export whole frame (Mrows/s)', ROWS / 1e3 / exportMs, ROWS / 1e3 / aloneMs]);
    await session.close();

    // A Parquet file of LOAD_ROWS rows in the import dir (written by Spark, one file).
    const fileDir = join(t.importDir, 'load');
    await alone.run({ command: { write_operation: { input: { repartition: { input: sqlRelation(SQL.replace(String(ROWS), String(LOAD_ROWS))), num_partitions: 1, shuffle: false } }, source: 'parquet', path: `file://${fileDir}`, mode: 'SAVE_MODE_OVERWRITE' } } });
    const file = join(fileDir, readdirSync(fileDir).find((f) => f.endsWith('.parquet'))!);
    const loadEngine = await time(() => t.engine.storeFile(storageId(), file, 'parquet'));
    const loadAlone = await time(() => alone.run({ command: saveAsTable({ read: { data_source: { format: 'parquet', paths: [`file://${file}`] } } }, `${t.engine.databases.work}.load_alone`) }));
    rows.push([`load ${LOAD_ROWS.toLocaleString()}-row Parquet (s)`, loadEngine / 1000, loadAlone / 1000]);
  } finally {
    await alone.release();
    client.close();
    await t.cleanup();
    await stopSparkServer();
  }
  console.log(`\n${'measure'.padEnd(46)} ${'engine'.padStart(10)} ${'Spark alone'.padStart(12)} ${'ratio'.padStart(7)}`);
  for (const [name, engine, direct] of rows) {
    const ratio = direct ? (engine / direct).toFixed(2) : '';
    console.log(`${name.padEnd(46)} ${engine.toFixed(1).padStart(10)} ${(direct?.toFixed(1) ?? '').padStart(12)} ${ratio.padStart(7)}`);
  }
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync('test-artifacts/bench-spark.json', JSON.stringify({ rows: ROWS, loadRows: LOAD_ROWS, results: rows.map(([name, engine, alone]) => ({ name, engine, alone })) }, null, 2));
}

void main();
