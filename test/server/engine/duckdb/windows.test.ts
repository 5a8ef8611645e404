/**
 * Windows of the DuckDB engine through its block cache and sort index: always exactly the rows
 * DuckDB's own SQL gives (sorted ones as `ORDER BY …, rowid`), before and after the source is
 * held whole, with blocks evicted under a small bound; reading ahead; whole sorts in the
 * background; and no cached block of dropped or closed data ever served, even when a storage id
 * is stored again. Small blocks and margins, so every path runs on a small frame.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SortKey } from '../../../../protocol';
import type { BoundTable, DataSource, EngineSession } from '../../../../server/engine';
import { Foreground } from '../../../../server/engine/foreground';
import { createMemoryBudget } from '../../../../server/memory/budget';
import { waitFor } from '../../support';
import { decode, openTempEngine, rejectsWith, type TempEngine } from '../helpers';
import { newStorageId } from '../test-catalog';

const ROWS = 40_000;
const BLOCK = 1000;
const SQL = `SELECT range AS id, (range * 7919) % ${ROWS} AS k, 'name-' || range AS label,
  CASE WHEN range % 10 = 0 THEN NULL ELSE (range % 100)::INTEGER END AS maybe, (hash(range) % 1000) / 8.0 AS x
  FROM range(${ROWS})`;
const TUNING = { blockRows: BLOCK, pieceBlocks: 4, locate: { wholeSortRows: 0, sampleRows: 8_000, marginRows: 200 } };

type Row = Record<string, unknown>;
const rowsOf = (ipc: Uint8Array): Row[] => decode(ipc).toArray().map((r: { toJSON(): Row }) => r.toJSON());

describe('windows through the block cache and the sort index', () => {
  let t: TempEngine;
  let session: EngineSession;
  let big: BoundTable;
  let source: DataSource;
  const budget = createMemoryBudget(64 * 1024 * 1024);
  before(async () => {
    t = await openTempEngine({ memoryBudget: budget }, TUNING);
    big = await t.catalog.saveQuery('big', SQL);
    source = { kind: 'stored', table: big };
    session = t.engine.openSession('windows');
  });
  after(async () => {
    await session.close();
    await t.cleanup();
  });

  /** What DuckDB's own SQL returns for this window, as a result read back whole. */
  async function truth(offset: number, limit: number, sort?: SortKey[]): Promise<Row[]> {
    const keys = sort?.map((k) => `${k.column} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`) ?? [];
    const result = await session.runSql(`SELECT * FROM big ORDER BY ${[...keys, 'rowid'].join(', ')} LIMIT ${limit} OFFSET ${offset}`, t.catalog.resolver());
    const whole = await session.export({ kind: 'result', id: result.id });
    const parts: Uint8Array[] = [];
    for await (const part of whole.parts) parts.push(part);
    session.closeResult(result.id);
    return rowsOf(Buffer.concat(parts));
  }

  test('unsorted windows, inside blocks and across their edges, equal the SQL', async () => {
    for (const [offset, limit] of [
      [0, 10],
      [995, 10],
      [BLOCK * 7 + 500, 2500],
      [ROWS - 3, 10],
    ] as const) {
      const w = await session.window({ source, offset, limit });
      assert.deepEqual(rowsOf(w.ipc), await truth(offset, Math.min(limit, ROWS - offset)), `offset ${offset}`);
      assert.equal(w.rowCount, ROWS);
    }
    assert.ok(t.engine.cacheStats().blocks.blocks > 0);
  });

  test('windows that read the same blocks again are served from the cache', async () => {
    const before = t.engine.cacheStats().blocks;
    // A place not read before is answered from its own rows; its block is read after the reply.
    await session.window({ source, offset: 20_100, limit: 100 });
    await waitFor(() => t.engine.cacheStats().blocks.blocks >= before.blocks + 5, 'block 20 of the five columns to be read');
    await session.window({ source, offset: 20_300, limit: 100, columns: ['label', 'id'] });
    const after = t.engine.cacheStats().blocks;
    assert.ok(after.misses > before.misses, 'the first read its block');
    assert.equal(after.hits, before.hits + 1, 'the second did not');
  });

  test('a window in the second half of a block has the next block read ahead', async () => {
    const before = t.engine.cacheStats().blocks.blocks;
    await session.window({ source, offset: 30_600, limit: 100, columns: ['id'] });
    // Its own block and the next one are read on the session's read-ahead connection.
    await waitFor(() => t.engine.cacheStats().blocks.blocks >= before + 2, 'blocks 30 and 31 to be read');
    const misses = t.engine.cacheStats().blocks.misses;
    await session.window({ source, offset: 31_200, limit: 100, columns: ['id'] });
    assert.equal(t.engine.cacheStats().blocks.misses, misses, 'block 31 was there already');
  });

  for (const sort of [[{ column: 'k', descending: true }], [{ column: 'maybe' }, { column: 'x', descending: true }], [{ column: 'label' }]] as SortKey[][]) {
    test(`sorted windows by ${JSON.stringify(sort)} equal ORDER BY …, rowid, before and after the frame is held`, async () => {
      const offsets = [0, 12_345, ROWS - 100];
      for (const offset of offsets) assert.deepEqual(rowsOf((await session.window({ source, offset, limit: 100, sort })).ipc), await truth(offset, 100, sort), `offset ${offset}, rows by rowid`);
      await waitFor(() => t.engine.cacheStats().warmed > 0, 'the frame to be read into the cache');
      for (const offset of [...offsets, 25_000]) assert.deepEqual(rowsOf((await session.window({ source, offset, limit: 100, sort })).ipc), await truth(offset, 100, sort), `offset ${offset}, rows from blocks`);
    });
  }

  test('what is cached reserves from the memory budget, and a whole export of a held frame comes from the blocks', async () => {
    assert.ok(budget.usedBytes >= t.engine.cacheStats().blocks.bytes + t.engine.cacheStats().sortIndex.bytes);
    const exported = await session.export(source, undefined, ['id', 'label', 'id']);
    const parts: Uint8Array[] = [];
    for await (const part of exported.parts) parts.push(part);
    const table = decode(Buffer.concat(parts));
    assert.equal(table.numRows, ROWS);
    assert.deepEqual(table.schema.fields.map((f) => f.name), ['id', 'label', 'id']);
    assert.equal(table.get(ROWS - 1)!.toJSON().label, `name-${ROWS - 1}`);
  });
});

describe('whole sorts in the background', () => {
  test('background reads wait while a window is in flight, and go on once it is answered', async (t) => {
    const foreground = new Foreground(60_000);
    const temp = await openTempEngine({}, { ...TUNING, foreground });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('gate');
    t.after(() => session.close());
    const table = await temp.catalog.saveQuery('t', 'SELECT range AS v, hash(range) % 977 AS h FROM range(30000)');
    const source: DataSource = { kind: 'stored', table };
    // Another client's window, in flight for as long as this test holds it.
    const inFlight = foreground.enter();
    assert.equal((await session.window({ source, offset: 20_000, limit: 10, sort: [{ column: 'h' }] })).rows, 10);
    await waitFor(() => foreground.waiting === 1, 'the read into the cache to wait for the window');
    assert.equal(temp.engine.cacheStats().warmed, 0);
    assert.equal((await session.window({ source, offset: 100, limit: 10, sort: [{ column: 'h' }] })).rows, 10, 'windows are served meanwhile');
    inFlight();
    await waitFor(() => temp.engine.cacheStats().warmed === 1 && temp.engine.cacheStats().wholeSorts === 1, 'the background reads to finish');
  });


  test('once a sort is looked at in two places, every position of it is found in the background', async (t) => {
    const temp = await openTempEngine({}, TUNING);
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('whole');
    t.after(() => session.close());
    const table = await temp.catalog.saveQuery('t', 'SELECT range AS v, hash(range) % 977 AS h FROM range(30000)');
    const source: DataSource = { kind: 'stored', table };
    const sort = [{ column: 'h' }];
    await session.window({ source, offset: 20_000, limit: 10, sort });
    assert.equal(temp.engine.cacheStats().wholeSorts, 0);
    await session.window({ source, offset: 2_000, limit: 10, sort });
    await waitFor(() => temp.engine.cacheStats().wholeSorts === 1, 'the whole sort');
    const locates = temp.engine.cacheStats().sortIndex.locates;
    const all = await session.runSql('SELECT v FROM t ORDER BY h, rowid', temp.catalog.resolver());
    for (const offset of [0, 5_000, 29_990]) {
      const window = rowsOf((await session.window({ source, offset, limit: 10, sort, columns: ['v'] })).ipc);
      assert.deepEqual(window, rowsOf((await session.window({ source: { kind: 'result', id: all.id }, offset, limit: 10 })).ipc));
    }
    assert.equal(temp.engine.cacheStats().sortIndex.locates, locates, 'no locate needed any more');
  });
});

describe('cached blocks of data that is gone', () => {
  test('a dropped storage id is never served from the cache, not even once stored again', async (t) => {
    const temp = await openTempEngine({}, TUNING);
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('drops');
    t.after(() => session.close());
    const storage = newStorageId();
    const stored = await temp.engine.storeQuery(storage, 'SELECT range AS v FROM range(5000)', temp.catalog.resolver());
    const table: BoundTable = { storage, columns: stored.columns, rowCount: stored.rowCount };
    const first = rowsOf((await session.window({ source: { kind: 'stored', table }, offset: 2000, limit: 3 })).ipc);
    assert.deepEqual(first, [{ v: 2000n }, { v: 2001n }, { v: 2002n }]);
    await session.window({ source: { kind: 'stored', table }, offset: 100, limit: 3, sort: [{ column: 'v', descending: true }] });
    assert.ok(temp.engine.cacheStats().blocks.blocks > 0);
    await temp.engine.dropStorage(storage);
    assert.equal(temp.engine.cacheStats().blocks.blocks, 0);
    assert.equal(temp.engine.cacheStats().sortIndex.ranges, 0);
    await rejectsWith(session.window({ source: { kind: 'stored', table }, offset: 2000, limit: 3 }), 'FrameNotFound');
    // The same id with other data: what is served is the new data.
    const again = await temp.engine.storeQuery(storage, 'SELECT range * 10 AS v FROM range(5000)', temp.catalog.resolver());
    const renewed: BoundTable = { storage, columns: again.columns, rowCount: again.rowCount };
    assert.deepEqual(rowsOf((await session.window({ source: { kind: 'stored', table: renewed }, offset: 2000, limit: 3 })).ipc), [{ v: 20000n }, { v: 20010n }, { v: 20020n }]);
    const sorted = rowsOf((await session.window({ source: { kind: 'stored', table: renewed }, offset: 100, limit: 1, sort: [{ column: 'v', descending: true }] })).ipc);
    assert.deepEqual(sorted, [{ v: 48990n }]);
  });

  test('a drop while the frame is read in the background stops that read, and nothing of it stays', async (t) => {
    const temp = await openTempEngine({}, { ...TUNING, pieceBlocks: 1 });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('drop-while-warming');
    t.after(() => session.close());
    const table = await temp.catalog.saveQuery('t', 'SELECT range AS v, hash(range) AS h FROM range(300000)');
    const source: DataSource = { kind: 'stored', table };
    // The first sorted window asks for the frame to be read into the cache (300 queries of a block).
    assert.equal((await session.window({ source, offset: 150_000, limit: 10, sort: [{ column: 'h' }] })).rows, 10);
    await temp.engine.dropStorage(table.storage);
    assert.equal(temp.engine.cacheStats().warmed, 0, 'the read stopped');
    assert.equal(temp.engine.cacheStats().blocks.blocks, 0);
    assert.equal(temp.engine.cacheStats().sortIndex.ranges, 0);
    await rejectsWith(session.window({ source, offset: 0, limit: 10 }), 'FrameNotFound');
    await rejectsWith(session.window({ source, offset: 0, limit: 10, sort: [{ column: 'h' }] }), 'FrameNotFound');
  });

  test('a closed result is not served, and what was cached of it is let go', async (t) => {
    const temp = await openTempEngine({}, TUNING);
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('results');
    t.after(() => session.close());
    const result = await session.runSql('SELECT range AS v FROM range(10000)', temp.catalog.resolver());
    await session.window({ source: { kind: 'result', id: result.id }, offset: 5000, limit: 10 });
    await session.window({ source: { kind: 'result', id: result.id }, offset: 10, limit: 10, sort: [{ column: 'v', descending: true }] });
    assert.ok(temp.engine.cacheStats().blocks.blocks > 0);
    session.closeResult(result.id);
    await rejectsWith(session.window({ source: { kind: 'result', id: result.id }, offset: 5000, limit: 10 }), 'ResultNotFound');
    await waitFor(() => temp.engine.cacheStats().blocks.blocks === 0 && temp.engine.cacheStats().sortIndex.ranges === 0, 'the result to be forgotten');
  });

  test('a sorted window of a frame held in part picks what is held and fetches the rest', async (t) => {
    // Room for 12 blocks of the frame's 40: it is never read whole, so sorted windows mix.
    const temp = await openTempEngine({}, { ...TUNING, blockCacheBytes: 12 * BLOCK * 16 });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('mixed');
    t.after(() => session.close());
    const table = await temp.catalog.saveQuery('t', 'SELECT range AS v, (range * 7919) % 40000 AS k FROM range(40000)');
    const source: DataSource = { kind: 'stored', table };
    for (const offset of [0, 10_500, 30_000]) await session.window({ source, offset, limit: 1000 });
    const held = temp.engine.cacheStats().blocks.blocks;
    assert.ok(held > 0 && held < 40 * 2, `${held} blocks held`);
    for (const offset of [0, 17_000, 39_000]) {
      const w = rowsOf((await session.window({ source, offset, limit: 1000, sort: [{ column: 'k', descending: true }] })).ipc);
      // k is a permutation of 0…39999: descending, position p holds k = 39999 − p.
      assert.deepEqual(
        w.map((r) => Number(r.k)),
        Array.from({ length: 1000 }, (_, i) => 39_999 - offset - i),
      );
      for (const r of w) assert.equal((Number(r.v) * 7919) % 40_000, Number(r.k));
    }
    assert.equal(temp.engine.cacheStats().warmed, 0, 'never held whole');
  });

  test('under a bound of a few blocks, windows stay exact while blocks are evicted', async (t) => {
    const temp = await openTempEngine({}, { ...TUNING, blockCacheBytes: 3 * BLOCK * 8 });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('evictions');
    t.after(() => session.close());
    const table = await temp.catalog.saveQuery('t', 'SELECT range AS v FROM range(20000)');
    for (const offset of [0, 5500, 12_000, 999, 19_990, 5500]) {
      const w = await session.window({ source: { kind: 'stored', table }, offset, limit: 10 });
      assert.deepEqual(
        rowsOf(w.ipc).map((r) => Number(r.v)),
        Array.from({ length: Math.min(10, 20_000 - offset) }, (_, i) => offset + i),
      );
    }
    // Blocks of places not read before are read after the replies: wait for them.
    await waitFor(() => temp.engine.cacheStats().blocks.evictions > 0, 'a block to be evicted');
    const stats = temp.engine.cacheStats().blocks;
    assert.ok(stats.bytes <= 3 * BLOCK * 8, `${stats.bytes} bytes held`);
  });
});

describe('sources of wide rows', () => {
  test('a window past its byte bound is refused before its rows are read; wide rows are not cached in blocks', async (t) => {
    const temp = await openTempEngine({}, { ...TUNING, blockCacheBytes: 4 * 1024 * 1024 });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('wide');
    t.after(() => session.close());
    const table = await temp.catalog.saveQuery('w', "SELECT range AS id, repeat('w', 10000) || range AS text FROM range(3000)");
    const source: DataSource = { kind: 'stored', table };
    await rejectsWith(session.window({ source, offset: 0, limit: 2000, maxBytes: 1024 * 1024 }), 'OutOfMemory');
    const sorted = session.window({ source, offset: 0, limit: 2000, maxBytes: 1024 * 1024, sort: [{ column: 'id', descending: true }] });
    await rejectsWith(sorted, 'OutOfMemory');
    const small = rowsOf((await session.window({ source, offset: 1500, limit: 20, maxBytes: 1024 * 1024 })).ipc);
    assert.deepEqual(small.map((r) => r.text), Array.from({ length: 20 }, (_, i) => `${'w'.repeat(10000)}${1500 + i}`));
    const down = rowsOf((await session.window({ source, offset: 10, limit: 5, sort: [{ column: 'id', descending: true }] })).ipc);
    assert.deepEqual(down.map((r) => r.id), [2989n, 2988n, 2987n, 2986n, 2985n]);
    // A block of 1000 such rows (10 MB) is more than an eighth of the 4 MiB cache: none is read.
    assert.equal(temp.engine.cacheStats().blocks.blocks, 0);
    assert.equal(temp.engine.cacheStats().warmed, 0);
  });
});
