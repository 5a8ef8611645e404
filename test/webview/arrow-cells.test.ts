import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bool, DateDay, Decimal, Field, Float64, Int32, Int64, List, makeData, Table, tableToIPC, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { decodeWindow, scaleDecimal, windowBytes } from '../../webview/arrow-cells';

test('decodeWindow turns Arrow IPC into column-major raw cells and column kinds', () => {
  const table = new Table({
    id: vectorFromArray([1n, 9007199254740993n, null], new Int64()),
    day: vectorFromArray([new Date('2024-03-05T00:00:00Z'), null, new Date('1999-12-31T00:00:00Z')], new DateDay()),
    at: vectorFromArray([new Date('2024-03-05T06:07:08.123Z'), null, null], new TimestampMicrosecond()),
    name: vectorFromArray(['a', null, 'c'], new Utf8()),
    ok: vectorFromArray([true, false, null], new Bool()),
    x: vectorFromArray([1.5, null, -2], new Float64()),
  });
  const decoded = decodeWindow(tableToIPC(table, 'stream'));
  assert.equal(decoded.rows, 3);
  assert.deepEqual(decoded.names, ['id', 'day', 'at', 'name', 'ok', 'x']);
  assert.deepEqual(decoded.columns, [
    ['1', '9007199254740993', null],
    [Date.UTC(2024, 2, 5), null, Date.UTC(1999, 11, 31)],
    [Date.UTC(2024, 2, 5, 6, 7, 8, 123), null, null],
    ['a', null, 'c'],
    [true, false, null],
    [1.5, null, -2],
  ]);
  assert.deepEqual(decoded.kinds, [
    { kind: 'integer' },
    { kind: 'date' },
    { kind: 'timestamp', zone: null },
    { kind: 'text' },
    { kind: 'boolean' },
    { kind: 'float' },
  ]);
});

test('timestamps with a zone keep it; lists are kept as their exact JSON', () => {
  const at = new Date('2024-03-05T06:07:08Z');
  const zoned = vectorFromArray([at], new TimestampMicrosecond('UTC'));
  const list = vectorFromArray([['a', null], null], new List(new Field('item', new Utf8(), true)));
  const decoded = decodeWindow(tableToIPC(new Table({ at: zoned, tags: list, n: vectorFromArray([1, 2], new Int32()) }), 'stream'));
  assert.deepEqual(decoded.kinds.slice(0, 2), [{ kind: 'timestamp', zone: 'UTC' }, { kind: 'nested' }]);
  assert.deepEqual(decoded.columns[1], ['["a",null]', null]);
});

test('decimals keep their exact digits', () => {
  // 12345 and -7 at scale 2, as 128-bit little-endian words.
  const words = new Uint32Array([12345, 0, 0, 0, (-7 >>> 0), 0xffffffff, 0xffffffff, 0xffffffff]);
  const data = makeData({ type: new Decimal(2, 18, 128), length: 2, data: words });
  const decoded = decodeWindow(tableToIPC(new Table({ price: data as never }), 'stream'));
  assert.deepEqual(decoded.columns, [['123.45', '-0.07']]);
  assert.equal(scaleDecimal('5', 3), '0.005');
  assert.equal(scaleDecimal('-123', 0), '-123');
});

test('an empty window decodes to empty columns', () => {
  const table = new Table({ a: vectorFromArray([] as number[], new Float64()) });
  const decoded = decodeWindow(tableToIPC(table, 'stream'));
  assert.deepEqual(decoded, { names: ['a'], kinds: [{ kind: 'float' }], columns: [[]], rows: 0 });
});

test('window bytes must arrive as bytes of an Arrow stream, never silently as nothing', () => {
  const ipc = tableToIPC(new Table({ a: vectorFromArray([1, 2], new Float64()) }), 'stream');
  assert.equal(windowBytes(ipc), ipc);
  assert.deepEqual(decodeWindow(ipc.slice().buffer).columns, [[1, 2]]);
  // What JSON does to a Node Buffer (the bug VS Code's message serialization exposes).
  assert.throws(() => decodeWindow(JSON.parse(JSON.stringify(Buffer.from(ipc)))), /arrived as \[object Object\] \{"type":"Buffer"/);
  assert.throws(() => decodeWindow(undefined), /arrived as undefined/);
  assert.throws(() => decodeWindow(new Uint8Array([1, 2, 3, 4])), /not an Arrow IPC stream|Arrow|offset|length/i);
});
