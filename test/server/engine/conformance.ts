/**
 * The Engine conformance suite: what every engine behind the gateway must do, written against the
 * Engine interface alone. A runner per engine calls `runConformance` with a factory
 * (duckdb.conformance.test.ts for DuckDB). Data is made by Arrow uploads and SQL of the common
 * subset (SELECT, JOIN, WHERE, GROUP BY, CTEs), so the suite holds no engine's dialect; type names
 * are not compared (engines name them differently).
 *
 * `open` is called more than once (a second engine with a short query timeout), each time with a
 * data dir of its own.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Int32, Int64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { ErrorCodes, FramegateError } from '../../../protocol';
import { createImportPolicy, type BoundTable, type Engine, type EngineOptions, type EngineSession } from '../../../server/engine';
import { sqlAssistConformance } from './conformance-sql-assist';
import { decode, rejectsWith, rejectsWithOneOf } from './expect';
import { newStorageId, TestCatalog } from './test-catalog';

export interface ConformanceTarget {
  /** Shown in test names, e.g. "duckdb". */
  name: string;
  open(options: EngineOptions): Promise<Engine>;
  /** Rows of the large test frame (default 200,000). */
  rows?: number;
  /** The engine's quoted identifier (default `"name"`), for names like `sales@1`. */
  quote?: (identifier: string) => string;
  /**
   * The query timeout of the engine the timeout test opens (default 1,500 ms): longer than a
   * one-row query and a store of 100,000 rows take on this engine, far shorter than the runaway
   * query. A cluster engine (Spark) spends seconds per query on planning and jobs, so it needs more.
   */
  shortTimeoutMs?: number;
}

function optionsIn(dir: string, queryTimeoutMs: number): EngineOptions & { importDir: string } {
  const importDir = join(dir, 'import');
  const dataDir = join(dir, 'data');
  mkdirSync(importDir, { recursive: true });
  return { dataDir, importDir, importPolicy: createImportPolicy([importDir], dataDir), queryTimeoutMs, threads: 2 };
}

/** id 0..n-1, score a permutation of 0..n-1, label text, maybe null on every 10th row. */
function bigTable(rows: number): Uint8Array {
  const ids = Array.from({ length: rows }, (_, i) => BigInt(i));
  return tableToIPC(
    new Table({
      id: vectorFromArray(ids, new Int64()),
      score: vectorFromArray(ids.map((i) => (i * 7919n) % BigInt(rows)), new Int64()),
      label: vectorFromArray(Array.from({ length: rows }, (_, i) => `name-${i}`), new Utf8()),
      maybe: vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? null : i % 100)), new Int32()),
    }),
    'stream',
  );
}

function ids(ipc: Uint8Array, column = 'id'): number[] {
  return Array.from(decode(ipc).getChild(column)!.toArray() as ArrayLike<number | bigint>, Number);
}

async function rowsOf(session: EngineSession, resultId: string): Promise<Record<string, unknown>[]> {
  const w = await session.window({ source: { kind: 'result', id: resultId }, offset: 0, limit: 10_000 });
  return decode(w.ipc)
    .toArray()
    .map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
}

async function concat(parts: AsyncIterable<Uint8Array>): Promise<{ bytes: Uint8Array; count: number }> {
  const chunks: Uint8Array[] = [];
  for await (const part of parts) chunks.push(part);
  return { bytes: Buffer.concat(chunks), count: chunks.length };
}

/** A query that runs for minutes on any engine: a cross join no optimizer can shortcut. */
const RUNAWAY = 'SELECT count(*) AS n FROM big a, big b WHERE (a.id * 7 + b.id * 13) % 1000003 = 17';

export function runConformance(target: ConformanceTarget): void {
  const ROWS = target.rows ?? 200_000;
  const q = target.quote ?? ((identifier: string) => `"${identifier.replace(/"/g, '""')}"`);

  describe(`Engine conformance: ${target.name}`, () => {
    let dir: string;
    let engine: Engine;
    let catalog: TestCatalog;
    let session: EngineSession;
    let big: BoundTable;
    let importDir: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `fg-conformance-${target.name}-`));
      const options = optionsIn(dir, 60_000);
      importDir = options.importDir;
      engine = await target.open(options);
      catalog = new TestCatalog(engine);
      big = await catalog.saveArrow('big', bigTable(ROWS));
      session = engine.openSession('conformance');
    });
    after(async () => {
      await session.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    });

    describe('storage', () => {
      test('an Arrow upload is stored with its columns, rows and size, and listed', async () => {
        assert.deepEqual(big.columns.map((c) => c.name), ['id', 'score', 'label', 'maybe']);
        assert.equal(big.rowCount, ROWS);
        const storage = newStorageId();
        const info = await engine.storeArrow(storage, bigTable(1000));
        assert.equal(info.rowCount, 1000);
        assert.ok(info.bytes > 0, `bytes ${info.bytes}`);
        assert.ok((await engine.listStorage()).includes(storage));
        assert.ok((await engine.listStorage()).includes(big.storage));
      });

      test('a query over stored frames is stored', async () => {
        const storage = newStorageId();
        const info = await engine.storeQuery(storage, 'SELECT id, score * 2 AS twice FROM big WHERE id < 1000', catalog.resolver());
        assert.equal(info.rowCount, 1000);
        assert.deepEqual(info.columns.map((c) => c.name), ['id', 'twice']);
        const table = catalog.add('twice', { ...info, storage });
        const w = await session.window({ source: { kind: 'stored', table }, offset: 998, limit: 5 });
        assert.equal(w.rows, 2);
      });

      test('a file in an import dir is stored with its real path, size and SHA-256', async () => {
        const content = 'id,name,price\n1,apple,1.25\n2,pear,2.5\n3,fig,\n';
        writeFileSync(join(importDir, 'fruit.csv'), content);
        const storage = newStorageId();
        const info = await engine.storeFile(storage, 'fruit.csv', 'csv');
        assert.equal(info.rowCount, 3);
        assert.deepEqual(info.columns.map((c) => c.name), ['id', 'name', 'price']);
        assert.equal(info.path, realpathSync(join(importDir, 'fruit.csv')));
        assert.equal(info.fileBytes, Buffer.byteLength(content));
        assert.equal(info.sha256, createHash('sha256').update(content).digest('hex'));
        await rejectsWith(engine.storeFile(newStorageId(), '/etc/passwd', 'csv'), 'FileRefused');
        await rejectsWith(engine.storeFile(newStorageId(), 'missing.csv', 'csv'), 'FileNotFound');
      });

      test('a store that fails leaves nothing under its id', async () => {
        const before = await engine.listStorage();
        const failing = newStorageId();
        // Fails at run time, well into the data (a conversion error), not when it is planned.
        await assert.rejects(
          engine.storeQuery(failing, `SELECT CASE WHEN id < ${ROWS - 10} THEN id ELSE CAST(label AS BIGINT) END AS v FROM big`, catalog.resolver()),
          FramegateError,
        );
        await rejectsWith(engine.storeQuery(newStorageId(), 'SELECT * FROM nowhere', catalog.resolver()), 'FrameNotFound');
        await rejectsWith(engine.storeArrow(newStorageId(), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), 'BadAttachment');
        assert.deepEqual(await engine.listStorage(), before);
      });

      test('drop removes stored data, absent ids are fine, and readers then get FrameNotFound', async () => {
        const storage = newStorageId();
        const info = await engine.storeArrow(storage, bigTable(100));
        const table = { storage, columns: info.columns, rowCount: info.rowCount };
        await engine.dropStorage(storage);
        await engine.dropStorage(storage);
        await engine.dropStorage(newStorageId());
        assert.ok(!(await engine.listStorage()).includes(storage));
        const gone = await rejectsWith(session.window({ source: { kind: 'stored', table }, offset: 0, limit: 1 }), 'FrameNotFound');
        // Readers of a dropped (replaced, deleted) version are told so without the engine's names for it.
        assert.ok(!gone.message.includes(storage) && !JSON.stringify(gone.detail ?? null).includes(storage), gone.message);
        const sorted = await rejectsWith(session.window({ source: { kind: 'stored', table }, offset: 0, limit: 1, sort: [{ column: 'score' }] }), 'FrameNotFound');
        assert.ok(!sorted.message.includes(storage), sorted.message);
      });

      test('drop waits for a reader: an export started before it reads everything', async () => {
        const storage = newStorageId();
        const info = await engine.storeArrow(storage, bigTable(ROWS));
        const exported = await session.export({ kind: 'stored', table: { storage, columns: info.columns, rowCount: info.rowCount } });
        const iterator = exported.parts[Symbol.asyncIterator]();
        const chunks: Uint8Array[] = [];
        const first = await iterator.next();
        if (!first.done) chunks.push(first.value);
        let dropped = false;
        const drop = engine.dropStorage(storage).then(() => (dropped = true));
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          assert.equal(dropped, false, 'dropStorage returned while an export was still reading');
          chunks.push(next.value);
        }
        assert.equal(decode(Buffer.concat(chunks)).numRows, ROWS);
        await drop;
        assert.ok(!(await engine.listStorage()).includes(storage));
      });
    });

    describe('windows', () => {
      for (const [where, offset] of [
        ['start', 0],
        ['middle', Math.floor(ROWS / 2)],
        ['end', ROWS - 1000],
      ] as const) {
        test(`unsorted window at the ${where}`, async () => {
          const w = await session.window({ source: { kind: 'stored', table: big }, offset, limit: 1000 });
          assert.equal(w.rowCount, ROWS);
          assert.equal(w.offset, offset);
          assert.equal(w.rows, 1000);
          assert.deepEqual(w.columns.map((c) => c.name), ['id', 'score', 'label', 'maybe']);
          const table = decode(w.ipc);
          assert.deepEqual(ids(w.ipc), Array.from({ length: 1000 }, (_, i) => offset + i));
          assert.equal(table.getChild('label')!.get(999), `name-${offset + 999}`);
          for (let i = 0; i < 30; i++) assert.equal(table.getChild('maybe')!.get(i), (offset + i) % 10 === 0 ? null : (offset + i) % 100);
        });

        test(`sorted window at the ${where}`, async () => {
          const w = await session.window({ source: { kind: 'stored', table: big }, offset, limit: 1000, sort: [{ column: 'score', descending: true }], columns: ['score', 'id'] });
          assert.deepEqual(w.columns.map((c) => c.name), ['score', 'id']);
          assert.deepEqual(ids(w.ipc, 'score'), Array.from({ length: 1000 }, (_, i) => ROWS - 1 - offset - i));
        });
      }

      test('ties keep row order and nulls sort last', async () => {
        const sort = [{ column: 'maybe', descending: false }];
        const w = await session.window({ source: { kind: 'stored', table: big }, offset: 0, limit: 5, sort, columns: ['maybe', 'id'] });
        assert.deepEqual(ids(w.ipc), [1, 101, 201, 301, 401]);
        const last = await session.window({ source: { kind: 'stored', table: big }, offset: ROWS - 1, limit: 1, sort, columns: ['maybe'] });
        assert.equal(decode(last.ipc).get(0)!.maybe, null);
      });

      test('short and empty windows past the end; columns in the order asked; unknown columns', async () => {
        const short = await session.window({ source: { kind: 'stored', table: big }, offset: ROWS - 10, limit: 100 });
        assert.equal(short.rows, 10);
        assert.equal(decode(short.ipc).numRows, 10);
        const empty = await session.window({ source: { kind: 'stored', table: big }, offset: ROWS + 5, limit: 100 });
        assert.equal(empty.rows, 0);
        assert.equal(decode(empty.ipc).numRows, 0);
        const picked = await session.window({ source: { kind: 'stored', table: big }, offset: 10, limit: 3, columns: ['label', 'id'] });
        assert.deepEqual(decode(picked.ipc).schema.fields.map((f) => f.name), ['label', 'id']);
        await rejectsWith(session.window({ source: { kind: 'stored', table: big }, offset: 0, limit: 3, columns: ['nope'] }), 'ColumnNotFound');
        await rejectsWith(session.window({ source: { kind: 'stored', table: big }, offset: 0, limit: 3, sort: [{ column: 'nope' }] }), 'ColumnNotFound');
      });
    });

    describe('SQL through the resolver', () => {
      test('joins, CTEs and aggregates over frames, by the names the resolver knows', async () => {
        await catalog.saveQuery('alice.small', 'SELECT id, label FROM big WHERE id < 5');
        const r = await session.runSql(
          `WITH evens AS (SELECT id FROM big WHERE id % 2 = 0)
           SELECT s.id, s.label, big.score FROM alice.small s JOIN evens e ON e.id = s.id JOIN big ON big.id = s.id ORDER BY s.id`,
          catalog.resolver(),
        );
        assert.equal(r.rowCount, 3);
        assert.deepEqual(r.columns.map((c) => c.name), ['id', 'label', 'score']);
        assert.deepEqual((await rowsOf(session, r.id)).map((row) => Number(row.id)), [0, 2, 4]);
        const asked = catalog.asked.map((ref) => ref.text);
        assert.ok(asked.includes('alice.small') && asked.includes('big'), asked.join(', '));
        assert.ok(!asked.includes('evens'), 'a CTE is not a frame');
      });

      test('a version in the name reads that version', async () => {
        await catalog.saveQuery('versioned', 'SELECT id FROM big WHERE id < 3');
        await catalog.saveQuery('versioned', 'SELECT id FROM big WHERE id < 7');
        const latest = await session.runSql('SELECT count(*) AS n FROM versioned', catalog.resolver());
        const first = await session.runSql(`SELECT count(*) AS n FROM ${q('versioned@1')}`, catalog.resolver());
        assert.equal(Number((await rowsOf(session, latest.id))[0]!.n), 7);
        assert.equal(Number((await rowsOf(session, first.id))[0]!.n), 3);
      });

      test('AT (VERSION => n) beside other versions of the same and of other frames in one query', async () => {
        await catalog.saveQuery('pinned', 'SELECT id FROM big WHERE id < 4');
        await catalog.saveQuery('pinned', 'SELECT id FROM big WHERE id < 9');
        await catalog.saveQuery('beside', 'SELECT id FROM big WHERE id < 2');
        await catalog.saveQuery('beside', 'SELECT id FROM big WHERE id < 5');
        const r = await session.runSql(
          `SELECT (SELECT count(*) FROM pinned AT (VERSION => 1)) AS a, (SELECT count(*) FROM pinned AT (VERSION => 2)) AS b,
                  (SELECT count(*) FROM ${q('pinned@1')}) AS c, (SELECT count(*) FROM pinned) AS d,
                  (SELECT count(*) FROM beside AT (VERSION => 1)) AS e, (SELECT count(*) FROM pinned AT (VERSION => 1) JOIN beside AT (VERSION => 2) USING (id)) AS f`,
          catalog.resolver(),
        );
        const [row] = await rowsOf(session, r.id);
        assert.deepEqual(Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])), { a: 4, b: 9, c: 4, d: 9, e: 2, f: 4 });
      });

      test('errors: syntax, unknown columns, unknown frames', async () => {
        await rejectsWith(session.runSql('SELEC 1', catalog.resolver()), 'InvalidSql');
        await rejectsWith(session.runSql('SELECT nope FROM big', catalog.resolver()), 'InvalidSql');
        await rejectsWith(session.runSql('SELECT * FROM nothing_here', catalog.resolver()), 'FrameNotFound', /nothing_here/);
      });
    });

    describe('editor help', () => {
      before(async () => {
        await catalog.saveQuery('hidden', "SELECT id, 'TOPSECRET' AS v FROM big WHERE id < 3");
      });
      sqlAssistConformance({ session: () => session, resolver: (allowed) => catalog.resolver(allowed) });
    });

    describe('select', () => {
      test('columns, filter, sort, limit', async () => {
        const r = await session.runSelect(
          { from: { name: 'big', text: 'big' }, columns: ['id', 'label'], filter: "id < 10 AND label LIKE 'name-%'", sort: [{ column: 'id', descending: true }], limit: 3 },
          catalog.resolver(),
        );
        assert.equal(r.rowCount, 3);
        assert.deepEqual(r.columns.map((c) => c.name), ['id', 'label']);
        assert.deepEqual((await rowsOf(session, r.id)).map((row) => Number(row.id)), [9, 8, 7]);
      });

      test('unknown columns, unknown frames, bad filters', async () => {
        await rejectsWith(session.runSelect({ from: { name: 'big', text: 'big' }, columns: ['nope'] }, catalog.resolver()), 'ColumnNotFound');
        await rejectsWith(session.runSelect({ from: { name: 'nope', text: 'nope' } }, catalog.resolver()), 'FrameNotFound');
        await rejectsWith(session.runSelect({ from: { name: 'big', text: 'big' }, filter: 'id >' }, catalog.resolver()), 'InvalidSql');
      });
    });

    describe('results and export', () => {
      test('results: windows, sorted windows, store, close', async () => {
        const r = await session.runSql('SELECT id, score FROM big WHERE id % 3 = 0 ORDER BY id DESC', catalog.resolver());
        const expected = Math.ceil(ROWS / 3);
        assert.equal(r.rowCount, expected);
        const w = await session.window({ source: { kind: 'result', id: r.id }, offset: 1, limit: 2 });
        const top = 3 * (expected - 1);
        assert.deepEqual(ids(w.ipc), [top - 3, top - 6]);
        const sorted = await session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 2, sort: [{ column: 'id' }] });
        assert.deepEqual(ids(sorted.ipc), [0, 3]);

        const storage = newStorageId();
        const stored = await session.storeResult(storage, r.id);
        assert.equal(stored.rowCount, expected);
        const fw = await session.window({ source: { kind: 'stored', table: { storage, columns: stored.columns, rowCount: stored.rowCount } }, offset: 0, limit: 1 });
        assert.deepEqual(ids(fw.ipc), [top]);

        assert.equal(session.closeResult(r.id), true);
        assert.equal(session.closeResult(r.id), false);
        await rejectsWith(session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 }), 'ResultNotFound');
        await rejectsWith(session.storeResult(newStorageId(), r.id), 'ResultNotFound');
      });

      test('results belong to their session', async () => {
        const other = engine.openSession('other');
        try {
          const r = await other.runSql('SELECT 1 AS x', catalog.resolver());
          await rejectsWith(session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 }), 'ResultNotFound');
        } finally {
          await other.close();
        }
      });

      test('export streams the whole source in several parts, sorted and with the columns asked', async () => {
        const exported = await session.export({ kind: 'stored', table: big }, [{ column: 'score' }], ['score', 'label']);
        assert.equal(exported.rowCount, ROWS);
        const { bytes, count } = await concat(exported.parts);
        assert.ok(count > 1, `${count} parts`);
        const table = decode(bytes);
        assert.equal(table.numRows, ROWS);
        assert.deepEqual(table.schema.fields.map((f) => f.name), ['score', 'label']);
        for (const i of [0, 1, Math.floor(ROWS / 2), ROWS - 1]) assert.equal(Number(table.getChild('score')!.get(i)), i);
      });

      test('export of an empty result is a valid stream with its columns', async () => {
        const r = await session.runSql('SELECT id FROM big WHERE id < 0', catalog.resolver());
        const table = decode((await concat((await session.export({ kind: 'result', id: r.id })).parts)).bytes);
        assert.equal(table.numRows, 0);
        assert.deepEqual(table.schema.fields.map((f) => f.name), ['id']);
      });
    });

    describe('profile', () => {
      test('every column: exact counts, nulls and distinct values, min/max/mean, a histogram of all rows, top values', async () => {
        const profiles = await session.profile({ kind: 'stored', table: big });
        assert.deepEqual(profiles.map((p) => p.name), ['id', 'score', 'label', 'maybe']);
        const [id, score, label, maybe] = profiles;
        // id: 0..ROWS-1
        assert.equal(id!.count, ROWS);
        assert.equal(id!.nulls, 0);
        assert.equal(id!.distinct, ROWS);
        assert.equal(Number(id!.min), 0);
        assert.equal(Number(id!.max), ROWS - 1);
        assert.ok(Math.abs(id!.mean! - (ROWS - 1) / 2) < 1e-6, `mean ${id!.mean}`);
        assert.equal(id!.histogram!.length, 20);
        assert.equal(id!.histogram!.reduce((n, b) => n + b.count, 0), ROWS);
        // Equal-width bins over a uniform column hold about the same number of rows.
        for (const bin of id!.histogram!) assert.ok(Math.abs(bin.count - ROWS / 20) <= 1, `bin ${bin.lo}..${bin.hi}: ${bin.count}`);
        assert.equal(Number(id!.histogram![0]!.lo), 0);
        assert.equal(Number(id!.histogram![19]!.hi), ROWS - 1);
        assert.equal(score!.distinct, ROWS);
        // maybe: NULL on every 10th row, else i % 100 (1..99 without the multiples of 10).
        assert.equal(maybe!.nulls, ROWS / 10);
        assert.equal(maybe!.count, ROWS - ROWS / 10);
        assert.equal(maybe!.distinct, 90);
        assert.equal(Number(maybe!.min), 1);
        assert.equal(Number(maybe!.max), 99);
        assert.equal(maybe!.histogram!.reduce((n, b) => n + b.count, 0), maybe!.count);
        // label: text, all distinct: top values (each once), no histogram, no mean.
        assert.equal(label!.distinct, ROWS);
        assert.equal(label!.histogram, undefined);
        assert.equal(label!.mean, undefined);
        assert.equal(label!.top!.length, 10);
        assert.ok(label!.top!.every((v) => v.count === 1 && v.value.startsWith('name-')));
      });

      test('a result is profiled like a frame; top values by count; an empty source has counts only', async () => {
        const r = await session.runSql("SELECT CASE WHEN id % 4 = 0 THEN 'a' WHEN id % 4 = 1 THEN 'b' ELSE NULL END AS k FROM big WHERE id < 1000", catalog.resolver());
        const [k] = await session.profile({ kind: 'result', id: r.id });
        assert.deepEqual({ count: k!.count, nulls: k!.nulls, distinct: k!.distinct }, { count: 500, nulls: 500, distinct: 2 });
        assert.deepEqual(k!.top, [
          { value: 'a', count: 250 },
          { value: 'b', count: 250 },
        ]);
        const empty = await session.runSql('SELECT id, label FROM big WHERE id < 0', catalog.resolver());
        const profiles = await session.profile({ kind: 'result', id: empty.id });
        assert.deepEqual(
          profiles.map((p) => [p.name, p.count, p.nulls, p.histogram, p.top]),
          [
            ['id', 0, 0, undefined, undefined],
            ['label', 0, 0, undefined, undefined],
          ],
        );
        await rejectsWith(session.profile({ kind: 'result', id: 'no-such-result' }), 'ResultNotFound');
      });
    });

    describe('interrupt', () => {
      test('interrupt stops the running query and the ones queued behind it; later work runs', async () => {
        const running = session.runSql(RUNAWAY, catalog.resolver());
        const queued = session.runSql('SELECT 42 AS answer', catalog.resolver());
        session.interrupt();
        const cancelled = (error: unknown) => error instanceof FramegateError && error.code === ErrorCodes.Cancelled;
        await assert.rejects(running, cancelled);
        await assert.rejects(queued, cancelled);
        assert.equal((await session.runSql('SELECT 42 AS answer', catalog.resolver())).rowCount, 1);
      });

      test('windows are served while the same session runs a long query', async () => {
        let queryDone = false;
        const running = session.runSql(RUNAWAY, catalog.resolver()).finally(() => (queryDone = true));
        const w = await session.window({ source: { kind: 'stored', table: big }, offset: 5000, limit: 10 });
        assert.equal(queryDone, false, 'the window came back while the query was still running');
        assert.deepEqual(ids(w.ipc).slice(0, 2), [5000, 5001]);
        session.interrupt();
        await assert.rejects(running, FramegateError);
      });
    });

    describe('access rules on SQL', () => {
      let limited: ReturnType<TestCatalog['resolver']>;
      before(async () => {
        await catalog.saveQuery('secret', "SELECT id, 'TOPSECRET' AS v FROM big WHERE id < 3");
        await catalog.saveQuery('bob.private', 'SELECT id FROM big WHERE id < 3');
        limited = catalog.resolver(['big']);
      });

      const notFound: string[] = [
        'SELECT * FROM secret',
        `SELECT * FROM ${q('secret')}`,
        'SELECT * FROM SECRET',
        'SELECT * FROM main.secret',
        'SELECT * FROM bob.private',
        `SELECT * FROM ${q('secret@1')}`,
        'SELECT * FROM big JOIN secret ON big.id = secret.id',
        'SELECT * FROM big WHERE id IN (SELECT id FROM secret)',
        'SELECT id FROM big UNION ALL SELECT id FROM secret',
        'SELECT * FROM (WITH secret AS (SELECT 1 AS v) SELECT v FROM secret) t, secret',
        'WITH a AS (SELECT * FROM secret) SELECT * FROM a',
        'DESCRIBE secret',
      ];
      for (const sql of notFound) {
        test(`refused as a missing frame: ${sql}`, async () => {
          const error = await rejectsWith(session.runSql(sql, limited), 'FrameNotFound');
          assert.ok(!error.message.includes('TOPSECRET'));
        });
      }

      const refusedStatements: string[] = [
        'CREATE TABLE x AS SELECT 1 AS v',
        'CREATE VIEW v AS SELECT * FROM secret',
        'INSERT INTO big SELECT * FROM big',
        'DROP TABLE big',
        'DELETE FROM big',
        "SET x = 'y'",
        'SELECT 1 AS a; SELECT * FROM secret',
      ];
      for (const sql of refusedStatements) {
        test(`refused: ${sql}`, async () => {
          await rejectsWith(session.runSql(sql, limited), 'SqlRefused');
          await rejectsWith(engine.storeQuery(newStorageId(), sql, limited), 'SqlRefused');
        });
      }

      test('a CTE that shadows a refused name is the CTE', async () => {
        const r = await session.runSql('WITH secret AS (SELECT 7 AS v) SELECT v FROM secret', limited);
        assert.equal(Number((await rowsOf(session, r.id))[0]!.v), 7);
      });

      test('a select whose filter names a refused frame', async () => {
        await rejectsWithOneOf(session.runSelect({ from: { name: 'big', text: 'big' }, filter: 'id IN (SELECT id FROM secret)' }, limited), ['FrameNotFound']);
      });
    });
  });

  describe(`Engine conformance: ${target.name}, timeouts and closing`, () => {
    test('a runaway query times out, the session stays usable; close waits for running work, then refuses new work', async () => {
      const dir = mkdtempSync(join(tmpdir(), `fg-conformance-${target.name}-timeout-`));
      const engine = await target.open(optionsIn(dir, target.shortTimeoutMs ?? 1500));
      try {
        const catalog = new TestCatalog(engine);
        await catalog.saveArrow('big', bigTable(100_000));
        const session = engine.openSession('timeouts');
        await rejectsWith(session.runSql(RUNAWAY, catalog.resolver()), 'QueryTimeout');
        assert.equal((await session.runSql('SELECT 1 AS one', catalog.resolver())).rowCount, 1);

        const running = engine.storeQuery(newStorageId(), 'SELECT id FROM big', catalog.resolver());
        await engine.close();
        assert.equal((await running).rowCount, 100_000);
        await assert.rejects(engine.storeQuery(newStorageId(), 'SELECT 1 AS x', catalog.resolver()), FramegateError);
        await assert.rejects(session.runSql('SELECT 1 AS x', catalog.resolver()), FramegateError);
      } finally {
        await engine.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
