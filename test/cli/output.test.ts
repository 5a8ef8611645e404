/** The CLI's value conversion and output modes, on Arrow built with apache-arrow itself. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DateDay,
  Decimal,
  Int64,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  TimeMicrosecond,
  TimestampMicrosecond,
  vectorFromArray,
} from 'apache-arrow';
import { Output, type OutputTarget } from '../../cli/output';
import { decodeArrowRows } from '../../cli/values';
import { parseSortKey } from '../../cli/commands/frames';
import type { FrameInfo } from '../../protocol';

function capture(isTTY = false): OutputTarget & { text: string } {
  return {
    text: '',
    isTTY,
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

/** A DECIMAL(18,2) vector from unscaled integers (128-bit little-endian words). */
function decimals(unscaled: bigint[]): ReturnType<typeof makeVector> {
  const words = new Uint32Array(unscaled.length * 4);
  unscaled.forEach((value, i) => {
    let v = BigInt.asUintN(128, value);
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(v & 0xffffffffn);
      v >>= 32n;
    }
  });
  return makeVector(makeData({ type: new Decimal(2, 18, 128), length: unscaled.length, data: words }));
}

test('Arrow values become JSON-safe: big integers as strings, dates/times ISO, decimals exact', () => {
  const table = new Table({
    small: vectorFromArray([1n, -2n], new Int64()),
    huge: vectorFromArray([2n ** 60n, null], new Int64()),
    day: vectorFromArray([new Date('2024-02-29T00:00:00Z'), null], new DateDay()),
    at: vectorFromArray([Date.UTC(2024, 0, 2, 3, 4, 5, 678), null], new TimestampMicrosecond()),
    clock: vectorFromArray([3_723_250_000n, 0n], new TimeMicrosecond()),
    money: decimals([12345n, -5n]),
  });
  const { columns, rows } = decodeArrowRows(tableToIPC(table, 'stream'));
  assert.deepEqual(columns, ['small', 'huge', 'day', 'at', 'clock', 'money']);
  assert.deepEqual(rows, [
    { small: 1, huge: '1152921504606846976', day: '2024-02-29', at: '2024-01-02T03:04:05.678Z', clock: '01:02:03.25', money: '123.45' },
    { small: -2, huge: null, day: null, at: null, clock: '00:00:00', money: '-0.05' },
  ]);
});

test('--json prints exactly one JSON document on one line; tables otherwise', () => {
  const frame: FrameInfo = {
    kind: 'frame',
    name: 'alice.sales',
    namespace: 'alice',
    owner: 'alice',
    columns: [
      { name: 'id', type: 'BIGINT' },
      { name: 'region', type: 'VARCHAR' },
    ],
    rowCount: 1234567,
    createdAt: '2026-01-01T00:00:00.000Z',
    version: 3,
    versionCount: 3,
    author: 'alice',
    source: 'SELECT 1',
    bytes: 2_500_000,
    storedBytes: 7_000_000,
    scope: 'shared',
    sharedBy: 'alice',
    published: false,
    canWrite: false,
    canManage: false,
  };
  const json = capture();
  new Output(true, json).frames([frame]);
  assert.equal(json.text.split('\n').length, 2);
  assert.deepEqual(JSON.parse(json.text), { frames: [frame] });

  const human = capture();
  new Output(false, human).frames([frame]);
  assert.match(human.text, /^Shared with me\n/);
  assert.match(human.text, /alice\.sales/);
  assert.match(human.text, /1,234,567/);
  // No colour codes when stdout is not a terminal.
  assert.doesNotMatch(human.text, /\x1b\[/);

  const rows = capture();
  new Output(false, rows).rows({ columns: ['id', 'region'], rows: [{ id: 7, region: null }] }, { rowCount: 10, offset: 6, columns: frame.columns });
  assert.match(rows.text, /│\s+7 │ NULL\s+│/);
  assert.match(rows.text, /rows 7–7 of 10\n$/);

  const empty = capture();
  new Output(false, empty).frames([]);
  assert.match(empty.text, /^no frames you can see/);
});

test('--sort accepts COLUMN, COLUMN:desc and COLUMN:asc', () => {
  assert.deepEqual(parseSortKey('amount'), { column: 'amount', descending: false });
  assert.deepEqual(parseSortKey('amount:desc'), { column: 'amount', descending: true });
  assert.deepEqual(parseSortKey('amount:ASC'), { column: 'amount', descending: false });
  assert.deepEqual(parseSortKey('a:b'), { column: 'a:b', descending: false });
  assert.throws(() => parseSortKey(':desc'), /--sort expects/);
});
