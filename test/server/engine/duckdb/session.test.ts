/** The DuckDB session: sorted copies and their cache, top-N first windows, Arrow types, interrupts. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, FramegateError } from '../../../../protocol';
import type { BoundTable, EngineSession } from '../../../../server/engine';
import { decode, openTempEngine, type TempEngine } from '../helpers';

const ROWS = 300_000; // more than two DuckDB row groups
const RUNAWAY = 'SELECT count(*) FROM range(100000000000) a, range(1000) b';

function isCancelled(error: unknown): boolean {
  return error instanceof FramegateError && error.code === ErrorCodes.Cancelled;
}

describe('sorted windows and the sort cache', () => {
  let t: TempEngine;
  let session: EngineSession;
  let big: BoundTable;
  before(async () => {
    t = await openTempEngine({}, { sortCacheMaxRows: 2 * ROWS });
    // score is a permutation of 0..ROWS-1, so sorted order is known exactly.
    big = await t.catalog.saveQuery(
      'big',
      `SELECT range AS id, (range * 7919) % ${ROWS} AS score, 'name-' || range AS label,
         CASE WHEN range % 10 = 0 THEN NULL ELSE (range % 100)::INTEGER END AS maybe
       FROM range(${ROWS})`,
    );
    session = t.engine.openSession('sorts');
  });
  after(async () => {
    await session.close();
    await t.cleanup();
  });

  test('later windows of one sort reuse the sorted copy, across sessions', async () => {
    const before = t.engine.sortCacheStats();
    const sort = [{ column: 'score', descending: true }];
    const first = await session.window({ source: { kind: 'stored', table: big }, offset: 0, limit: 1000, sort, columns: ['score', 'id'] });
    const afterFirst = t.engine.sortCacheStats();
    assert.equal(afterFirst.builds, before.builds + 1);
    const scores = decode(first.ipc).getChild('score')!.toArray() as BigInt64Array;
    for (let i = 0; i < 1000; i++) assert.equal(scores[i], BigInt(ROWS - 1 - i));

    for (const offset of [150_000, ROWS - 1000]) {
      const w = await session.window({ source: { kind: 'stored', table: big }, offset, limit: 1000, sort, columns: ['score'] });
      const s = decode(w.ipc).getChild('score')!.toArray() as BigInt64Array;
      assert.equal(s[0], BigInt(ROWS - 1 - offset));
      assert.equal(s[999], BigInt(ROWS - 1 - offset - 999));
    }
    const afterMore = t.engine.sortCacheStats();
    assert.equal(afterMore.builds, afterFirst.builds, 'no new sort for later windows');
    assert.equal(afterMore.hits, afterFirst.hits + 2);

    const other = t.engine.openSession('other');
    await other.window({ source: { kind: 'stored', table: big }, offset: 5, limit: 10, sort });
    assert.equal(t.engine.sortCacheStats().builds, afterFirst.builds);
    await other.close();
  });

  test('the first window of a new sort comes from a top-N query and agrees with the sorted copy', async () => {
    const sort = [{ column: 'k', descending: true }];
    const ties = await t.catalog.saveQuery('ties', 'SELECT range AS id, range % 4 AS k FROM range(50000)');
    const builds = t.engine.sortCacheStats().builds;
    const top = await session.window({ source: { kind: 'stored', table: ties }, offset: 4, limit: 6, sort });
    assert.equal(t.engine.sortCacheStats().builds, builds + 1, 'the copy is being built');
    // Past the top-N range the window waits for the copy; then the same rows come from the copy.
    await session.window({ source: { kind: 'stored', table: ties }, offset: 20_000, limit: 1, sort });
    const again = await session.window({ source: { kind: 'stored', table: ties }, offset: 4, limit: 6, sort });
    assert.equal(t.engine.sortCacheStats().builds, builds + 1);
    const ids = (w: { ipc: Uint8Array }) => [...(decode(w.ipc).getChild('id')!.toArray() as BigInt64Array)];
    assert.deepEqual(ids(top), [19n, 23n, 27n, 31n, 35n, 39n]);
    assert.deepEqual(ids(again), ids(top));
  });

  test('the sort cache drops least recently used copies beyond its row bound', async () => {
    const builds = t.engine.sortCacheStats().builds;
    await session.window({ source: { kind: 'stored', table: big }, offset: 50_000, limit: 1, sort: [{ column: 'label', descending: false }] });
    await session.window({ source: { kind: 'stored', table: big }, offset: 50_000, limit: 1, sort: [{ column: 'id', descending: true }] });
    const stats = t.engine.sortCacheStats();
    assert.equal(stats.builds, builds + 2);
    assert.ok(stats.rows <= 2 * ROWS, `cache holds ${stats.rows} rows`);
    assert.ok(stats.evictions >= 1);
  });

  test('another version is other stored data with a sorted copy of its own; a drop forgets the copies', async () => {
    const sort = [{ column: 'v', descending: true }];
    const v1 = await t.catalog.saveQuery('small', 'SELECT range AS v FROM range(10)');
    const a = await session.window({ source: { kind: 'stored', table: v1 }, offset: 0, limit: 1, sort });
    assert.equal(decode(a.ipc).get(0)!.v, 9n);
    const v2 = await t.catalog.saveQuery('small', 'SELECT range + 100 AS v FROM range(10)');
    const b = await session.window({ source: { kind: 'stored', table: v2 }, offset: 0, limit: 1, sort });
    assert.equal(decode(b.ipc).get(0)!.v, 109n);
    const entries = t.engine.sortCacheStats().entries;
    await t.engine.dropStorage(v1.storage);
    assert.equal(t.engine.sortCacheStats().entries, entries - 1);
  });

  test('results: sorted windows over a result, closed results forget their copies', async () => {
    const r = await session.runSql('SELECT id, score FROM big WHERE id % 3 = 0 ORDER BY id DESC', t.catalog.resolver());
    const sorted = await session.window({ source: { kind: 'result', id: r.id }, offset: 50_000, limit: 2, sort: [{ column: 'id' }] });
    assert.deepEqual([...(decode(sorted.ipc).getChild('id')!.toArray() as BigInt64Array)], [150_000n, 150_003n]);
    const entries = t.engine.sortCacheStats().entries;
    session.closeResult(r.id);
    // closeResult drops on the query connection; a query after it runs once that is done.
    await session.runSql('SELECT 1 AS x', t.catalog.resolver());
    assert.equal(t.engine.sortCacheStats().entries, entries - 1);
  });
});

describe('Arrow types', () => {
  test('fixed-width fast path and readable fallbacks', async (t) => {
    const temp = await openTempEngine();
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('types');
    t.after(() => session.close());
    const r = await session.runSql(
      `SELECT
      true AS b, 7::TINYINT AS i8, 300::SMALLINT AS i16, 70000::INTEGER AS i32, 9007199254740993::BIGINT AS i64,
      200::UTINYINT AS u8, 4000000000::UINTEGER AS u32, 1.5::FLOAT AS f32, 2.25::DOUBLE AS f64,
      DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 12:34:56.789' AS ts, TIME '01:02:03' AS tm,
      'a much longer string than twelve bytes' AS s, '\\xAA\\xBB'::BLOB AS bl,
      123.45::DECIMAL(10,2) AS dec, [1, 2, 3] AS list, {'k': 1} AS st, 170141183460469231731687303715884105727::HUGEINT AS huge,
      NULL::INTEGER AS nothing`,
      temp.catalog.resolver(),
    );
    const table = decode((await session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 })).ipc);
    const row = table.get(0)!.toJSON() as Record<string, unknown>;
    assert.equal(row.b, true);
    assert.equal(row.i8, 7);
    assert.equal(row.i16, 300);
    assert.equal(row.i32, 70000);
    assert.equal(row.i64, 9007199254740993n);
    assert.equal(row.u8, 200);
    assert.equal(row.u32, 4000000000);
    assert.equal(row.f32, 1.5);
    assert.equal(row.f64, 2.25);
    assert.equal(row.d, Date.UTC(2024, 1, 29));
    assert.equal(row.ts, Date.UTC(2024, 1, 29, 12, 34, 56, 789));
    assert.equal(String(table.schema.fields.find((f) => f.name === 'tm')!.type), 'Time64<MICROSECOND>');
    assert.equal(row.s, 'a much longer string than twelve bytes');
    assert.deepEqual([...(row.bl as Uint8Array)], [0xaa, 0xbb]);
    // Exact: Decimal128 with its scale, the unscaled value 12345.
    assert.equal(String(row.dec), '12345');
    assert.equal(String(table.schema.fields.find((f) => f.name === 'dec')!.type), 'Decimal[10e+2]');
    assert.equal(row.list, '[1, 2, 3]');
    assert.equal(row.st, "{'k': 1}");
    assert.equal(row.huge, '170141183460469231731687303715884105727');
    assert.equal(row.nothing, null);
    assert.equal(r.columns.find((c) => c.name === 'dec')!.type, 'DECIMAL(10,2)');
  });
});

describe('interrupts', () => {
  test('an interrupt that lands between two statements of one request still stops it', async (t) => {
    const temp = await openTempEngine({ queryTimeoutMs: 60_000 });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('interrupts');
    t.after(() => session.close());
    // runSql binds (several statements), then materializes: interrupt in the same tick, before
    // any statement has started, so there is no running statement for DuckDB to stop.
    const request = session.runSql(RUNAWAY, temp.catalog.resolver());
    session.interrupt();
    await assert.rejects(request, isCancelled);
    assert.equal((await session.runSql('SELECT 42 AS answer', temp.catalog.resolver())).rowCount, 1);
  });

  test('a runaway query in a session times out within the limit', async (t) => {
    const temp = await openTempEngine({ queryTimeoutMs: 1500 });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('timeouts');
    t.after(() => session.close());
    const started = Date.now();
    await assert.rejects(session.runSql(RUNAWAY, temp.catalog.resolver()), (error: unknown) => error instanceof FramegateError && error.kind === 'QueryTimeout');
    assert.ok(Date.now() - started < 1500 + 3000, `took ${Date.now() - started} ms`);
  });
});
