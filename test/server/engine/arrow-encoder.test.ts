/** The Arrow encoder: a window encoded the fast way is byte for byte the stream writer's output. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { encodeIpc, encodeWindowIpc } from '../../../server/engine/arrow-encoder';
import type { ColumnBatch, ColumnField } from '../../../server/engine/columns';

function batch(rows: number): ColumnBatch {
  const fields: ColumnField[] = [
    { name: 'i', kind: 'int64' },
    { name: 's', kind: 'utf8' },
    { name: 'b', kind: 'bool' },
    { name: 'f', kind: 'float32' },
    { name: 'd', kind: 'date32' },
  ];
  const text = Array.from({ length: rows }, (_, r) => `value ${r}`);
  const offsets = new Int32Array(rows + 1);
  text.forEach((t, r) => (offsets[r + 1] = offsets[r]! + t.length));
  const validity = new Uint8Array(Math.ceil(rows / 8)).fill(0xff);
  for (let r = 0; r < rows; r += 3) validity[r >>> 3]! &= ~(1 << (r & 7));
  return {
    fields,
    rowCount: rows,
    columns: [
      { kind: 'int64', values: new Uint8Array(BigInt64Array.from({ length: rows }, (_, r) => BigInt(r) * 1_000_000_007n).buffer), validity },
      { kind: 'utf8', offsets, data: new TextEncoder().encode(text.join('')), validity: null },
      { kind: 'bool', values: Uint8Array.from({ length: rows }, (_, r) => r % 2), validity },
      { kind: 'float32', values: new Uint8Array(Float32Array.from({ length: rows }, (_, r) => r / 4).buffer), validity: null },
      { kind: 'date32', values: new Uint8Array(Int32Array.from({ length: rows }, (_, r) => 19_000 + r).buffer), validity },
    ],
  };
}

test('a window encoded with the cached schema is the stream writer’s bytes, for any row count', () => {
  for (const rows of [0, 1, 7, 1000, 1001]) {
    const b = batch(rows);
    const fast = encodeWindowIpc(b.fields, b);
    assert.deepEqual(Buffer.from(fast), Buffer.from(encodeIpc(b.fields, [b])), `${rows} rows`);
    const decoded = tableFromIPC(fast);
    assert.equal(decoded.numRows, rows);
    if (rows > 4) assert.deepEqual(decoded.get(4)!.toJSON(), { i: 4_000_000_028n, s: 'value 4', b: false, f: 1, d: 19_004 * 86_400_000 });
  }
});
