/** The Arrow encoder writes byte for byte what apache-arrow's stream writer writes for the same rows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordBatchFileReader, RecordBatchReader, RecordBatchStreamWriter, tableFromIPC, type Decimal, type Table } from 'apache-arrow';
import { arrowSchema, encodeColumnsIpc, encodeIpc, encodeIpcFileParts, encodeIpcParts, toRecordBatch } from '../../../server/engine/arrow-encoder';
import type { ColumnBatch, ColumnData, ColumnField } from '../../../server/engine/columns';
import { materialize, pickedColumn, placeRows, runColumn } from '../../../server/engine/row-slices';

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

/** What apache-arrow's own stream writer makes of these batches. */
function writerBytes(fields: ColumnField[], batches: ColumnBatch[]): Buffer {
  const schema = arrowSchema(fields);
  return Buffer.from(RecordBatchStreamWriter.writeAll(batches.map((b) => toRecordBatch(schema, b))).toUint8Array(true));
}

test('whole streams and streams in parts are the stream writer’s bytes, for any row count', async () => {
  for (const rows of [0, 1, 7, 1000, 1001]) {
    const b = batch(rows);
    assert.deepEqual(Buffer.from(encodeIpc(b.fields, [b, batch(3)])), writerBytes(b.fields, [b, batch(3)]), `${rows} rows`);
    const parts: Uint8Array[] = [];
    const batches = async function* (): AsyncGenerator<ColumnBatch> {
      yield* [b, batch(5)];
      await Promise.resolve();
    };
    for await (const part of encodeIpcParts(b.fields, batches())) parts.push(part);
    assert.equal(parts.length, 4, 'schema, two batches, end');
    assert.deepEqual(Buffer.concat(parts), writerBytes(b.fields, [b, batch(5)]));
    const decoded = tableFromIPC(encodeIpc(b.fields, [b]));
    assert.equal(decoded.numRows, rows);
    if (rows > 4) assert.deepEqual(decoded.get(4)!.toJSON(), { i: 4_000_000_028n, s: 'value 4', b: false, f: 1, d: 19_004 * 86_400_000 });
  }
});

test('window columns written straight into the body are the stream writer’s bytes for the same rows', () => {
  const whole = batch(3000);
  const blockOf = (b: number, column: number) => sliceBlock(whole, column, b * 1000, 1000);
  const fields = whole.fields;
  // A run across two blocks, and rows picked out of all three.
  const run = fields.map((_, c) => runColumn([
    { column: blockOf(0, c), from: 700, rows: 300 },
    { column: blockOf(1, c), from: 0, rows: 450 },
  ]));
  assert.deepEqual(Buffer.from(encodeColumnsIpc(fields, run, 750)), writerBytes(fields, [{ fields, rowCount: 750, columns: run.map(materialize) }]));
  const rowids = Uint32Array.from([2999, 0, 1500, 3, 2001, 999, 1000]);
  const placement = placeRows(rowids, 1000, 3);
  const picked = fields.map((f, c) => pickedColumn(f.kind, placement.blocks.map((b) => blockOf(b, c)), placement.slot, placement.inBlock));
  const bytes = encodeColumnsIpc(fields, picked, rowids.length);
  assert.deepEqual(Buffer.from(bytes), writerBytes(fields, [{ fields, rowCount: rowids.length, columns: picked.map(materialize) }]));
  assert.deepEqual(
    tableFromIPC(bytes).toArray().map((r: { toJSON(): { s: string } }) => r.toJSON().s),
    [...rowids].map((r) => `value ${r}`),
  );
});

/** Rows [from, from + rows) of a column of `whole`, as a block of its own (buffers copied, offsets rebased). */
function sliceBlock(whole: ColumnBatch, column: number, from: number, rows: number): ColumnData {
  const source = whole.columns[column]!;
  return materialize(runColumn([{ column: source, from, rows }]));
}

test('the IPC file format written in parts reads back batch by batch through its footer, the same rows as the stream', async () => {
  const b = batch(1001);
  const batches = async function* (): AsyncGenerator<ColumnBatch> {
    yield* [b, batch(0), batch(7)];
    await Promise.resolve();
  };
  const parts: Uint8Array[] = [];
  for await (const part of encodeIpcFileParts(b.fields, batches())) parts.push(part);
  const file = Buffer.concat(parts);
  assert.equal(file.subarray(0, 6).toString('latin1'), 'ARROW1');
  assert.equal(file.subarray(file.length - 6).toString('latin1'), 'ARROW1');
  const reader = RecordBatchReader.from(file);
  assert.ok(reader instanceof RecordBatchFileReader, 'read as the file format');
  reader.open();
  assert.equal(reader.numRecordBatches, 3, 'the footer locates every batch');
  assert.equal(reader.readRecordBatch(2)?.numRows, 7);
  const fromFile = tableFromIPC(file);
  const fromStream = tableFromIPC(encodeIpc(b.fields, [b, batch(0), batch(7)]));
  assert.equal(fromFile.numRows, 1008);
  const rows = (table: Table) => JSON.stringify(table.toArray(), (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  assert.equal(rows(fromFile), rows(fromStream));
});

test('decimal columns of different digits never share a cached schema', () => {
  const decimals = (scale: number): ColumnField[] => [{ name: 'x', kind: 'decimal128', precision: 10, scale }];
  const one: ColumnBatch = { fields: decimals(1), rowCount: 1, columns: [{ kind: 'decimal128', values: new Uint8Array(new BigInt64Array([675n, 0n]).buffer), validity: null }] };
  const scaleOf = (table: Table) => (table.schema.fields[0]!.type as Decimal).scale;
  assert.equal(scaleOf(tableFromIPC(encodeIpc(decimals(1), [one]))), 1);
  assert.equal(scaleOf(tableFromIPC(encodeIpc(decimals(3), [{ ...one, fields: decimals(3) }]))), 3);
});
