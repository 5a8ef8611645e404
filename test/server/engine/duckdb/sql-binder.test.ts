/** The SQL binder on a real (locked-down) DuckDB: what the resolver is asked, what SQL comes out. */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, FramegateError } from '../../../../protocol';
import { createImportPolicy, type BoundTable, type TableReference, type TableResolver } from '../../../../server/engine';
import { dataFiles } from '../../../../server/engine/duckdb/data-files';
import type { DuckConnection, DuckDatabase } from '../../../../server/engine/duckdb/duckdb';
import { FileAccess } from '../../../../server/engine/duckdb/file-access';
import { openDatabase } from '../../../../server/engine/duckdb/open';
import { SqlBinder, tableReference } from '../../../../server/engine/duckdb/sql-binder';
import { rejectsWith, tempDir } from '../helpers';

const SALES: BoundTable = { storage: 't_00000000000000a1', columns: [{ name: 'id', type: 'BIGINT' }], rowCount: 3 };
const NOTES: BoundTable = { storage: 't_00000000000000b2', columns: [{ name: 'id', type: 'BIGINT' }], rowCount: 1 };

describe('SQL binder', () => {
  let dir: string;
  let db: DuckDatabase;
  let conn: DuckConnection;
  let binder: SqlBinder;
  let importDir: string;
  let asked: TableReference[];
  const resolve: TableResolver = (ref) => {
    asked.push(ref);
    if (ref.name.toLowerCase() === 'sales' && !ref.namespace) return SALES;
    if (ref.name.toLowerCase() === 'notes' && ref.namespace === 'alice') return NOTES;
    throw new FramegateError(ErrorCodes.FrameNotFound, `no frame named ${ref.text}`);
  };

  before(async () => {
    dir = tempDir('fg-binder-');
    importDir = join(dir, 'import');
    mkdirSync(importDir);
    writeFileSync(join(importDir, 'a.csv'), 'x\n1\n');
    writeFileSync(join(importDir, 'b.csv'), 'x\n2\n');
    const dataDir = join(dir, 'data');
    const policy = createImportPolicy([importDir], dataDir);
    ({ db } = await openDatabase({ dataDir, importPolicy: policy, queryTimeoutMs: 10_000 }));
    conn = await db.connect();
    binder = new SqlBinder(new FileAccess(policy, dataFiles(dataDir)));
  });
  after(() => {
    conn.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function bind(sql: string) {
    asked = [];
    return binder.bind(conn, sql, resolve);
  }

  test('frames become their stored data, aliased to the name the SQL used', async () => {
    const bound = await bind('SELECT sales.id, n.id FROM sales JOIN alice.notes n ON true');
    assert.deepEqual(bound.storage, [SALES.storage, NOTES.storage]);
    assert.match(bound.sql, /FROM frames\._fg\.t_00000000000000a1 AS sales/);
    assert.match(bound.sql, /frames\._fg\.t_00000000000000b2 AS n/);
    assert.doesNotMatch(bound.sql, /alice/);
    assert.equal(bound.isShow, false);
  });

  test('the resolver gets namespace (lower case), name as written, version and text', async () => {
    await rejectsWith(bind('SELECT * FROM Alice."Notes@3", Bob.x AT (VERSION => 2), plain'), 'FrameNotFound');
    assert.deepEqual(asked[0], { namespace: 'alice', name: 'Notes', version: 3, text: 'Alice.Notes@3' });
    assert.deepEqual(asked[1], { namespace: 'bob', name: 'x', version: 2, text: 'Bob.x@2' });
    // The resolver refused the second name: the third was never asked.
    assert.equal(asked.length, 2);
  });

  test('one name is resolved once per query, whatever its case', async () => {
    const bound = await bind('SELECT * FROM sales a, SALES b, "Sales" c WHERE a.id IN (SELECT id FROM sales)');
    assert.equal(asked.length, 1);
    assert.deepEqual(bound.storage, [SALES.storage]);
  });

  test('CTEs are renamed in scope, and never asked for', async () => {
    const bound = await bind('WITH sales AS (SELECT 1 AS id), x AS (SELECT * FROM sales) SELECT x.id FROM x, (WITH y AS (SELECT 2) SELECT * FROM y) z');
    assert.equal(asked.length, 0);
    assert.deepEqual(bound.storage, []);
    assert.match(bound.sql, /__fgcte_1 AS sales/);
    assert.doesNotMatch(bound.sql, /WITH sales/);
  });

  test('DESCRIBE and SUMMARIZE are marked for wrapping', async () => {
    assert.equal((await bind('DESCRIBE sales')).isShow, true);
    assert.equal((await bind('SUMMARIZE SELECT 1')).isShow, true);
  });

  test('file reader paths become the checked real files, globs expanded', async () => {
    const bound = await bind(`SELECT * FROM read_csv('${importDir}/*.csv')`);
    assert.ok(bound.sql.includes(`read_csv(list_value('${join(importDir, 'a.csv')}', '${join(importDir, 'b.csv')}'))`), bound.sql);
    const one = await bind(`SELECT * FROM read_csv('${importDir}/a.csv', header = true)`);
    assert.ok(one.sql.includes(`read_csv('${join(importDir, 'a.csv')}', `), one.sql);
  });

  test('resolver errors pass through unchanged; a bad storage id from it is an internal error', async () => {
    const ambiguous = new FramegateError(ErrorCodes.AmbiguousName, 'sales is ambiguous', { candidates: ['a.sales', 'b.sales'] });
    await assert.rejects(
      binder.bind(conn, 'SELECT * FROM sales', () => {
        throw ambiguous;
      }),
      (error) => error === ambiguous,
    );
    await rejectsWith(binder.bind(conn, 'SELECT * FROM sales', () => ({ ...SALES, storage: 'versions' })), 'InternalError', /storage id/);
  });

  test('syntax errors, parameters and odd version clauses are InvalidSql', async () => {
    await rejectsWith(bind('SELEC 1'), 'InvalidSql', /syntax error/);
    await rejectsWith(bind('SELECT * FROM sales WHERE id = $1'), 'InvalidSql', /parameters/);
    await rejectsWith(bind('SELECT * FROM sales WHERE id = ?'), 'InvalidSql', /parameters/);
    await rejectsWith(bind('SELECT * FROM sales AT (TIMESTAMP => now())'), 'InvalidSql', /VERSION/);
    await rejectsWith(bind('SELECT * FROM sales AT (VERSION => 1 + 1)'), 'InvalidSql', /VERSION/);
    await rejectsWith(bind('WITH a AS (SELECT 1) SELECT * FROM a AT (VERSION => 1)'), 'InvalidSql', /CTE/);
    await rejectsWith(bind('WITH a AS (SELECT 1), A AS (SELECT 2) SELECT * FROM a'), 'InvalidSql', /duplicate/i);
  });

  test('not a query: the statement named in the message', async () => {
    await rejectsWith(bind("INSERT INTO sales VALUES (1)"), 'SqlRefused', /got INSERT/);
    for (const blank of ['', '  ', '-- nothing', '/* nothing */', ';']) await rejectsWith(bind(blank), 'SqlRefused', /no statement/);
    await rejectsWith(bind('SELECT 1; SELECT 2'), 'SqlRefused', /2 statements/);
  });
});

describe('table references', () => {
  const node = (fields: Record<string, unknown>) => ({ type: 'BASE_TABLE', schema_name: '', table_name: 'x', catalog_name: '', at_clause: null, ...fields }) as never;

  test('name@n is a version only with a valid number', () => {
    assert.deepEqual(tableReference(node({ table_name: 'sales@12' })), { name: 'sales', version: 12, text: 'sales@12' });
    assert.deepEqual(tableReference(node({ table_name: 'sales@0' })), { name: 'sales@0', text: 'sales@0' });
    assert.deepEqual(tableReference(node({ table_name: 'sales@x' })), { name: 'sales@x', text: 'sales@x' });
    assert.deepEqual(tableReference(node({ schema_name: 'NS', table_name: 'a@b@2' })), { namespace: 'ns', name: 'a@b', version: 2, text: 'NS.a@b@2' });
  });
});
