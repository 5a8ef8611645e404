import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EngineSession } from '../../../server/engine';
import { decode, openTempEngine, owner, rejectsWith, replace, type TempEngine } from './helpers';

const ROWS = 300_000; // more than two DuckDB row groups

describe('windows, results and export', () => {
  let t: TempEngine;
  let session: EngineSession;
  before(async () => {
    t = await openTempEngine({}, { sortCacheMaxRows: 2 * ROWS });
    // score is a permutation of 0..ROWS-1, so sorted order is known exactly.
    await t.engine.saveQuery(
      'big',
      `SELECT range AS id, (range * 7919) % ${ROWS} AS score, 'name-' || range AS label,
         CASE WHEN range % 10 = 0 THEN NULL ELSE (range % 100)::INTEGER END AS maybe
       FROM range(${ROWS})`,
      owner,
    );
    session = t.engine.openSession();
  });
  after(async () => {
    await session.close();
    await t.cleanup();
  });

  for (const offset of [0, 150_000, ROWS - 1000]) {
    test(`unsorted window at ${offset}`, async () => {
      const w = await session.window({ source: { kind: 'frame', name: 'big' }, offset, limit: 1000 });
      assert.equal(w.rowCount, ROWS);
      assert.equal(w.offset, offset);
      assert.equal(w.rows, 1000);
      assert.deepEqual(w.columns.map((c) => c.name), ['id', 'score', 'label', 'maybe']);
      const table = decode(w.ipc);
      assert.equal(table.numRows, 1000);
      const ids = table.getChild('id')!.toArray() as BigInt64Array;
      for (let i = 0; i < 1000; i++) assert.equal(ids[i], BigInt(offset + i));
      assert.equal(table.getChild('label')!.get(999), `name-${offset + 999}`);
      const maybe = table.getChild('maybe')!;
      for (let i = 0; i < 30; i++) assert.equal(maybe.get(i), (offset + i) % 10 === 0 ? null : (offset + i) % 100);
    });
  }

  test('a window past the end is short, one beyond it is empty', async () => {
    const w = await session.window({ source: { kind: 'frame', name: 'big' }, offset: ROWS - 10, limit: 100 });
    assert.equal(w.rows, 10);
    assert.equal(decode(w.ipc).numRows, 10);
    const empty = await session.window({ source: { kind: 'frame', name: 'big' }, offset: ROWS + 5, limit: 100 });
    assert.equal(empty.rows, 0);
    assert.equal(decode(empty.ipc).numRows, 0);
  });

  test('column selection, in the order asked, and unknown columns', async () => {
    const w = await session.window({ source: { kind: 'frame', name: 'big' }, offset: 10, limit: 3, columns: ['label', 'id'] });
    assert.deepEqual(w.columns, [
      { name: 'label', type: 'VARCHAR' },
      { name: 'id', type: 'BIGINT' },
    ]);
    const table = decode(w.ipc);
    assert.deepEqual(table.schema.fields.map((f) => f.name), ['label', 'id']);
    assert.equal(table.get(0)!.label, 'name-10');
    await rejectsWith(session.window({ source: { kind: 'frame', name: 'big' }, offset: 0, limit: 3, columns: ['nope'] }), 'ColumnNotFound', /nope/);
    await rejectsWith(session.window({ source: { kind: 'frame', name: 'big' }, offset: 0, limit: 3, sort: [{ column: 'nope', descending: false }] }), 'ColumnNotFound');
    await rejectsWith(session.window({ source: { kind: 'frame', name: 'nope' }, offset: 0, limit: 3 }), 'FrameNotFound');
    await rejectsWith(session.window({ source: { kind: 'result', id: 'r999' }, offset: 0, limit: 3 }), 'ResultNotFound');
  });

  test('sorted windows: right order, and later windows reuse the sorted copy', async () => {
    const before = t.engine.sortCacheStats();
    const sort = [{ column: 'score', descending: true }];
    const first = await session.window({ source: { kind: 'frame', name: 'big' }, offset: 0, limit: 1000, sort, columns: ['score', 'id'] });
    const afterFirst = t.engine.sortCacheStats();
    assert.equal(afterFirst.builds, before.builds + 1);
    const scores = decode(first.ipc).getChild('score')!.toArray() as BigInt64Array;
    for (let i = 0; i < 1000; i++) assert.equal(scores[i], BigInt(ROWS - 1 - i));

    for (const offset of [150_000, ROWS - 1000]) {
      const w = await session.window({ source: { kind: 'frame', name: 'big' }, offset, limit: 1000, sort, columns: ['score'] });
      const s = decode(w.ipc).getChild('score')!.toArray() as BigInt64Array;
      assert.equal(s[0], BigInt(ROWS - 1 - offset));
      assert.equal(s[999], BigInt(ROWS - 1 - offset - 999));
    }
    const afterMore = t.engine.sortCacheStats();
    assert.equal(afterMore.builds, afterFirst.builds, 'no new sort for later windows');
    assert.equal(afterMore.hits, afterFirst.hits + 2);

    // Another session shares the copy.
    const other = t.engine.openSession();
    await other.window({ source: { kind: 'frame', name: 'big' }, offset: 5, limit: 10, sort });
    assert.equal(t.engine.sortCacheStats().builds, afterFirst.builds);
    await other.close();
  });

  test('the first window of a new sort comes from a top-N query and agrees with the sorted copy', async () => {
    const sort = [{ column: 'k', descending: true }];
    await t.engine.saveQuery('ties', 'SELECT range AS id, range % 4 AS k FROM range(50000)', owner);
    const builds = t.engine.sortCacheStats().builds;
    const top = await session.window({ source: { kind: 'frame', name: 'ties' }, offset: 4, limit: 6, sort });
    assert.equal(t.engine.sortCacheStats().builds, builds + 1, 'the copy is being built');
    // Later: the same rows, now read from the sorted copy (offset past the top-N range first, so it waits).
    await session.window({ source: { kind: 'frame', name: 'ties' }, offset: 20_000, limit: 1, sort });
    const again = await session.window({ source: { kind: 'frame', name: 'ties' }, offset: 4, limit: 6, sort });
    assert.equal(t.engine.sortCacheStats().builds, builds + 1);
    const ids = (w: { ipc: Uint8Array }) => [...(decode(w.ipc).getChild('id')!.toArray() as BigInt64Array)];
    assert.deepEqual(ids(top), [19n, 23n, 27n, 31n, 35n, 39n]);
    assert.deepEqual(ids(again), ids(top));
  });

  test('sorting with ties and nulls is stable (ties by row order, nulls last)', async () => {
    const w = await session.window({ source: { kind: 'frame', name: 'big' }, offset: 0, limit: 5, sort: [{ column: 'maybe', descending: false }], columns: ['maybe', 'id'] });
    const table = decode(w.ipc);
    assert.deepEqual([...(table.getChild('id')!.toArray() as BigInt64Array)], [1n, 101n, 201n, 301n, 401n]);
    const last = await session.window({ source: { kind: 'frame', name: 'big' }, offset: ROWS - 1, limit: 1, sort: [{ column: 'maybe', descending: false }], columns: ['maybe'] });
    assert.equal(decode(last.ipc).get(0)!.maybe, null);
  });

  test('the sort cache drops least recently used copies beyond its row bound', async () => {
    const builds = t.engine.sortCacheStats().builds;
    // Offsets past the top-N range wait for the sorted copies.
    await session.window({ source: { kind: 'frame', name: 'big' }, offset: 50_000, limit: 1, sort: [{ column: 'label', descending: false }] });
    await session.window({ source: { kind: 'frame', name: 'big' }, offset: 50_000, limit: 1, sort: [{ column: 'id', descending: true }] });
    const stats = t.engine.sortCacheStats();
    assert.equal(stats.builds, builds + 2);
    assert.ok(stats.rows <= 2 * ROWS, `cache holds ${stats.rows} rows`);
    assert.ok(stats.evictions >= 1);
  });

  test('a replaced frame gets a new sorted copy', async () => {
    await t.engine.saveQuery('small', 'SELECT range AS v FROM range(10)', owner);
    const sort = [{ column: 'v', descending: true }];
    const a = await session.window({ source: { kind: 'frame', name: 'small' }, offset: 0, limit: 1, sort });
    assert.equal(decode(a.ipc).get(0)!.v, 9n);
    await t.engine.saveQuery('small', 'SELECT range + 100 AS v FROM range(10)', replace);
    const b = await session.window({ source: { kind: 'frame', name: 'small' }, offset: 0, limit: 1, sort });
    assert.equal(decode(b.ipc).get(0)!.v, 109n);
  });

  test('results: windows by rowid, sorted windows, save, close', async () => {
    const r = await session.runSql('SELECT id, score FROM big WHERE id % 3 = 0 ORDER BY id DESC');
    assert.equal(r.rowCount, ROWS / 3);
    assert.deepEqual(r.columns, [
      { name: 'id', type: 'BIGINT' },
      { name: 'score', type: 'BIGINT' },
    ]);
    const w = await session.window({ source: { kind: 'result', id: r.id }, offset: 1, limit: 2 });
    assert.deepEqual([...(decode(w.ipc).getChild('id')!.toArray() as BigInt64Array)], [BigInt(ROWS - 6), BigInt(ROWS - 9)]);
    const sorted = await session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 2, sort: [{ column: 'id', descending: false }] });
    assert.deepEqual([...(decode(sorted.ipc).getChild('id')!.toArray() as BigInt64Array)], [0n, 3n]);

    const saved = await session.saveResult('thirds', r.id, owner);
    assert.equal(saved.rowCount, ROWS / 3);
    assert.match(saved.source, /id % 3 = 0/);
    const fw = await session.window({ source: { kind: 'frame', name: 'thirds' }, offset: 0, limit: 1 });
    assert.equal(decode(fw.ipc).get(0)!.id, BigInt(ROWS - 3));

    assert.equal(session.closeResult(r.id), true);
    assert.equal(session.closeResult(r.id), false);
    await rejectsWith(session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 }), 'ResultNotFound');
    await rejectsWith(session.saveResult('again', r.id, owner), 'ResultNotFound');
  });

  test('results belong to their session', async () => {
    const other = t.engine.openSession();
    const r = await other.runSql('SELECT 1 AS x');
    await rejectsWith(session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 }), 'ResultNotFound');
    await other.close();
  });

  test('types: fixed-width fast path and readable fallbacks', async () => {
    const r = await session.runSql(`SELECT
      true AS b, 7::TINYINT AS i8, 300::SMALLINT AS i16, 70000::INTEGER AS i32, 9007199254740993::BIGINT AS i64,
      200::UTINYINT AS u8, 4000000000::UINTEGER AS u32, 1.5::FLOAT AS f32, 2.25::DOUBLE AS f64,
      DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 12:34:56.789' AS ts, TIME '01:02:03' AS tm,
      'a much longer string than twelve bytes' AS s, '\\xAA\\xBB'::BLOB AS bl,
      123.45::DECIMAL(10,2) AS dec, [1, 2, 3] AS list, {'k': 1} AS st, 170141183460469231731687303715884105727::HUGEINT AS huge,
      NULL::INTEGER AS nothing`);
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
    assert.equal(row.dec, 123.45);
    assert.equal(row.list, '[1, 2, 3]');
    assert.equal(row.st, "{'k': 1}");
    assert.equal(row.huge, '170141183460469231731687303715884105727');
    assert.equal(row.nothing, null);
    assert.equal(r.columns.find((c) => c.name === 'dec')!.type, 'DECIMAL(10,2)');
  });

  test('export streams the whole source in several parts', async () => {
    const exported = await session.export({ kind: 'frame', name: 'big' }, [{ column: 'score', descending: false }], ['score', 'label']);
    assert.equal(exported.rowCount, ROWS);
    const parts: Uint8Array[] = [];
    for await (const part of exported.parts) parts.push(part);
    assert.ok(parts.length > 3, `${parts.length} parts`);
    const table = decode(Buffer.concat(parts));
    assert.equal(table.numRows, ROWS);
    assert.deepEqual(table.schema.fields.map((f) => f.name), ['score', 'label']);
    const scores = table.getChild('score')!;
    for (const i of [0, 1, 65_535, 65_536, ROWS - 1]) assert.equal(scores.get(i), BigInt(i));
  });

  test('export of an empty result is a valid stream', async () => {
    const r = await session.runSql('SELECT id FROM big WHERE id < 0');
    const exported = await session.export({ kind: 'result', id: r.id });
    const parts: Uint8Array[] = [];
    for await (const part of exported.parts) parts.push(part);
    const table = decode(Buffer.concat(parts));
    assert.equal(table.numRows, 0);
    assert.deepEqual(table.schema.fields.map((f) => f.name), ['id']);
  });
});
