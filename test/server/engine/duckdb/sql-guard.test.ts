/** The guard's node checks, on hand-made parse-tree nodes in DuckDB's shape. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkFunction, checkShowRef, checkTableFunction, constantPaths, fileReaderPathArgument, leadingKeyword, type JsonObject } from '../../../../server/engine/duckdb/sql-guard';

const constant = (value: string): JsonObject => ({ class: 'CONSTANT', value: { type: { id: 'VARCHAR', type_info: null }, is_null: false, value } });
const fn = (function_name: string, extra: JsonObject = {}): JsonObject => ({ class: 'FUNCTION', function_name, schema: '', catalog: '', children: [], ...extra });

describe('sql guard', () => {
  test('leading keyword, past comments and parentheses', () => {
    assert.equal(leadingKeyword('  -- hi\n /* x */ (insert into t values (1))'), 'INSERT');
    assert.equal(leadingKeyword(''), 'an empty statement');
  });

  test('table functions: the allow-list only, never qualified', () => {
    assert.equal(checkTableFunction(fn('READ_CSV')), 'read_csv');
    assert.throws(() => checkTableFunction(fn('query_table')), /query_table\(\) is not allowed/);
    assert.throws(() => checkTableFunction(fn('range', { schema: 'main' })), /qualified/);
  });

  test('scalar functions: settings, environment, catalog and SQL-text functions refused', () => {
    checkFunction(fn('lower'));
    checkFunction(fn('lower', { schema: 'main' }));
    for (const name of ['current_setting', 'GETENV', 'duckdb_tables', 'pragma_version', 'pg_typeof', 'json_deserialize_sql', 'format_type']) {
      assert.throws(() => checkFunction(fn(name)), /not allowed/, name);
    }
    assert.throws(() => checkFunction(fn('lower', { catalog: 'system' })), /qualified/);
  });

  test('file paths: a constant or a list of constants, nothing computed', () => {
    assert.deepEqual(constantPaths(constant('/a.csv')), ['/a.csv']);
    assert.deepEqual(constantPaths(fn('list_value', { children: [constant('/a'), constant('/b')] })), ['/a', '/b']);
    assert.equal(constantPaths(fn('concat', { children: [constant('/a'), constant('b')] })), null);
    assert.equal(constantPaths(fn('list_value', { children: [constant('/a'), fn('getenv')] })), null);
    assert.equal(constantPaths(undefined), null);
  });

  test('file readers: one path first, then named options only', () => {
    const named = (alias: string): JsonObject => ({ ...constant('x'), alias });
    const comparison: JsonObject = { class: 'COMPARISON', left: { class: 'COLUMN_REF', column_names: ['header'] }, right: constant('true') };
    assert.deepEqual(fileReaderPathArgument('read_csv', fn('read_csv', { children: [constant('/a'), named('sep'), comparison] })), constant('/a'));
    for (const children of [[], [named('sep'), constant('/a')], [comparison, constant('/a')], [constant('/a'), constant('/b')]]) {
      assert.throws(() => fileReaderPathArgument('read_csv', fn('read_csv', { children })), /one file path/);
    }
  });

  test('SHOW of anything but a query is refused', () => {
    checkShowRef({ type: 'SHOW_REF', table_name: '', query: { type: 'SELECT_NODE' } });
    assert.throws(() => checkShowRef({ type: 'SHOW_REF', table_name: '"tables"', query: null }), /not allowed/);
    assert.throws(() => checkShowRef({ type: 'SHOW_REF', table_name: 'x', query: { type: 'SELECT_NODE' } }), /not allowed/);
  });
});
