/** The Spark engine against a real server: storing, windows, names through the resolver, results, export. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import type { BoundTable } from '../../../../server/engine/engine';
import { openTestEngine, rejectsWith, storageId, type TestEngine } from './engine-helpers';

const ROWS = 300_000;
const BIG = `SELECT id, id * 0.5D AS x, CAST(id % 1000 AS INT) AS k, concat('r', id) AS s FROM range(0, ${ROWS}, 1, 3)`;

function ids(ipc: Uint8Array, column = 'id'): number[] {
  return Array.from(tableFromIPC(ipc).getChild(column)!.toArray() as BigInt64Array, Number);
}

describe('Spark engine', { timeout: 900_000 }, () => {
  let t: TestEngine;
  let big: BoundTable;

  before(async () => {
    t = await openTestEngine();
    big = await t.save('big', BIG);
  });

  after(async () => {
    await t?.cleanup();
  });

  test('stores query results as numbered tables and lists them', async () => {
    assert.equal(big.rowCount, ROWS);
    assert.deepEqual(big.columns, [
      { name: 'id', type: 'BIGINT' },
      { name: 'x', type: 'DOUBLE' },
      { name: 'k', type: 'INTEGER' },
      { name: 's', type: 'STRING' },
    ]);
    assert.ok((await t.engine.listStorage()).includes(big.storage));
    assert.match(t.engine.description, /^spark 4\./);
  });

  test('profiles every column with exact counts, a histogram and top values (the engine-neutral plan in Spark SQL)', async () => {
    const session = t.engine.openSession('profile');
    try {
      const dates = await t.save('dates', `SELECT CAST(date_add(DATE '2024-01-01', CAST(id % 10 AS INT)) AS DATE) AS d, CASE WHEN id % 5 = 0 THEN NULL ELSE id % 3 END AS m FROM range(0, 1000)`);
      const [id, x, k, str] = await session.profile({ kind: 'stored', table: big });
      assert.deepEqual([id!.count, id!.nulls, id!.distinct, id!.min, id!.max], [ROWS, 0, ROWS, '0', String(ROWS - 1)]);
      assert.ok(Math.abs(x!.mean! - (ROWS - 1) / 4) < 1e-6);
      assert.equal(k!.distinct, 1000);
      assert.equal(id!.histogram!.reduce((n, b) => n + b.count, 0), ROWS);
      assert.equal(str!.top!.length, 10);
      const [d, m] = await session.profile({ kind: 'stored', table: dates });
      assert.deepEqual([d!.min, d!.max, d!.distinct], ['2024-01-01', '2024-01-10', 10]);
      assert.equal(d!.histogram![0]!.lo, '2024-01-01');
      assert.equal(d!.histogram!.reduce((n, b) => n + b.count, 0), 1000);
      assert.deepEqual([m!.nulls, m!.distinct], [200, 3]);
    } finally {
      await session.close();
    }
  });

  test('windows at the start, middle and end, and past the end', async () => {
    const session = t.engine.openSession('windows');
    try {
      for (const offset of [0, 150_000, ROWS - 100]) {
        const w = await session.window({ source: { kind: 'stored', table: big }, offset, limit: 100 });
        assert.equal(w.rowCount, ROWS);
        assert.equal(w.rows, 100);
        assert.deepEqual(ids(w.ipc), Array.from({ length: 100 }, (_v, i) => offset + i));
      }
      const past = await session.window({ source: { kind: 'stored', table: big }, offset: ROWS + 5, limit: 10, columns: ['s'] });
      assert.equal(past.rows, 0);
      assert.deepEqual(tableFromIPC(past.ipc).schema.fields.map((f) => f.name), ['s']);
      await rejectsWith(session.window({ source: { kind: 'stored', table: big }, offset: 0, limit: 1, columns: ['nope'] }), 'ColumnNotFound');
    } finally {
      await session.close();
    }
  });

  test('sorted windows: the first from a top-N query, later ones from one shared sorted copy', async () => {
    const session = t.engine.openSession('sorted');
    const other = t.engine.openSession('sorted-2');
    try {
      const sort = [{ column: 'k', descending: true }];
      const firstWindow = await session.window({ source: { kind: 'stored', table: big }, offset: 0, limit: 5, sort });
      // k = 999 for ids 999, 1999, …; ties keep row order.
      assert.deepEqual(ids(firstWindow.ipc), [999, 1999, 2999, 3999, 4999]);
      const middle = await other.window({ source: { kind: 'stored', table: big }, offset: 150_000, limit: 3, sort });
      // Rows 150000… of the sort: k descends by one per 300 rows; 150000 / 300 = 500 → k = 499.
      const table = tableFromIPC(middle.ipc);
      assert.deepEqual(Array.from(table.getChild('k')!.toArray() as Int32Array), [499, 499, 499]);
      assert.deepEqual(ids(middle.ipc), [499, 1499, 2499]);
      const again = await session.window({ source: { kind: 'stored', table: big }, offset: 0, limit: 5, sort });
      assert.deepEqual(ids(again.ipc), [999, 1999, 2999, 3999, 4999]);
      const stats = t.engine.sortedCopyStats();
      assert.equal(stats.builds, 1);
      assert.ok(stats.hits >= 1);
    } finally {
      await session.close();
      await other.close();
    }
  });

  test('exports the whole table as one Arrow stream in row order, sorted if asked', async () => {
    const session = t.engine.openSession('export');
    try {
      const exported = await session.export({ kind: 'stored', table: big }, undefined, ['id', 's']);
      assert.equal(exported.rowCount, ROWS);
      const parts: Uint8Array[] = [];
      for await (const part of exported.parts) parts.push(part);
      const table = tableFromIPC(Buffer.concat(parts));
      assert.equal(table.numRows, ROWS);
      const values = table.getChild('id')!.toArray() as BigInt64Array;
      for (let i = 0; i < ROWS; i++) if (values[i] !== BigInt(i)) assert.fail(`row ${i} is ${values[i]}`);
      assert.equal(table.getChild('s')!.get(ROWS - 1), `r${ROWS - 1}`);

      const sorted = await session.export({ kind: 'stored', table: big }, [{ column: 'k' }, { column: 'id', descending: true }], ['k', 'id']);
      const sortedParts: Uint8Array[] = [];
      for await (const part of sorted.parts) sortedParts.push(part);
      const s = tableFromIPC(Buffer.concat(sortedParts));
      assert.equal(s.numRows, ROWS);
      assert.equal(s.getChild('k')!.get(0), 0);
      assert.equal(Number(s.getChild('id')!.get(0)), ROWS - 1000);
      assert.equal(s.getChild('k')!.get(ROWS - 1), 999);
    } finally {
      await session.close();
    }
  });

  test('client SQL reads frames through the resolver: bare, qualified and versioned names', async () => {
    const small = await t.save('alice.small', 'SELECT id AS n FROM range(3)');
    await t.save('small', 'SELECT 10 AS n', 1);
    await t.save('small', 'SELECT 20 AS n', 2);
    t.catalog.asked.length = 0;
    const session = t.engine.openSession('names');
    try {
      const result = await session.runSql(
        'SELECT (SELECT sum(n) FROM alice.small) AS a, (SELECT max(n) FROM small) AS b, (SELECT max(n) FROM `small@1`) AS c, (SELECT max(n) FROM small VERSION AS OF 1) AS d',
        t.catalog.resolve,
      );
      const w = await session.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 1 });
      const row = tableFromIPC(w.ipc).get(0)!.toJSON() as Record<string, unknown>;
      assert.deepEqual({ a: Number(row.a), b: row.b, c: row.c, d: row.d }, { a: 3, b: 20, c: 10, d: 10 });
      assert.deepEqual(
        t.catalog.asked.map((r) => [r.namespace ?? null, r.name, r.version ?? null]).sort(),
        [['alice', 'small', null], [null, 'small', 1], [null, 'small', null]].sort(),
      );
      // `AT (VERSION => 1)` is DuckDB's spelling, which the gateway documents for every engine.
      const at = await session.runSql('SELECT max(n) AS e FROM small AT (VERSION => 1)', t.catalog.resolve);
      const aw = await session.window({ source: { kind: 'result', id: at.id }, offset: 0, limit: 1 });
      assert.equal((tableFromIPC(aw.ipc).get(0)!.toJSON() as Record<string, unknown>).e, 10);
      // Refused by the resolver (no such frame, or one the caller may not read): its error as it is.
      t.catalog.hidden.add('alice.small');
      await rejectsWith(session.runSql('SELECT * FROM alice.small', t.catalog.resolve), 'FrameNotFound', /alice\.small/);
      t.catalog.hidden.clear();
      // The stored table's own name is just an unknown frame: Spark's catalog is never asked.
      await rejectsWith(session.runSql(`SELECT * FROM ${t.engine.databases.stored}.${small.storage}`, t.catalog.resolve), 'FrameNotFound');
      // CTE names are not frames.
      const cte = await session.runSql('WITH small AS (SELECT 7 AS n) SELECT n FROM small', t.catalog.resolve);
      const cw = await session.window({ source: { kind: 'result', id: cte.id }, offset: 0, limit: 1 });
      assert.equal((tableFromIPC(cw.ipc).get(0)!.toJSON() as Record<string, unknown>).n, 7);
    } finally {
      await session.close();
    }
  });

  test('the guard refuses anything but one read-only query', async () => {
    const session = t.engine.openSession('guard');
    const refused = [
      'DROP TABLE big',
      'INSERT INTO big SELECT * FROM big',
      'SET spark.sql.runSQLOnFiles=true',
      'CACHE TABLE big',
      "SELECT TRANSFORM(id) USING 'cat' AS (x) FROM big",
      "SELECT * FROM read_files('/etc')",
      "SELECT reflect('java.lang.System', 'getenv', 'HOME')",
      "SELECT * FROM IDENTIFIER('big')",
      'SELECT spark_catalog.default.f(1)',
      'SELECT * FROM spark_catalog.main.big',
      "ADD JAR '/tmp/x.jar'",
      "EXECUTE IMMEDIATE 'SELECT 1'",
    ];
    try {
      for (const sql of refused) await rejectsWith(session.runSql(sql, t.catalog.resolve), 'SqlRefused');
      await rejectsWith(session.runSql('SELECT * FROM parquet.`/etc/hosts`', t.catalog.resolve), 'SqlRefused', /file paths/);
      await rejectsWith(session.runSql('SELECT 1; SELECT 2', t.catalog.resolve), 'SqlRefused', /several statements/);
      await rejectsWith(session.runSql('SELECT nope FROM big', t.catalog.resolve), 'InvalidSql', /nope/);
      // The frame is still there.
      assert.equal((await session.runSql('SELECT count(*) AS n FROM big', t.catalog.resolve)).rowCount, 1);
    } finally {
      await session.close();
    }
  });

  test('selects, results, storing a result and closing it', async () => {
    const session = t.engine.openSession('select');
    try {
      const result = await session.runSelect(
        { from: { name: 'big', text: 'big' }, columns: ['id', 'k'], filter: 'k = 7 AND id < 5000', sort: [{ column: 'id', descending: true }], limit: 3 },
        t.catalog.resolve,
      );
      assert.equal(result.rowCount, 3);
      assert.deepEqual(result.columns.map((c) => c.name), ['id', 'k']);
      const w = await session.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 10 });
      assert.deepEqual(ids(w.ipc), [4007, 3007, 2007]);
      await rejectsWith(session.runSelect({ from: { name: 'big', text: 'big' }, columns: ['nope'] }, t.catalog.resolve), 'ColumnNotFound');
      await rejectsWith(session.runSelect({ from: { name: 'big', text: 'big' }, filter: '1 = 1) UNION (SELECT 1' }, t.catalog.resolve), 'InvalidSql');
      const storage = storageId();
      const stored = await session.storeResult(storage, result.id);
      assert.equal(stored.rowCount, 3);
      const copy = await session.window({ source: { kind: 'stored', table: { storage, columns: stored.columns, rowCount: stored.rowCount } }, offset: 0, limit: 10 });
      assert.deepEqual(ids(copy.ipc), [4007, 3007, 2007]);
      assert.equal(session.closeResult(result.id), true);
      assert.equal(session.closeResult(result.id), false);
      await rejectsWith(session.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 1 }), 'ResultNotFound');
      await t.engine.dropStorage(storage);
      assert.ok(!(await t.engine.listStorage()).includes(storage));
    } finally {
      await session.close();
    }
  });
});
