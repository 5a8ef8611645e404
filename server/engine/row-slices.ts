/**
 * Windows cut out of cached blocks (block-cache.ts): a run of consecutive rows copied out of one or
 * two blocks, or rows picked by rowid (a sorted window) out of any blocks. The result is a fresh
 * column in the same layout, ready for the Arrow encoder. Values are copied as integers of their
 * width, never through floats, so every bit pattern (NaN payloads included) survives.
 */
import { BYTE_WIDTH, copyBits, isVariableColumn, isVariableWidth, type ColumnData, type ColumnKind, type FixedColumn, type Validity, type VariableColumn } from './columns';

/** Rowids in the order rows should come out: 32-bit where the source allows, else exact doubles. */
export type RowIds = Uint32Array | Float64Array;

/** A piece of a run: rows [from, from + rows) of one block. */
export interface BlockPiece {
  column: ColumnData;
  from: number;
  rows: number;
}

function isValid(validity: Validity, row: number): boolean {
  return !validity || ((validity[row >>> 3]! >>> (row & 7)) & 1) === 1;
}

function setBit(bits: Uint8Array, row: number, valid: boolean): void {
  if (valid) bits[row >>> 3]! |= 1 << (row & 7);
  else bits[row >>> 3]! &= ~(1 << (row & 7));
}

const words32 = new WeakMap<Uint8Array, Uint32Array>();
const words16 = new WeakMap<Uint8Array, Uint16Array>();

/** The values as 32-bit words (8-byte values are two words), made once per block. */
function view32(bytes: Uint8Array): Uint32Array {
  let view = words32.get(bytes);
  if (!view) {
    if (bytes.byteOffset % 4 !== 0) throw new Error(`column values at byte offset ${bytes.byteOffset} are not aligned to 4 bytes`);
    view = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    words32.set(bytes, view);
  }
  return view;
}

function view16(bytes: Uint8Array): Uint16Array {
  let view = words16.get(bytes);
  if (!view) {
    if (bytes.byteOffset % 2 !== 0) throw new Error(`column values at byte offset ${bytes.byteOffset} are not aligned to 2 bytes`);
    view = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 1);
    words16.set(bytes, view);
  }
  return view;
}

/** Consecutive rows out of consecutive blocks of one column, copied into one column. */
export function sliceRun(pieces: BlockPiece[]): ColumnData {
  const first = pieces[0];
  if (!first) throw new Error('a run needs at least one piece');
  const rows = pieces.reduce((n, p) => n + p.rows, 0);
  let validity: Uint8Array | null = null;
  if (pieces.some((p) => p.column.validity)) {
    validity = new Uint8Array(Math.ceil(rows / 8));
    let at = 0;
    for (const piece of pieces) {
      if (piece.column.validity) copyBits(validity, at, piece.column.validity, piece.from, piece.rows);
      else for (let i = 0; i < piece.rows; i++) setBit(validity, at + i, true);
      at += piece.rows;
    }
  }
  if (isVariableColumn(first.column)) {
    const sources = pieces.map((p) => p.column as VariableColumn);
    const bytes = pieces.reduce((n, p, i) => n + sources[i]!.offsets[p.from + p.rows]! - sources[i]!.offsets[p.from]!, 0);
    const offsets = new Int32Array(rows + 1);
    const data = new Uint8Array(bytes);
    let row = 0;
    let end = 0;
    pieces.forEach((piece, i) => {
      const source = sources[i]!;
      const base = source.offsets[piece.from]!;
      for (let r = 1; r <= piece.rows; r++) offsets[row + r] = end + source.offsets[piece.from + r]! - base;
      data.set(source.data.subarray(base, source.offsets[piece.from + piece.rows]), end);
      end += source.offsets[piece.from + piece.rows]! - base;
      row += piece.rows;
    });
    return { kind: first.column.kind, offsets, data, validity };
  }
  const kind = first.column.kind;
  const width = BYTE_WIDTH[kind];
  const values = new Uint8Array(rows * width);
  let at = 0;
  for (const piece of pieces) {
    const source = piece.column as FixedColumn;
    values.set(source.values.subarray(piece.from * width, (piece.from + piece.rows) * width), at);
    at += piece.rows * width;
  }
  return { kind, values, validity };
}

/** Where rows picked by rowid are: each row's block and its place in it (the same for every column). */
export interface RowPlacement {
  rows: number;
  /** The distinct blocks touched, in order of first use. */
  blocks: number[];
  /** Per row: its block's index in `blocks`. */
  slot: Uint32Array;
  /** Per row: its row within its block. */
  inBlock: Uint32Array;
}

/** `blockCount`: how many blocks the source has (every rowid is below blockCount × blockRows). */
export function placeRows(rowids: RowIds, blockRows: number, blockCount: number): RowPlacement {
  const rows = rowids.length;
  const slot = new Uint32Array(rows);
  const inBlock = new Uint32Array(rows);
  // Slot + 1 of each block seen so far (0: not seen).
  const slotOf = new Uint32Array(blockCount);
  const blocks: number[] = [];
  for (let i = 0; i < rows; i++) {
    const rowid = rowids[i]!;
    const block = Math.floor(rowid / blockRows);
    if (!(block < blockCount)) throw new Error(`rowid ${rowid} is past the source's ${blockCount} blocks`);
    let known = slotOf[block]!;
    if (known === 0) {
      blocks.push(block);
      known = slotOf[block] = blocks.length;
    }
    slot[i] = known - 1;
    inBlock[i] = rowid - block * blockRows;
  }
  return { rows, blocks, slot, inBlock };
}

/**
 * Rows picked by rowid (placed by `placeRows`) out of blocks: `blockOf(b)` must return block b of
 * the column for every block touched.
 */
export function gatherRows(kind: ColumnKind, blockOf: (block: number) => ColumnData, placement: RowPlacement): ColumnData {
  const { rows, slot, inBlock } = placement;
  if (rows === 0) return emptyColumn(kind);
  const blocks = placement.blocks.map(blockOf);
  let validity: Uint8Array | null = null;
  if (blocks.some((b) => b.validity !== null)) {
    validity = new Uint8Array(Math.ceil(rows / 8)).fill(0xff);
    for (let i = 0; i < rows; i++) if (!isValid(blocks[slot[i]!]!.validity, inBlock[i]!)) setBit(validity, i, false);
  }
  if (isVariableWidth(kind)) return { kind, ...gatherBytes(blocks as VariableColumn[], slot, inBlock), validity };
  const width = BYTE_WIDTH[kind];
  const values = new Uint8Array(rows * width);
  const fixed = blocks as FixedColumn[];
  if (width >= 4) {
    const views = fixed.map((block) => view32(block.values));
    const out = new Uint32Array(values.buffer);
    if (width === 8) {
      for (let i = 0; i < rows; i++) {
        const view = views[slot[i]!]!;
        const from = inBlock[i]! * 2;
        out[i * 2] = view[from]!;
        out[i * 2 + 1] = view[from + 1]!;
      }
    } else {
      for (let i = 0; i < rows; i++) out[i] = views[slot[i]!]![inBlock[i]!]!;
    }
  } else if (width === 2) {
    const views = fixed.map((block) => view16(block.values));
    const out = new Uint16Array(values.buffer);
    for (let i = 0; i < rows; i++) out[i] = views[slot[i]!]![inBlock[i]!]!;
  } else {
    const views = fixed.map((block) => block.values);
    for (let i = 0; i < rows; i++) values[i] = views[slot[i]!]![inBlock[i]!]!;
  }
  return { kind, values, validity };
}

function gatherBytes(blocks: VariableColumn[], slot: Uint32Array, inBlock: Uint32Array): { offsets: Int32Array; data: Uint8Array } {
  const rows = slot.length;
  const offsets = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) {
    const source = blocks[slot[i]!]!;
    offsets[i + 1] = offsets[i]! + source.offsets[inBlock[i]! + 1]! - source.offsets[inBlock[i]!]!;
  }
  const data = new Uint8Array(offsets[rows]!);
  for (let i = 0; i < rows; i++) {
    const source = blocks[slot[i]!]!;
    data.set(source.data.subarray(source.offsets[inBlock[i]!], source.offsets[inBlock[i]! + 1]), offsets[i]);
  }
  return { offsets, data };
}

/** A column of no rows. */
export function emptyColumn(kind: ColumnKind): ColumnData {
  if (kind === 'utf8' || kind === 'binary') return { kind, offsets: new Int32Array(1), data: new Uint8Array(0), validity: null };
  return { kind, values: new Uint8Array(0), validity: null };
}
