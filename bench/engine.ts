/**
 * Engine internals on the benchmark's frame (bench/support.ts BIG_SQL), not a test: where the time
 * of an export and of a new sort goes. `npm run bench` runs it after bench/main.ts.
 * - DuckDB alone on an in-memory table: scan, column batches, Arrow IPC;
 * - the engine on stored data: export (nothing cached, then cached), one block read, a sort of all
 *   rowids, locating the middle of a new sort, and a sorted window by rowid before and after the
 *   frame is held in the block cache.
 */
import { encodeIpcParts } from '../server/engine/arrow-encoder';
import { DuckDatabase } from '../server/engine/duckdb/duckdb';
import { openTempEngine } from '../test/server/engine/helpers';
import { BIG_SQL, MiB, percentile, ROWS, timed, WINDOW } from './support';

const rate = (ms: number) => `${(ROWS / 1e6 / (ms / 1000)).toFixed(2)} Mrows/s`;

async function inMemory(): Promise<void> {
  const db = await DuckDatabase.open(':memory:', { config: { threads: '2' } });
  const conn = await db.connect();
  await conn.run(`CREATE TABLE big AS ${BIG_SQL}`);
  const select = 'SELECT id, k, g, CAST(x AS DOUBLE) AS x FROM big';
  const scans: number[] = [];
  const batches: number[] = [];
  const arrow: number[] = [];
  let bytes = 0;
  for (let round = 0; round < 3; round++) {
    scans.push((await timed(() => conn.scanRows(select)))[1]);
    batches.push((await timed(async () => void (await conn.readBatches(select))))[1]);
    arrow.push(
      (
        await timed(async () => {
          const { columns, batches: stream } = await conn.streamBatches(select);
          bytes = 0;
          for await (const part of encodeIpcParts(columns.map((c) => ({ name: c.name, kind: c.kind! })), stream)) bytes += part.byteLength;
        })
      )[1],
    );
  }
  conn.close();
  db.close();
  console.log(`in-memory DuckDB, ${ROWS.toLocaleString()} rows × 4; Arrow stream ${(bytes / MiB).toFixed(1)} MiB`);
  console.log(`  scan alone:              ${percentile(scans, 50).toFixed(0)} ms  ${rate(percentile(scans, 50))}`);
  console.log(`  to column batches:       ${percentile(batches, 50).toFixed(0)} ms  ${rate(percentile(batches, 50))}`);
  console.log(`  to Arrow IPC (streamed): ${percentile(arrow, 50).toFixed(0)} ms  ${rate(percentile(arrow, 50))}  ${(bytes / MiB / (percentile(arrow, 50) / 1000)).toFixed(0)} MiB/s`);
}

async function stored(): Promise<void> {
  const t = await openTempEngine({ queryTimeoutMs: 600_000, threads: 2 });
  try {
    const [big, storeMs] = await timed(() => t.catalog.saveQuery('big', BIG_SQL));
    console.log(`engine on stored data: stored in ${storeMs.toFixed(0)} ms`);
    const source = { kind: 'stored' as const, table: big };
    const session = t.engine.openSession('bench');
    const exportOnce = async () => {
      const exported = await session.export(source);
      let n = 0;
      for await (const part of exported.parts) n += part.byteLength;
      return n;
    };
    const [bytes, coldMs] = await timed(exportOnce);
    const [, warmMs] = await timed(exportOnce);
    console.log(`  export, nothing cached:  ${coldMs.toFixed(0)} ms  ${rate(coldMs)}  ${(bytes / MiB / (coldMs / 1000)).toFixed(0)} MiB/s (blocks kept as they pass)`);
    console.log(`  export, blocks cached:   ${warmMs.toFixed(0)} ms  ${rate(warmMs)}  ${(bytes / MiB / (warmMs / 1000)).toFixed(0)} MiB/s`);
    console.log('  caches:', JSON.stringify(t.engine.cacheStats()));
    await session.close();
    await t.cleanup();

    // A second engine, nothing cached: the pieces of a new sort.
    const u = await openTempEngine({ queryTimeoutMs: 600_000, threads: 2 });
    try {
      const big2 = await u.catalog.saveQuery('big', BIG_SQL);
      const src = { kind: 'stored' as const, table: big2 };
      const s = u.engine.openSession('sorts');
      const [, blockMs] = await timed(() => s.window({ source: src, offset: Math.floor(ROWS / 2), limit: WINDOW }));
      console.log(`  first unsorted window (one block read): ${blockMs.toFixed(1)} ms`);
      const [whole, wholeMs] = await timed(() => s.runSql('SELECT rowid FROM big ORDER BY k NULLS LAST, rowid', u.catalog.resolver()));
      s.closeResult(whole.id);
      console.log(`  a sort of all rowids by k (what a whole sort index would cost): ${wholeMs.toFixed(0)} ms`);
      const sort = [{ column: 'k', descending: false }];
      const [, firstMs] = await timed(() => s.window({ source: src, offset: Math.floor(ROWS / 2), limit: WINDOW, sort }));
      console.log(`  first window in the middle of a new sort (locate + rows by rowid): ${firstMs.toFixed(0)} ms`);
      const [, nextMs] = await timed(() => s.window({ source: src, offset: Math.floor(ROWS / 2) + WINDOW, limit: WINDOW, sort }));
      console.log(`  the next sorted window (located; rows by rowid unless the frame is held): ${nextMs.toFixed(0)} ms`);
      const deadline = Date.now() + 600_000;
      while (u.engine.cacheStats().warmed < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const held: number[] = [];
      for (let i = 2; i < 32; i++) held.push((await timed(() => s.window({ source: src, offset: Math.floor(ROWS / 2) + i * WINDOW, limit: WINDOW, sort })))[1]);
      console.log(`  sorted windows once the frame is held: p50 ${percentile(held, 50).toFixed(2)} ms`);
      console.log('  caches:', JSON.stringify(u.engine.cacheStats()));
      await s.close();
    } finally {
      await u.cleanup();
    }
  } finally {
    await t.cleanup();
  }
}

async function main(): Promise<void> {
  await inMemory();
  await stored();
}

void main();
