/** Windows cut from blocks: runs across block edges and rows picked by rowid, every layout, bits exact. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BYTE_WIDTH, type ColumnData, type ColumnKind, type FixedColumn, type VariableColumn } from '../../../server/engine/columns';
import { emptyColumn, materialize, pickedColumn, placeRows, runColumn, type BlockPiece, type RowPlacement } from '../../../server/engine/row-slices';

const sliceRun = (pieces: BlockPiece[]) => materialize(runColumn(pieces));
const gatherRows = (kind: ColumnKind, blockOf: (block: number) => ColumnData, placement: RowPlacement) =>
  materialize(pickedColumn(kind, placement.blocks.map(blockOf), placement.slot, placement.inBlock));

const BLOCK = 13; // odd, so pieces start at every bit offset of a validity byte

/** `rows` of a fixed-width column: row r's bytes are (r·7 + byte) & 0xff (booleans: every third true); every 5th row null. */
function fixed(kind: Exclude<ColumnKind, 'utf8' | 'binary'>, first: number, rows: number, nulls = true): FixedColumn {
  const width = BYTE_WIDTH[kind];
  const values = new Uint8Array(rows * width);
  for (let r = 0; r < rows; r++) for (let b = 0; b < width; b++) values[r * width + b] = kind === 'bool' ? Number((first + r) % 3 === 0) : ((first + r) * 7 + b) & 0xff;
  return { kind, values, validity: nulls ? validity(first, rows) : null };
}

function validity(first: number, rows: number): Uint8Array {
  const bits = new Uint8Array(Math.ceil(rows / 8));
  for (let r = 0; r < rows; r++) if ((first + r) % 5 !== 0) bits[r >>> 3]! |= 1 << (r & 7);
  return bits;
}

function strings(first: number, rows: number): VariableColumn {
  const text = Array.from({ length: rows }, (_, r) => 'x'.repeat((first + r) % 4) + String(first + r));
  const data = new TextEncoder().encode(text.join(''));
  const offsets = new Int32Array(rows + 1);
  text.forEach((t, r) => (offsets[r + 1] = offsets[r]! + t.length));
  return { kind: 'utf8', offsets, data, validity: validity(first, rows) };
}

/** Row r of a column as comparable plain data (null for null rows). */
function rowOf(column: ColumnData, r: number): string | null {
  if (column.validity && !((column.validity[r >>> 3]! >>> (r & 7)) & 1)) return null;
  if (column.kind === 'utf8' || column.kind === 'binary') {
    return new TextDecoder().decode(column.data.subarray(column.offsets[r], column.offsets[r + 1]));
  }
  const width = BYTE_WIDTH[column.kind];
  return Array.from((column as FixedColumn).values.subarray(r * width, (r + 1) * width)).join(',');
}

const rows = (column: ColumnData, n: number) => Array.from({ length: n }, (_, r) => rowOf(column, r));

/** The same source as one column, and cut into blocks of BLOCK rows. */
function source(make: (first: number, rows: number) => ColumnData, total: number) {
  const whole = make(0, total);
  const blocks = Array.from({ length: Math.ceil(total / BLOCK) }, (_, b) => make(b * BLOCK, Math.min(BLOCK, total - b * BLOCK)));
  return { whole, blocks };
}

const makers: [string, (first: number, rows: number) => ColumnData][] = [
  ['int8', (f, n) => fixed('int8', f, n)],
  ['int16', (f, n) => fixed('int16', f, n)],
  ['int32', (f, n) => fixed('int32', f, n)],
  ['float64 (as bytes)', (f, n) => fixed('float64', f, n)],
  ['bool bytes', (f, n) => fixed('bool', f, n, false)],
  ['utf8', strings],
];

describe('row slices', () => {
  for (const [label, make] of makers) {
    test(`${label}: runs across block edges equal the same rows of the whole column`, () => {
      const { whole, blocks } = source(make, 60);
      for (const [from, count] of [
        [0, 1],
        [3, 10],
        [12, 2],
        [11, 30],
        [25, 35],
        [0, 60],
      ] as const) {
        const pieces = [];
        for (let row = from; row < from + count; ) {
          const b = Math.floor(row / BLOCK);
          const take = Math.min(from + count, (b + 1) * BLOCK) - row;
          pieces.push({ column: blocks[b]!, from: row - b * BLOCK, rows: take });
          row += take;
        }
        const run = sliceRun(pieces);
        assert.deepEqual(rows(run, count), rows(whole, from + count).slice(from), `rows ${from}–${from + count - 1}`);
      }
    });

    test(`${label}: rows picked by rowid come out in the order asked`, () => {
      const { whole, blocks } = source(make, 60);
      const rowids = Uint32Array.from([59, 0, 13, 12, 14, 7, 7, 40, 26, 1]);
      const picked = gatherRows(whole.kind, (b) => blocks[b]!, placeRows(rowids, BLOCK, blocks.length));
      assert.deepEqual(rows(picked, rowids.length), [...rowids].map((r) => rowOf(whole, r)));
    });
  }

  test('8-byte values keep every bit: NaN payloads and int64 patterns that are NaNs as doubles', () => {
    const values = new Uint8Array(16);
    const view = new DataView(values.buffer);
    view.setBigUint64(0, 0x7ff4_0000_dead_beefn, true); // a signalling NaN with a payload
    view.setBigUint64(8, 0xfff8_0000_0000_0001n, true);
    const block: FixedColumn = { kind: 'float64', values, validity: null };
    const picked = gatherRows('float64', () => block, placeRows(Uint32Array.from([1, 0]), 2, 1)) as FixedColumn;
    const out = new DataView(picked.values.buffer);
    assert.equal(out.getBigUint64(0, true), 0xfff8_0000_0000_0001n);
    assert.equal(out.getBigUint64(8, true), 0x7ff4_0000_dead_beefn);
  });

  test('no validity in, no validity out; empty picks; rowids past the source are a bug', () => {
    const block = fixed('int32', 0, 10, false);
    const picked = gatherRows('int32', () => block, placeRows(Uint32Array.from([3, 4]), 10, 1));
    assert.equal(picked.validity, null);
    assert.equal(sliceRun([{ column: block, from: 2, rows: 3 }]).validity, null);
    const none = gatherRows('utf8', () => assert.fail('no block is needed'), placeRows(new Uint32Array(0), 10, 1));
    assert.deepEqual(none, emptyColumn('utf8'));
    assert.throws(() => placeRows(Uint32Array.from([10]), 10, 1), /past the source/);
  });

  test('placement: each block touched once, in order of first use', () => {
    const placement = placeRows(Float64Array.from([25, 3, 27, 14, 0]), 10, 3);
    assert.deepEqual(placement.blocks, [2, 0, 1]);
    assert.deepEqual([...placement.slot], [0, 1, 0, 2, 1]);
    assert.deepEqual([...placement.inBlock], [5, 3, 7, 4, 0]);
  });
});
