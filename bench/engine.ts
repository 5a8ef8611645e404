/**
 * Engine measurements (not a test): `npm run bench (or tsx bench/engine.ts [rows])`.
 * - Arrow encode throughput for a rows × 4 numeric export, against DuckDB's scan alone;
 * - 1000-row windows at start/middle/end of the frame, unsorted and sorted, first and later calls.
 */
import { rmSync } from 'node:fs';
import { encodeIpcParts } from '../server/engine/arrow-encoder';
import { DuckDatabase } from '../server/engine/duckdb/duckdb';
import { openTempEngine } from '../test/server/engine/helpers';

const ROWS = Number(process.argv[2] ?? 10_000_000);
const MiB = 1024 * 1024;
const SQL = `SELECT range AS id, (range * 0.5)::DOUBLE AS x, (range % 1000)::INTEGER AS k, (((range * 7919) % 1000003) / 7.0)::DOUBLE AS y FROM range(${ROWS})`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time<T>(task: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await task();
  return [value, performance.now() - start];
}

async function main(): Promise<void> {
  // 1. Throughput on a bare in-memory DuckDB: scan alone, to column batches, to Arrow IPC.
  const db = await DuckDatabase.open(':memory:', { config: { threads: '2' } });
  const conn = await db.connect();
  await conn.run(`CREATE TABLE big AS ${SQL}`);
  const scans: number[] = [];
  const batchesMs: number[] = [];
  const arrowMs: number[] = [];
  let bytes = 0;
  for (let round = 0; round < 3; round++) {
    scans.push((await time(() => conn.scanRows('SELECT * FROM big')))[1]);
    batchesMs.push(
      (
        await time(async () => {
          const { batches } = await conn.streamBatches('SELECT * FROM big');
          for await (const batch of batches) void batch;
        })
      )[1],
    );
    arrowMs.push(
      (
        await time(async () => {
          const { columns, batches } = await conn.streamBatches('SELECT * FROM big');
          bytes = 0;
          for await (const part of encodeIpcParts(columns.map((c) => ({ name: c.name, kind: c.kind! })), batches)) bytes += part.byteLength;
        })
      )[1],
    );
  }
  conn.close();
  db.close();
  const rate = (ms: number) => `${(ROWS / 1e6 / (ms / 1000)).toFixed(2)} Mrows/s`;
  console.log(`rows: ${ROWS.toLocaleString()} × 4 (BIGINT, DOUBLE, INTEGER, DOUBLE); Arrow stream ${(bytes / MiB).toFixed(1)} MiB`);
  console.log(`DuckDB scan alone:        ${median(scans).toFixed(0)} ms  ${rate(median(scans))}`);
  console.log(`to column batches:        ${median(batchesMs).toFixed(0)} ms  ${rate(median(batchesMs))}`);
  console.log(`to Arrow IPC (streamed):  ${median(arrowMs).toFixed(0)} ms  ${rate(median(arrowMs))}  ${(bytes / MiB / (median(arrowMs) / 1000)).toFixed(0)} MiB/s`);

  // 2. Through the engine: export and windows.
  const t = await openTempEngine({ queryTimeoutMs: 600_000, threads: 2 });
  try {
    const [big, saveMs] = await time(() => t.catalog.saveQuery('big', SQL));
    console.log(`storeQuery(… range(${ROWS})): ${saveMs.toFixed(0)} ms, ${(big.rowCount / 1e6).toFixed(1)} Mrows`);
    const source = { kind: 'stored' as const, table: big };
    const session = t.engine.openSession('bench');
    const [exported, exportMs] = await time(async () => {
      const e = await session.export(source);
      let n = 0;
      let parts = 0;
      for await (const part of e.parts) {
        n += part.byteLength;
        parts++;
      }
      return { n, parts };
    });
    console.log(`engine export: ${exportMs.toFixed(0)} ms  ${rate(exportMs)}  ${(exported.n / MiB / (exportMs / 1000)).toFixed(0)} MiB/s in ${exported.parts} parts`);

    const positions = [
      ['start', 0],
      ['middle', Math.floor(ROWS / 2)],
      ['end', ROWS - 1000],
    ] as const;
    const sorts = [
      ['unsorted', undefined],
      ['sorted by y (first call at start: top-N, copy built in background)', [{ column: 'y', descending: false }]],
      ['sorted by x desc (first call at middle: waits for the sorted copy)', [{ column: 'x', descending: true }]],
    ] as const;
    for (const [label, sort] of sorts) {
      const order = label.includes('middle') ? [positions[1], positions[0], positions[2]] : positions;
      for (const [where, offset] of order) {
        const window = () => session.window({ source, offset, limit: 1000, sort: sort ? [...sort] : undefined });
        const [, first] = await time(window);
        const later: number[] = [];
        for (let i = 0; i < 7; i++) later.push((await time(window))[1]);
        console.log(`window 1000 rows, ${label}, ${where}: first ${first.toFixed(1)} ms, then median ${median(later).toFixed(2)} ms`);
      }
    }
    console.log('sort cache:', JSON.stringify(t.engine.sortCacheStats()));
    await session.close();
  } finally {
    await t.cleanup();
    rmSync(t.dir, { recursive: true, force: true });
  }
}

void main();
