import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EngineSession } from '../../../server/engine';
import { decode, openTempEngine, owner, rejectsWith, tempDir, type TempEngine } from './helpers';

describe('SQL sandbox', () => {
  let t: TempEngine;
  let session: EngineSession;
  let outside: string;
  before(async () => {
    t = await openTempEngine({ queryTimeoutMs: 1500 });
    await t.engine.saveQuery('sales', "SELECT range AS id, 'r' || range AS name FROM range(100)", owner);
    writeFileSync(join(t.importDir, 'ok.csv'), 'a,b\n1,x\n2,y\n');
    outside = join(tempDir('fg-outside-'), 'secret.csv');
    writeFileSync(outside, 'secret\n42\n');
    session = t.engine.openSession();
  });
  after(async () => {
    await session.close();
    await t.cleanup();
  });

  test('allows a plain SELECT, CTEs, joins, subqueries, allowed table functions', async () => {
    const r = await session.runSql(`
      WITH evens AS (SELECT id FROM sales WHERE id % 2 = 0), r AS (SELECT range AS n FROM range(3))
      SELECT e.id, s.name FROM evens e JOIN sales s USING (id) WHERE e.id IN (SELECT n FROM r) ORDER BY e.id`);
    assert.equal(r.rowCount, 2);
    const g = await session.runSql('SELECT * FROM generate_series(1, 5) g(x), (SELECT unnest([1, 2]) AS u)');
    assert.equal(g.rowCount, 10);
    const csv = await session.runSql(`SELECT * FROM read_csv('${join(t.importDir, 'ok.csv')}')`);
    assert.equal(csv.rowCount, 2);
    const from = await session.runSql('FROM sales LIMIT 3');
    assert.equal(from.rowCount, 3);
    const described = await session.runSql('DESCRIBE sales;');
    assert.equal(described.rowCount, 2);
    const summary = await session.runSql('SUMMARIZE sales -- stats');
    assert.equal(summary.rowCount, 2);
  });

  test('refuses several statements', async () => {
    await rejectsWith(session.runSql('SELECT 1; SELECT 2'), 'SqlRefused', /only a single read-only SELECT/);
    await rejectsWith(session.runSql('SELECT 1; DROP TABLE sales'), 'SqlRefused');
    assert.equal((await t.engine.getFrame('sales')).rowCount, 100);
  });

  for (const [sql, keyword] of [
    ['INSERT INTO sales VALUES (1, \'x\')', 'INSERT'],
    ["ATTACH '/tmp/x.duckdb' AS x", 'ATTACH'],
    ['INSTALL httpfs', 'INSTALL'],
    ['LOAD httpfs', 'LOAD'],
    ["SET memory_limit = '1TB'", 'SET'],
    ["COPY sales TO '/tmp/out.csv'", 'COPY'],
    ['PRAGMA database_list', 'PRAGMA'],
    ['CREATE TABLE x AS SELECT 1', 'CREATE'],
    ['DELETE FROM sales', 'DELETE'],
    ['UPDATE sales SET id = 0', 'UPDATE'],
    ['DROP VIEW sales', 'DROP'],
    ['EXPLAIN SELECT 1', 'EXPLAIN'],
    ['CHECKPOINT', 'CHECKPOINT'],
  ] as const) {
    test(`refuses ${keyword}`, async () => {
      await rejectsWith(session.runSql(sql), 'SqlRefused', new RegExp(`only a single read-only SELECT is allowed; got ${keyword}`));
    });
  }

  test('refuses table functions off the allow-list, even quoted', async () => {
    await rejectsWith(session.runSql("SELECT * FROM query('SELECT 1')"), 'SqlRefused', /query\(\)/);
    await rejectsWith(session.runSql('SELECT * FROM "QUERY"(\'SELECT 1\')'), 'SqlRefused', /query\(\)/);
    await rejectsWith(session.runSql("SELECT * FROM query_table('sales')"), 'SqlRefused');
    await rejectsWith(session.runSql('SELECT * FROM duckdb_settings()'), 'SqlRefused', /duckdb_settings/);
    await rejectsWith(session.runSql('SELECT * FROM duckdb_tables()'), 'SqlRefused');
    await rejectsWith(session.runSql('SELECT * FROM pragma_database_list()'), 'SqlRefused');
    await rejectsWith(session.runSql("SELECT * FROM read_text('/etc/hostname')"), 'SqlRefused');
    await rejectsWith(session.runSql("SELECT * FROM glob('/*')"), 'SqlRefused');
    await rejectsWith(session.runSql('SELECT x FROM (SELECT * FROM duckdb_secrets()) t(x)'), 'SqlRefused');
    await rejectsWith(session.runSql("SELECT current_setting('allowed_directories')"), 'SqlRefused');
  });

  test('refuses reading files outside the import dirs', async () => {
    await rejectsWith(session.runSql(`SELECT * FROM read_csv('${outside}')`), 'SqlRefused', /outside the import directories/);
    await rejectsWith(session.runSql(`SELECT * FROM read_csv_auto('${t.importDir}/../data/catalog.duckdb')`), 'SqlRefused', /may not contain \.\./);
    await rejectsWith(session.runSql(`SELECT * FROM read_csv(['${join(t.importDir, 'ok.csv')}', '${outside}'])`), 'SqlRefused');
    // DuckDB itself would let SQL read its own database file; the guard does not.
    await rejectsWith(session.runSql(`SELECT * FROM read_csv('${join(t.dataDir, 'catalog.duckdb')}')`), 'SqlRefused', /data directory/);
    await rejectsWith(session.runSql("SELECT * FROM read_csv('ok.csv')"), 'SqlRefused', /absolute/);
    await rejectsWith(session.runSql("SELECT * FROM read_csv('/' || 'etc/passwd')"), 'SqlRefused', /constant/);
    await rejectsWith(session.runSql("SELECT * FROM read_parquet('http://example.com/x.parquet')"), 'SqlRefused');
    // A link inside an import dir that points outside it.
    symlinkSync(outside, join(t.importDir, 'link.csv'));
    await rejectsWith(session.runSql(`SELECT * FROM read_csv('${join(t.importDir, 'link.csv')}')`), 'SqlRefused', /outside the import directories/);
    // A bare file path (replacement scan) is not a frame.
    await rejectsWith(session.runSql(`SELECT * FROM '${outside}'`), 'FrameNotFound');
  });

  test('refuses internal schemas, system catalogs and other databases', async () => {
    await rejectsWith(session.runSql('SELECT * FROM _fg.versions'), 'FrameNotFound', /_fg\.versions/);
    await rejectsWith(session.runSql('SELECT * FROM _fgmem.main.r1_1'), 'SqlRefused', /catalog-qualified/);
    await rejectsWith(session.runSql('SELECT * FROM information_schema.tables'), 'FrameNotFound');
    await rejectsWith(session.runSql('SELECT * FROM duckdb_settings'), 'FrameNotFound');
    await rejectsWith(session.runSql('SELECT * FROM sqlite_master'), 'FrameNotFound');
    await rejectsWith(session.runSql('SELECT * FROM pg_catalog.pg_class'), 'FrameNotFound');
    await rejectsWith(session.runSql('SHOW TABLES'), 'SqlRefused');
    // A CTE in another scope does not make a system view name safe.
    await rejectsWith(session.runSql('SELECT * FROM (WITH duckdb_settings AS (SELECT 1 AS x) SELECT * FROM duckdb_settings), duckdb_settings'), 'SqlRefused', /reserved/);
    await rejectsWith(session.runSql('SELECT * FROM (WITH pg_class AS (SELECT 1 AS x) SELECT 1) t, pg_class'), 'SqlRefused', /reserved/);
    await rejectsWith(session.runSql('SELECT * FROM catalog.main.sales'), 'SqlRefused', /catalog-qualified/);
    await rejectsWith(session.runSql('SELECT * FROM nothing_here'), 'FrameNotFound', /nothing_here/);
  });

  test('syntax and bind errors are InvalidSql with DuckDB\'s message', async () => {
    await rejectsWith(session.runSql('SELEC 1'), 'InvalidSql', /syntax error/);
    await rejectsWith(session.runSql('SELECT nope FROM sales'), 'InvalidSql', /nope/);
    await rejectsWith(session.runSql('SELECT no_such_function(1)'), 'InvalidSql', /no_such_function/);
    await rejectsWith(session.runSql('SELECT * FROM sales WHERE id = $1'), 'InvalidSql', /parameters/);
  });

  test('select filters go through the same guard', async () => {
    const ok = await session.runSelect({ from: 'sales', columns: ['id'], filter: 'id < 10 AND name LIKE \'r%\'', sort: [{ column: 'id', descending: true }], limit: 3 });
    assert.equal(ok.rowCount, 3);
    const w = decode((await session.window({ source: { kind: 'result', id: ok.id }, offset: 0, limit: 10 })).ipc);
    assert.deepEqual([...(w.getChild('id')!.toArray() as BigInt64Array)], [9n, 8n, 7n]);
    await rejectsWith(session.runSelect({ from: 'sales', filter: "id IN (SELECT 1 FROM query('SELECT 1'))" }), 'SqlRefused');
    await rejectsWith(session.runSelect({ from: 'sales', filter: '1=1); DROP TABLE sales; SELECT (1' }), 'SqlRefused');
    assert.equal((await t.engine.getFrame('sales')).rowCount, 100);
    await rejectsWith(session.runSelect({ from: 'sales', filter: 'id IN (SELECT 1 FROM _fg.versions)' }), 'FrameNotFound');
    await rejectsWith(session.runSelect({ from: 'sales', columns: ['nope'] }), 'ColumnNotFound');
    await rejectsWith(session.runSelect({ from: 'nope' }), 'FrameNotFound');
    await rejectsWith(session.runSelect({ from: 'sales', filter: 'id >' }), 'InvalidSql');
  });

  test('saveQuery is guarded too', async () => {
    await rejectsWith(t.engine.saveQuery('bad', "SELECT * FROM query('SELECT 1')", owner), 'SqlRefused');
    await rejectsWith(t.engine.saveQuery('bad', 'DROP VIEW sales', owner), 'SqlRefused');
    await rejectsWith(t.engine.getFrame('bad'), 'FrameNotFound');
  });

  test('runaway queries time out and the session stays usable', async () => {
    const started = Date.now();
    await rejectsWith(session.runSql('SELECT count(*) FROM range(100000000000) a, range(1000) b'), 'QueryTimeout');
    assert.ok(Date.now() - started < 1500 + 3000, `took ${Date.now() - started} ms`);
    const r = await session.runSql('SELECT 1 AS one');
    assert.equal(r.rowCount, 1);
  });
});
