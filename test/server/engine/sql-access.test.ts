/**
 * Attempts to read data the resolver did not grant. The resolver here allows `sales`,
 * `other` and `alice.notes`; `secret` and `bob.private` exist but are refused exactly like missing
 * frames. Every attempt must fail with FrameNotFound or SqlRefused and never return data.
 */
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BoundTable, EngineSession, TableResolver } from '../../../server/engine';
import { decode, openTempEngine, rejectsWith, rejectsWithOneOf, type TempEngine } from './helpers';

const SECRET = 'TOPSECRET';

describe('SQL access: only what the resolver returned', () => {
  let t: TempEngine;
  let session: EngineSession;
  let other: EngineSession;
  let resolve: TableResolver;
  let secret: BoundTable;
  let sales: BoundTable;
  let otherResult: string;
  let dbFile: string;

  before(async () => {
    // The import dir is the parent of the data dir: the database files are "inside" an import dir.
    const parent = join((await import('node:os')).tmpdir(), `fg-access-${process.pid}-${Date.now()}`);
    mkdirSync(parent);
    t = await openTempEngine({ dataDir: join(parent, 'data'), importDirs: [parent] });
    dbFile = join(t.dataDir, 'frames.duckdb');
    const { catalog } = t;
    sales = await catalog.saveQuery('sales', "SELECT range AS id, 'r' || range AS name, range * 1.5 AS amount FROM range(10)");
    await catalog.saveQuery('sales', "SELECT range AS id, 'v2-' || range AS name, range * 2.0 AS amount FROM range(20)");
    await catalog.saveQuery('other', 'SELECT range AS id, range * 10 AS score FROM range(5)');
    await catalog.saveQuery('alice.notes', "SELECT 1 AS id, 'note' AS body");
    secret = await catalog.saveQuery('secret', `SELECT range AS id, '${SECRET}' AS v FROM range(3)`);
    await catalog.saveQuery('bob.private', `SELECT '${SECRET}' AS v`);
    resolve = catalog.resolver(['sales', 'other', 'alice.notes']);
    writeFileSync(join(parent, 'ok.csv'), 'a,b\n1,x\n2,y\n');
    writeFileSync(join(parent, 'ok2.csv'), 'a,b\n3,z\n');
    mkdirSync(join(parent, 'links'));
    symlinkSync(dbFile, join(parent, 'links', 'db.csv'));
    symlinkSync(t.dataDir, join(parent, 'links', 'datadir'));
    linkSync(dbFile, join(parent, 'hard.csv'));
    session = t.engine.openSession('attacker');
    other = t.engine.openSession('victim');
    otherResult = (await other.runSql('SELECT * FROM secret', catalog.resolver())).id;
    // sales@1 is kept (the test catalog never drops), so its id is "known" too.
    assert.ok(sales.storage);
  });
  after(async () => {
    await session.close();
    await other.close();
    await t.cleanup();
    (await import('node:fs')).rmSync(join(t.dataDir, '..'), { recursive: true, force: true });
  });

  async function refusedWithoutData(sql: string, kinds: string[]): Promise<void> {
    const error = await rejectsWithOneOf(session.runSql(sql, resolve), kinds);
    assert.ok(!error.message.includes(SECRET), `the error leaks data: ${error.message}`);
    assert.ok(!JSON.stringify(error.detail ?? null).includes(SECRET));
    // storeQuery goes through the same binder.
    await rejectsWithOneOf(t.engine.storeQuery('t_00000000000000aa', sql, resolve), kinds);
  }

  const NOT_FOUND = ['FrameNotFound'];
  const REFUSED = ['SqlRefused'];
  const EITHER = ['FrameNotFound', 'SqlRefused'];

  const cases: [string, string | (() => string), string[]][] = [
    // names, spelled every way
    ['bare name', 'SELECT * FROM secret', NOT_FOUND],
    ['odd case', 'SELECT * FROM SeCrEt', NOT_FOUND],
    ['quoted', 'SELECT * FROM "secret"', NOT_FOUND],
    ['quoted, upper case', 'SELECT * FROM "SECRET"', NOT_FOUND],
    ['team namespace', 'SELECT * FROM main.secret', NOT_FOUND],
    ['quoted parts', 'SELECT * FROM "main"."secret"', NOT_FOUND],
    ['dotted single identifier', 'SELECT * FROM "main.secret"', NOT_FOUND],
    ['other namespace', 'SELECT * FROM bob.private', NOT_FOUND],
    ['other namespace, odd case', 'SELECT * FROM BOB."private"', NOT_FOUND],
    ['version by name', 'SELECT * FROM "secret@1"', NOT_FOUND],
    ['version by AT', 'SELECT * FROM secret AT (VERSION => 1)', NOT_FOUND],
    ['FROM shorthand', 'FROM secret', NOT_FOUND],
    ['TABLE shorthand', 'TABLE secret', NOT_FOUND],
    ['comment hides the allowed name', 'SELECT * FROM /* sales */ secret', NOT_FOUND],
    ['fullwidth letter', 'SELECT * FROM "ｓecret"', NOT_FOUND],
    ['quote inside identifier', 'SELECT * FROM "sales"";SELECT * FROM secret--"', NOT_FOUND],
    // where a name can hide
    ['join', 'SELECT * FROM sales JOIN secret USING (id)', NOT_FOUND],
    ['comma join', 'SELECT * FROM sales, secret', NOT_FOUND],
    ['IN subquery', 'SELECT * FROM sales WHERE id IN (SELECT id FROM secret)', NOT_FOUND],
    ['scalar subquery', 'SELECT (SELECT max(v) FROM secret) AS x', NOT_FOUND],
    ['EXISTS', 'SELECT * FROM sales WHERE EXISTS (SELECT 1 FROM secret)', NOT_FOUND],
    ['subquery in FROM', 'SELECT * FROM (SELECT * FROM (SELECT * FROM secret))', NOT_FOUND],
    ['UNION', 'SELECT name FROM sales UNION SELECT v FROM secret', NOT_FOUND],
    ['UNION ALL BY NAME', 'SELECT name FROM sales UNION ALL BY NAME SELECT v AS name FROM secret', NOT_FOUND],
    ['INTERSECT', 'SELECT id FROM sales INTERSECT SELECT id FROM secret', NOT_FOUND],
    ['EXCEPT', 'SELECT id FROM sales EXCEPT SELECT id FROM secret', NOT_FOUND],
    ['LATERAL', 'SELECT * FROM sales, LATERAL (SELECT v FROM secret WHERE secret.id = sales.id) s', NOT_FOUND],
    ['unnest over a subquery', 'SELECT * FROM unnest((SELECT list(v) FROM secret))', NOT_FOUND],
    ['range over a subquery', 'SELECT * FROM range((SELECT count(*) FROM secret))', NOT_FOUND],
    ['VALUES with a subquery', 'SELECT * FROM (VALUES ((SELECT max(v) FROM secret))) x(v)', NOT_FOUND],
    ['ORDER BY subquery', 'SELECT * FROM sales ORDER BY (SELECT max(v) FROM secret)', NOT_FOUND],
    ['lambda with subquery', 'SELECT list_transform([1], x -> (SELECT max(v) FROM secret)) AS l', NOT_FOUND],
    // CTE scopes
    ['CTE out of scope (subquery)', 'SELECT * FROM (WITH secret AS (SELECT 1) SELECT 1), secret', NOT_FOUND],
    ['CTE out of scope (scalar subquery)', 'SELECT (WITH secret AS (SELECT 1 AS v) SELECT v FROM secret) AS a, * FROM secret', NOT_FOUND],
    ['CTE out of scope (inside another CTE)', 'WITH a AS (WITH secret AS (SELECT 1 AS v) SELECT * FROM secret) SELECT * FROM a, secret', NOT_FOUND],
    ['CTE out of scope (set operation branch)', '(WITH secret AS (SELECT 1 AS v) SELECT v FROM secret) UNION ALL SELECT v FROM secret', NOT_FOUND],
    ['CTE used before it is defined', 'WITH a AS (SELECT * FROM secret), secret AS (SELECT 1 AS v) SELECT * FROM a', NOT_FOUND],
    ['non-recursive CTE naming itself', 'WITH secret AS (SELECT * FROM secret) SELECT * FROM secret', NOT_FOUND],
    ['recursive CTE over the frame', 'WITH RECURSIVE r AS (SELECT v FROM secret UNION ALL SELECT v FROM r WHERE false) SELECT * FROM r', NOT_FOUND],
    ['recursive CTE out of scope', 'SELECT * FROM (WITH RECURSIVE secret(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM secret WHERE n < 3) SELECT 1), secret', NOT_FOUND],
    ['recurring. of a name that is no CTE', 'WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT n + 1 FROM recurring.secret) SELECT * FROM r', NOT_FOUND],
    ['recurring. of a CTE out of scope', 'WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT n + 1 FROM r WHERE n < 2) SELECT * FROM r, recurring.r', NOT_FOUND],
    ['CTE named like a system view, out of scope', 'SELECT * FROM (WITH duckdb_tables AS (SELECT 1) SELECT 1), duckdb_tables', NOT_FOUND],
    ['the internal CTE name, out of scope', 'SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x), __fgcte_1', NOT_FOUND],
    ['a CTE that takes the internal name', 'WITH __fgcte_2 AS (SELECT 1 AS v) SELECT * FROM __fgcte_2, secret', NOT_FOUND],
    ['CTE shadowing in a materialized CTE', 'WITH a AS MATERIALIZED (SELECT * FROM secret) SELECT * FROM a', NOT_FOUND],
    // DESCRIBE / SUMMARIZE / SHOW / PIVOT
    ['DESCRIBE', 'DESCRIBE secret', NOT_FOUND],
    ['SUMMARIZE', 'SUMMARIZE secret', NOT_FOUND],
    ['SHOW a frame', 'SHOW secret', NOT_FOUND],
    ['DESCRIBE in FROM', 'SELECT * FROM (DESCRIBE secret)', NOT_FOUND],
    ['SHOW TABLES', 'SHOW TABLES', REFUSED],
    ['SHOW ALL TABLES', 'SHOW ALL TABLES', REFUSED],
    ['SHOW DATABASES', 'SHOW DATABASES', REFUSED],
    ['DESCRIBE without a table', 'DESCRIBE', EITHER],
    ['PIVOT with IN list', "PIVOT secret ON v IN ('x') USING count(*)", NOT_FOUND],
    ['PIVOT that needs a catalog query', 'PIVOT secret ON v USING count(*)', REFUSED],
    ['UNPIVOT', 'UNPIVOT secret ON v INTO NAME n VALUE x', NOT_FOUND],
    ['PIVOT in FROM', "SELECT * FROM secret PIVOT (count(*) FOR v IN ('x'))", NOT_FOUND],
    // table functions
    ['query_table', "SELECT * FROM query_table('secret')", REFUSED],
    ['query_table of a list', "SELECT * FROM query_table(['secret', 'sales'])", REFUSED],
    ['query', "SELECT * FROM query('SELECT * FROM secret')", REFUSED],
    ['quoted, upper-case query', 'SELECT * FROM "QUERY"(\'SELECT * FROM secret\')', REFUSED],
    ['qualified table function', 'SELECT * FROM system.main.duckdb_tables()', REFUSED],
    ['glob', "SELECT * FROM glob('/*')", REFUSED],
    ['read_text', "SELECT * FROM read_text('/etc/hostname')", REFUSED],
    ['read_blob', () => `SELECT * FROM read_blob('${dbFile}')`, REFUSED],
    ['histogram table macro', 'SELECT * FROM histogram(secret, v)', REFUSED],
    ['sniff_csv', () => `SELECT * FROM sniff_csv('${dbFile}')`, REFUSED],
    ['read_csv of the database file', () => `SELECT * FROM read_csv('${dbFile}')`, REFUSED],
    ['read_parquet of the database file', () => `SELECT * FROM read_parquet('${dbFile}')`, REFUSED],
    ['read_csv of the WAL', () => `SELECT * FROM read_csv('${dbFile}.wal')`, REFUSED],
    ['READ_CSV_AUTO, upper case', () => `SELECT * FROM READ_CSV_AUTO('${dbFile}')`, REFUSED],
    ['glob over the data dir', () => `SELECT * FROM read_csv('${t.dataDir}/*')`, REFUSED],
    ['glob over every folder of the import dir', () => `SELECT * FROM read_csv('${join(t.dataDir, '..')}/*/*', all_varchar = true)`, REFUSED],
    ['recursive glob', () => `SELECT * FROM read_csv('${join(t.dataDir, '..')}/**', all_varchar = true)`, REFUSED],
    ['.. into the data dir', () => `SELECT * FROM read_csv('${join(t.dataDir, '..')}/links/../data/frames.duckdb')`, REFUSED],
    ['symlink to the database file', () => `SELECT * FROM read_csv('${join(t.dataDir, '..', 'links', 'db.csv')}')`, REFUSED],
    ['symlink to the data dir', () => `SELECT * FROM read_csv('${join(t.dataDir, '..', 'links', 'datadir', 'frames.duckdb')}')`, REFUSED],
    ['glob that matches a symlink to the database file', () => `SELECT * FROM read_csv('${join(t.dataDir, '..', 'links')}/*.csv', all_varchar = true)`, REFUSED],
    ['hard link to the database file', () => `SELECT * FROM read_csv('${join(t.dataDir, '..', 'hard.csv')}', all_varchar = true)`, REFUSED],
    ['list with one good and one bad file', () => `SELECT * FROM read_csv(['${join(t.dataDir, '..', 'ok.csv')}', '${dbFile}'])`, REFUSED],
    ['relative path', "SELECT * FROM read_csv('data/frames.duckdb')", REFUSED],
    ['file URL', () => `SELECT * FROM read_csv('file://${dbFile}')`, REFUSED],
    ['computed path', "SELECT * FROM read_csv('/' || 'etc/passwd')", REFUSED],
    ['path after a named option', () => `SELECT * FROM read_csv(header = true, '${dbFile}')`, REFUSED],
    ['path in a named option before the real one', () => `SELECT * FROM read_csv(sep := '${join(t.dataDir, '..', 'ok.csv')}', '${dbFile}')`, REFUSED],
    ['second positional path', () => `SELECT * FROM read_csv('${join(t.dataDir, '..', 'ok.csv')}', '${dbFile}')`, REFUSED],
    ['cast path', () => `SELECT * FROM read_csv('${dbFile}'::VARCHAR)`, REFUSED],
    ['concatenated lists', () => `SELECT * FROM read_csv(['${join(t.dataDir, '..', 'ok.csv')}'] || ['${dbFile}'])`, REFUSED],
    ['file reader in LATERAL', () => `SELECT * FROM read_csv('${join(t.dataDir, '..', 'ok.csv')}') t(a), LATERAL read_csv('${dbFile}')`, REFUSED],
    ['path from the environment', "SELECT * FROM read_csv_auto(getenv('HOME'))", REFUSED],
    ['/proc', "SELECT * FROM read_csv('/proc/self/environ')", REFUSED],
    ['replacement scan of the database file', () => `SELECT * FROM '${dbFile}'`, NOT_FOUND],
    // catalog functions and views
    ['duckdb_tables()', 'SELECT * FROM duckdb_tables()', REFUSED],
    ['duckdb_views()', 'SELECT * FROM duckdb_views()', REFUSED],
    ['duckdb_databases()', 'SELECT * FROM duckdb_databases()', REFUSED],
    ['duckdb_settings()', 'SELECT * FROM duckdb_settings()', REFUSED],
    ['duckdb_secrets() in a subquery', 'SELECT x FROM (SELECT * FROM duckdb_secrets()) t(x)', REFUSED],
    ['duckdb_tables view', 'SELECT * FROM duckdb_tables', NOT_FOUND],
    ['information_schema.tables', 'SELECT * FROM information_schema.tables', NOT_FOUND],
    ['information_schema.columns', 'SELECT * FROM information_schema.columns', NOT_FOUND],
    ['pg_catalog.pg_class', 'SELECT * FROM pg_catalog.pg_class', NOT_FOUND],
    ['pg_tables', 'SELECT * FROM pg_tables', NOT_FOUND],
    ['sqlite_master', 'SELECT * FROM sqlite_master', NOT_FOUND],
    ['pragma_table_info', "SELECT * FROM pragma_table_info('secret')", REFUSED],
    ['pragma_storage_info', "SELECT * FROM pragma_storage_info('secret')", REFUSED],
    ['pragma_database_list', 'SELECT * FROM pragma_database_list', NOT_FOUND],
    ['current_setting', "SELECT current_setting('allowed_directories')", REFUSED],
    ['getenv', "SELECT getenv('HOME')", REFUSED],
    ['format_type (reads the catalog)', 'SELECT format_type(1, 1)', REFUSED],
    ['qualified scalar function', "SELECT system.main.getenv('HOME')", REFUSED],
    // internal storage names, even when known
    ['_fg.<id>', () => `SELECT * FROM _fg.${secret.storage}`, NOT_FOUND],
    ['"_fg"."<id>"', () => `SELECT * FROM "_fg"."${secret.storage}"`, NOT_FOUND],
    ['frames._fg.<id>', () => `SELECT * FROM frames._fg.${secret.storage}`, REFUSED],
    ['"frames"."_fg"."<id>"', () => `SELECT * FROM "frames"."_fg"."${secret.storage}"`, REFUSED],
    ['bare <id>', () => `SELECT * FROM ${secret.storage}`, NOT_FOUND],
    ['main.<id>', () => `SELECT * FROM main."${secret.storage}"`, NOT_FOUND],
    ['frames.main.<id>', () => `SELECT * FROM frames.main.${secret.storage}`, REFUSED],
    ['_fg.versions', 'SELECT * FROM _fg.versions', NOT_FOUND],
    ['memory.main.x', 'SELECT * FROM memory.main.x', REFUSED],
    ['another session\'s result', () => `SELECT * FROM _fgmem.${otherResult}`, NOT_FOUND],
    ['another session\'s result, qualified', () => `SELECT * FROM _fgmem.main.${otherResult}`, REFUSED],
    ['temp.main', 'SELECT * FROM temp.main.x', REFUSED],
    ['temp', 'SELECT * FROM temp.x', NOT_FOUND],
    ['system.main', 'SELECT * FROM system.main.duckdb_tables', REFUSED],
    ['system', 'SELECT * FROM system.duckdb_tables', NOT_FOUND],
    ['json_deserialize_sql', () => `SELECT json_deserialize_sql(json_serialize_sql('SELECT * FROM _fg.${secret.storage}'))`, REFUSED],
    ['query over json_deserialize_sql', () => `SELECT * FROM query(json_deserialize_sql(json_serialize_sql('SELECT 1')))`, REFUSED],
    // statements that are not one SELECT
    ['CREATE MACRO', 'CREATE MACRO m() AS TABLE SELECT * FROM secret', REFUSED],
    ['CREATE TEMP MACRO', "CREATE TEMP MACRO m(x) AS current_setting(x)", REFUSED],
    ['CREATE TABLE', 'CREATE TABLE x AS SELECT 1', REFUSED],
    ['CREATE VIEW over storage', () => `CREATE VIEW v AS SELECT * FROM _fg.${secret.storage}`, REFUSED],
    ['COPY', "COPY (SELECT 1) TO '/tmp/fg-copy.csv'", REFUSED],
    ['COPY a table', () => `COPY _fg.${secret.storage} TO '/tmp/fg-copy.csv'`, REFUSED],
    ['ATTACH', () => `ATTACH '${dbFile}' AS again`, REFUSED],
    ['DETACH', 'DETACH _fgmem', REFUSED],
    ['EXPORT DATABASE', "EXPORT DATABASE '/tmp/fg-export'", REFUSED],
    ['PRAGMA', 'PRAGMA show_tables', REFUSED],
    ['SET', "SET search_path = '_fg'", REFUSED],
    ['SET VARIABLE', "SET VARIABLE x = 'y'", REFUSED],
    ['RESET', 'RESET lock_configuration', REFUSED],
    ['CALL', 'CALL pragma_version()', REFUSED],
    ['USE', 'USE _fgmem', REFUSED],
    ['LOAD', 'LOAD httpfs', REFUSED],
    ['INSTALL', 'INSTALL httpfs', REFUSED],
    ['INSERT', "INSERT INTO secret VALUES (1, 'x')", REFUSED],
    ['UPDATE', "UPDATE secret SET v = 'x'", REFUSED],
    ['DELETE', 'DELETE FROM secret', REFUSED],
    ['DROP', () => `DROP TABLE _fg.${secret.storage}`, REFUSED],
    ['ALTER', () => `ALTER TABLE _fg.${secret.storage} RENAME TO sales2`, REFUSED],
    ['EXPLAIN', 'EXPLAIN SELECT * FROM secret', REFUSED],
    ['EXPLAIN ANALYZE', 'EXPLAIN ANALYZE SELECT * FROM secret', REFUSED],
    ['PREPARE', 'PREPARE p AS SELECT * FROM secret', REFUSED],
    ['EXECUTE', 'EXECUTE p', REFUSED],
    ['BEGIN', 'BEGIN TRANSACTION', REFUSED],
    ['CHECKPOINT', 'CHECKPOINT', REFUSED],
    ['VACUUM', 'VACUUM', REFUSED],
    // several statements
    ['two SELECTs', 'SELECT 1; SELECT * FROM secret', REFUSED],
    ['SELECT then CREATE', 'SELECT * FROM sales; CREATE VIEW sales AS SELECT * FROM secret', REFUSED],
    ['empty statement between', 'SELECT * FROM sales;; SELECT * FROM secret', REFUSED],
    ['statement after a comment', 'SELECT 1 -- comment\n; SELECT * FROM secret', REFUSED],
  ];

  for (const [label, sql, kinds] of cases) {
    test(`refused: ${label}`, async () => {
      await refusedWithoutData(typeof sql === 'function' ? sql() : sql, kinds);
    });
  }

  test('refused: windows and exports of another session\'s result', async () => {
    await rejectsWith(session.window({ source: { kind: 'result', id: otherResult }, offset: 0, limit: 1 }), 'ResultNotFound');
    await rejectsWith(session.export({ kind: 'result', id: otherResult }), 'ResultNotFound');
    await rejectsWith(session.storeResult('t_00000000000000ab', otherResult), 'ResultNotFound');
  });

  test('refused: select requests naming a refused frame, or one in the filter', async () => {
    await rejectsWith(session.runSelect({ from: { name: 'secret', text: 'secret' } }, resolve), 'FrameNotFound');
    await rejectsWith(session.runSelect({ from: { name: 'sales', text: 'sales' }, filter: 'id IN (SELECT id FROM secret)' }, resolve), 'FrameNotFound');
    await rejectsWith(session.runSelect({ from: { name: 'sales', text: 'sales' }, filter: "id IN (SELECT 1 FROM query('SELECT 1'))" }, resolve), 'SqlRefused');
    await rejectsWith(session.runSelect({ from: { name: 'sales', text: 'sales' }, filter: '1=1); DROP TABLE sales; SELECT (1' }, resolve), 'SqlRefused');
    await rejectsWith(session.runSelect({ from: { name: 'sales', text: 'sales' }, filter: `1=1) UNION ALL SELECT * FROM _fg.${secret.storage} WHERE (1=1` }, resolve), 'FrameNotFound');
  });

  test('nothing was stored or left behind by the refused statements', async () => {
    const ids = await t.engine.listStorage();
    assert.ok(!ids.includes('t_00000000000000aa'));
    // The refused frame's data is intact and still refused; the engine's settings still hold.
    const r = await other.runSql('SELECT count(*) AS n FROM secret', t.catalog.resolver());
    assert.equal(decode((await other.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 })).ipc).get(0)!.n, 3n);
  });

  describe('allowed', () => {
    async function rows(sql: string): Promise<Record<string, unknown>[]> {
      const r = await session.runSql(sql, resolve);
      const table = decode((await session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1000 })).ipc);
      session.closeResult(r.id);
      return table.toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
    }

    test('a CTE that shadows a refused frame is the CTE, and the frame is never asked for', async () => {
      const asked = t.catalog.asked.length;
      assert.deepEqual(await rows('WITH secret AS (SELECT 42 AS v) SELECT v FROM secret'), [{ v: 42 }]);
      assert.deepEqual(await rows('WITH SECRET AS (SELECT 42 AS v) SELECT secret.v FROM "Secret"'), [{ v: 42 }]);
      assert.ok(!t.catalog.asked.slice(asked).some((ref) => ref.name.toLowerCase() === 'secret'));
    });

    test('CTEs: chained, nested, recursive, shadowing an outer one', async () => {
      assert.deepEqual(await rows('WITH a AS (SELECT id FROM sales WHERE id < 3), b AS (SELECT id * 2 AS d FROM a) SELECT d FROM b ORDER BY d'), [{ d: 0n }, { d: 2n }, { d: 4n }]);
      assert.deepEqual(await rows('WITH a AS (SELECT 1 AS x) SELECT (WITH a AS (SELECT 2 AS x) SELECT x FROM a) AS inner_x, (SELECT x FROM a) AS outer_x'), [{ inner_x: 2, outer_x: 1 }]);
      assert.deepEqual(await rows('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 4) SELECT sum(n)::BIGINT AS s FROM r'), [{ s: 10n }]);
      assert.deepEqual(await rows('WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT n + 1 FROM r WHERE n < 3) SELECT count(*) AS c FROM r'), [{ c: 3n }]);
      assert.deepEqual(
        await rows('WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT r.n + 1 FROM r, recurring.r AS prev WHERE r.n < 3 AND prev.n = r.n) SELECT max(n) AS m FROM r'),
        [{ m: 3 }],
      );
      assert.deepEqual(await rows('WITH sales AS (SELECT 7 AS id) SELECT id FROM sales'), [{ id: 7 }]);
    });

    test('joins of two allowed frames, aliases, alias.column and frame.column', async () => {
      assert.deepEqual(await rows('SELECT s.id, o.score FROM sales s JOIN other AS o ON s.id = o.id WHERE o.id < 2 ORDER BY 1'), [
        { id: 0n, score: 0n },
        { id: 1n, score: 10n },
      ]);
      assert.deepEqual(await rows('SELECT sales.name, other.score FROM sales, other WHERE sales.id = other.id AND other.id = 3'), [{ name: 'v2-3', score: 30n }]);
      assert.deepEqual(await rows('SELECT notes.body, n2.id AS i FROM ALICE.Notes, alice.notes AS n2'), [{ body: 'note', i: 1 }]);
    });

    test('versions: name@n and AT (VERSION => n), latest otherwise', async () => {
      assert.deepEqual(await rows('SELECT count(*) AS n FROM sales'), [{ n: 20n }]);
      assert.deepEqual(await rows('SELECT count(*) AS n, max("sales@1".name) AS m FROM "sales@1"'), [{ n: 10n, m: 'r9' }]);
      assert.deepEqual(await rows('SELECT count(*) AS n, max(sales.name) AS m FROM sales AT (VERSION => 1)'), [{ n: 10n, m: 'r9' }]);
      assert.deepEqual(await rows('SELECT (SELECT count(*) FROM sales AT (VERSION => 2)) - (SELECT count(*) FROM "sales@1") AS d'), [{ d: 10n }]);
      await rejectsWith(session.runSql('SELECT * FROM "sales@3"', resolve), 'FrameNotFound');
      await rejectsWith(session.runSql('SELECT * FROM "sales@1" AT (VERSION => 1)', resolve), 'InvalidSql', /twice/);
      await rejectsWith(session.runSql('SELECT * FROM sales AT (TIMESTAMP => now())', resolve), 'InvalidSql');
    });

    test('FROM and TABLE shorthands, DESCRIBE, SUMMARIZE, PIVOT, UNPIVOT, LATERAL, set operations', async () => {
      assert.equal((await rows('FROM sales LIMIT 3')).length, 3);
      assert.equal((await rows('TABLE other')).length, 5);
      assert.deepEqual((await rows('DESCRIBE sales')).map((r) => r.column_name), ['id', 'name', 'amount']);
      assert.equal((await rows('SUMMARIZE other')).length, 2);
      assert.deepEqual(await rows("PIVOT other ON id IN (1, 2) USING max(score)"), [{ '1': 10n, '2': 20n }]);
      assert.equal((await rows('UNPIVOT other ON id, score INTO NAME k VALUE val')).length, 10);
      assert.equal((await rows('SELECT * FROM other o, LATERAL (SELECT o.score + 1 AS s1) l')).length, 5);
      assert.equal((await rows('SELECT id FROM sales UNION SELECT id FROM other')).length, 20);
      assert.equal((await rows('SELECT id FROM sales INTERSECT SELECT id FROM other')).length, 5);
      assert.equal((await rows('SELECT id FROM sales EXCEPT SELECT id FROM other')).length, 15);
    });

    test('literals survive the round trip: decimals, uint64, TABLESAMPLE, strings with quotes and semicolons', async () => {
      const literals = await rows("SELECT 10.0 AS d, 18446744073709551615::UBIGINT AS u, 'x; SELECT * FROM secret' AS s, 'it''s' AS q");
      // 10.0 is DECIMAL(3,1): the unscaled 100 comes back exact.
      assert.deepEqual(
        literals.map((r) => ({ ...r, d: String(r.d) })),
        [{ d: '100', u: 18446744073709551615n, s: 'x; SELECT * FROM secret', q: "it's" }],
      );
      assert.equal((await rows('SELECT * FROM sales TABLESAMPLE 100.0%')).length, 20);
      assert.equal((await rows('SELECT * FROM sales USING SAMPLE 10.0 ROWS')).length, 10);
      assert.deepEqual(await rows('SELECT count(*) AS n FROM sales -- ; SELECT * FROM secret'), [{ n: 20n }]);
    });

    test('errors quote the client\'s SQL, never the rewritten one', async () => {
      const bindError = await rejectsWith(session.runSql('WITH x AS (SELECT 1 AS a) SELECT nope FROM sales, x', resolve), 'InvalidSql', /nope/);
      assert.doesNotMatch(bindError.message, /frames\._fg|__fgcte|t_[0-9a-f]{16}|LINE/);
      const parseError = await rejectsWith(session.runSql('SELECT * FROM sales WHERE id = (1', resolve), 'InvalidSql');
      assert.match(parseError.message, /syntax error/);
    });

    test('file readers inside the import dir, globs expanded to checked files', async () => {
      const dir = join(t.dataDir, '..');
      assert.equal((await rows(`SELECT * FROM read_csv('${dir}/ok.csv')`)).length, 2);
      assert.equal((await rows(`SELECT * FROM read_csv('${dir}/ok*.csv')`)).length, 3);
      assert.equal((await rows(`SELECT * FROM read_csv(['${dir}/ok.csv', '${dir}/ok2.csv'])`)).length, 3);
      await rejectsWith(session.runSql(`SELECT * FROM read_csv('${dir}/none*.csv')`, resolve), 'FileNotFound');
    });
  });
});
