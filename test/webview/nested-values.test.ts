/**
 * Nested cells in the grid: DuckDB's own Arrow export of lists, structs, maps, arrays and unions
 * (test/fixtures/nested) decoded as the grid decodes windows, shown compactly, copied as exact
 * JSON (the tree they expand into: grid-dom.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWindow } from '../../webview/arrow-cells';
import { columnFormatter } from '../../webview/format';
import { compactNested, parseNested } from '../../webview/nested-values';
import { referenceBytes } from '../support/nested-reference';

const decoded = decodeWindow(referenceBytes());
const column = (name: string) => decoded.columns[decoded.names.indexOf(name)]!;
const kind = (name: string) => decoded.kinds[decoded.names.indexOf(name)]!;
const display = (name: string) => column(name).map((v) => columnFormatter(kind(name), column(name)).display(v));
const plain = (name: string) => column(name).map((v) => columnFormatter(kind(name), column(name)).plain(v));

test('nested columns show compactly, strings quoted, NULL for nulls', () => {
  for (const name of ['l', 's', 'm', 'arr', 'ls', 'll', 'md', 'sx', 'un']) assert.deepEqual(kind(name), { kind: 'nested' }, name);
  assert.deepEqual(display('l'), ['[0, 1]', '[1, 2]', 'NULL']);
  assert.deepEqual(display('s'), ["{a: 0, b: 'x0'}", "{a: 1, b: 'x1'}", "{a: 2, b: 'x2'}"]);
  assert.deepEqual(display('m'), ['{k: 0, j: NULL}', 'NULL', '{k: 2, j: NULL}']);
  assert.deepEqual(display('arr'), ['[0, 0, 0]', '[1, 1, 1]', '[2, 2, 2]']);
  assert.deepEqual(display('ls')[0], '[{p: 1.5, q: [0]}, NULL]');
  assert.deepEqual(display('ll')[0], '[[1], [2, 3], NULL]');
  assert.deepEqual(display('md')[0], '{k: [1.25]}');
  assert.deepEqual(display('un'), ['0', "'z'", '2']);
});

test('copies of nested cells are exact JSON: every digit of big integers and decimals, zoned times in ISO', () => {
  assert.deepEqual(plain('l'), ['[0,1]', '[1,2]', '']);
  assert.equal(plain('md')[0], '{"k":[1.25]}');
  // 9007199254740993 is past 2^53: JSON.parse would round it; the text keeps it.
  assert.equal(plain('sx')[0], '{"when":"2024-06-01T00:00:00.123Z","big":9007199254740993}');
  assert.equal(compactNested(parseNested(plain('sx')[0]!)), "{when: '2024-06-01T00:00:00.123Z', big: 9007199254740993}");
});
