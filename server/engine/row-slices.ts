/**
 * Windows cut out of cached blocks (block-cache.ts): a run of consecutive rows out of one or two
 * blocks, or rows picked by rowid (a sorted window) out of any blocks. A window column does not
 * copy anything until it is written: the Arrow encoder (`encodeColumnsIpc`) has it write its
 * validity, values and offsets straight into the IPC body, so a window costs one copy of its
 * bytes. Values are copied as integers of their width, never through floats, so every bit
 * pattern (NaN payloads included) survives.
 */
import { BYTE_WIDTH, copyBits, isVariableWidth, type ColumnData, type ColumnKind, type FixedColumn, type Validity, type VariableColumn } from './columns';

/** Rowids in the order rows should come out: 32-bit where the source allows, else exact doubles. */
export type RowIds = Uint32Array | Float64Array;

/** A piece of a run: rows [from, from + rows) of one block. */
export interface BlockPiece {
  column: ColumnData;
  from: number;
  rows: number;
}

/** Rows of one column, ready to be written in Arrow's layout. */
export interface WindowColumn {
  readonly kind: ColumnKind;
  readonly rows: number;
  readonly nulls: number;
  /** One bit per row from bit 0; null when no row is null. */
  readonly validity: Uint8Array | null;
  /** Bytes `writeValues` writes: fixed width rows × width (booleans packed to bits), variable width the value bytes. */
  readonly valueBytes: number;
  writeValues(out: Uint8Array): void;
  /** Variable width only: rows + 1 offsets from 0. */
  writeOffsets?(out: Int32Array): void;
}

function isValid(validity: Validity, row: number): boolean {
  return !validity || ((validity[row >>> 3]! >>> (row & 7)) & 1) === 1;
}

function setBit(bits: Uint8Array, row: number, valid: boolean): void {
  if (valid) bits[row >>> 3]! |= 1 << (row & 7);
  else bits[row >>> 3]! &= ~(1 << (row & 7));
}

const BITS_SET = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
});

/** Zero bits among the first `rows` bits. */
function zeros(bits: Uint8Array, rows: number): number {
  let ones = 0;
  const whole = rows >>> 3;
  for (let i = 0; i < whole; i++) ones += BITS_SET[bits[i]!]!;
  if (rows & 7) ones += BITS_SET[bits[whole]! & ((1 << (rows & 7)) - 1)]!;
  return rows - ones;
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

/** DuckDB's one byte per boolean, packed into Arrow's bits. */
function packBooleans(out: Uint8Array, bytes: Uint8Array, from: number, rows: number, at: number): void {
  for (let i = 0; i < rows; i++) if (bytes[from + i]) out[(at + i) >>> 3]! |= 1 << ((at + i) & 7);
}

/** Consecutive rows out of consecutive blocks of one column. */
export function runColumn(pieces: BlockPiece[]): WindowColumn {
  const first = pieces[0];
  if (!first) throw new Error('a run needs at least one piece');
  const kind = first.column.kind;
  const rows = pieces.reduce((n, p) => n + p.rows, 0);
  let validity: Uint8Array | null = null;
  const only = pieces.length === 1 && first.from % 8 === 0 ? first.column.validity : null;
  if (only) {
    // Byte-aligned: the bytes as they are (what apache-arrow's writer does too).
    validity = only.slice(first.from >>> 3, (first.from >>> 3) + Math.ceil(rows / 8));
  } else if (pieces.some((p) => p.column.validity)) {
    validity = new Uint8Array(Math.ceil(rows / 8));
    let at = 0;
    for (const piece of pieces) {
      if (piece.column.validity) copyBits(validity, at, piece.column.validity, piece.from, piece.rows);
      else for (let i = 0; i < piece.rows; i++) setBit(validity, at + i, true);
      at += piece.rows;
    }
  }
  const nulls = validity ? zeros(validity, rows) : 0;
  if (nulls === 0) validity = null;
  if (isVariableWidth(kind)) {
    const sources = pieces.map((p) => p.column as VariableColumn);
    const span = (i: number) => [sources[i]!.offsets[pieces[i]!.from]!, sources[i]!.offsets[pieces[i]!.from + pieces[i]!.rows]!] as const;
    return {
      kind,
      rows,
      nulls,
      validity,
      valueBytes: pieces.reduce((n, _, i) => n + span(i)[1] - span(i)[0], 0),
      writeValues(out) {
        let at = 0;
        pieces.forEach((_, i) => {
          const [start, end] = span(i);
          out.set(sources[i]!.data.subarray(start, end), at);
          at += end - start;
        });
      },
      writeOffsets(out) {
        let row = 0;
        let end = 0;
        pieces.forEach((piece, i) => {
          const offsets = sources[i]!.offsets;
          const base = offsets[piece.from]!;
          for (let r = 1; r <= piece.rows; r++) out[row + r] = end + offsets[piece.from + r]! - base;
          end += offsets[piece.from + piece.rows]! - base;
          row += piece.rows;
        });
      },
    };
  }
  const width = BYTE_WIDTH[kind];
  return {
    kind,
    rows,
    nulls,
    validity,
    valueBytes: kind === 'bool' ? Math.ceil(rows / 8) : rows * width,
    writeValues(out) {
      let at = 0;
      for (const piece of pieces) {
        const values = (piece.column as FixedColumn).values;
        if (kind === 'bool') packBooleans(out, values, piece.from, piece.rows, at);
        else out.set(values.subarray(piece.from * width, (piece.from + piece.rows) * width), at * width);
        at += piece.rows;
      }
    },
  };
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
 * Rows picked out of columns: row i is row `inBlock[i]` of `sources[slot[i]]` (for rows placed by
 * `placeRows`, the sources are the touched blocks: `placement.blocks.map(blockOf)`).
 */
export function pickedColumn(kind: ColumnKind, sources: ColumnData[], slot: Uint32Array, inBlock: Uint32Array): WindowColumn {
  const rows = slot.length;
  const blocks = sources;
  let validity: Uint8Array | null = null;
  let nulls = 0;
  if (blocks.some((b) => b.validity !== null)) {
    validity = new Uint8Array(Math.ceil(rows / 8)).fill(0xff);
    for (let i = 0; i < rows; i++) {
      if (isValid(blocks[slot[i]!]!.validity, inBlock[i]!)) continue;
      setBit(validity, i, false);
      nulls++;
    }
    if (nulls === 0) validity = null;
  }
  if (isVariableWidth(kind)) {
    const sources = blocks as VariableColumn[];
    let valueBytes = 0;
    for (let i = 0; i < rows; i++) {
      const offsets = sources[slot[i]!]!.offsets;
      valueBytes += offsets[inBlock[i]! + 1]! - offsets[inBlock[i]!]!;
    }
    return {
      kind,
      rows,
      nulls,
      validity,
      valueBytes,
      writeValues(out) {
        let at = 0;
        for (let i = 0; i < rows; i++) {
          const source = sources[slot[i]!]!;
          const start = source.offsets[inBlock[i]!]!;
          const end = source.offsets[inBlock[i]! + 1]!;
          out.set(source.data.subarray(start, end), at);
          at += end - start;
        }
      },
      writeOffsets(out) {
        out[0] = 0;
        for (let i = 0; i < rows; i++) {
          const offsets = sources[slot[i]!]!.offsets;
          out[i + 1] = out[i]! + offsets[inBlock[i]! + 1]! - offsets[inBlock[i]!]!;
        }
      },
    };
  }
  const width = BYTE_WIDTH[kind];
  const fixed = blocks as FixedColumn[];
  return {
    kind,
    rows,
    nulls,
    validity,
    valueBytes: kind === 'bool' ? Math.ceil(rows / 8) : rows * width,
    writeValues(out) {
      if (kind === 'bool') {
        for (let i = 0; i < rows; i++) if (fixed[slot[i]!]!.values[inBlock[i]!]) out[i >>> 3]! |= 1 << (i & 7);
      } else if (width >= 4) {
        const views = fixed.map((block) => view32(block.values));
        const words = new Uint32Array(out.buffer, out.byteOffset, (rows * width) >>> 2);
        if (width === 8) {
          for (let i = 0; i < rows; i++) {
            const view = views[slot[i]!]!;
            const from = inBlock[i]! * 2;
            words[i * 2] = view[from]!;
            words[i * 2 + 1] = view[from + 1]!;
          }
        } else {
          for (let i = 0; i < rows; i++) words[i] = views[slot[i]!]![inBlock[i]!]!;
        }
      } else if (width === 2) {
        const views = fixed.map((block) => view16(block.values));
        const halves = new Uint16Array(out.buffer, out.byteOffset, rows);
        for (let i = 0; i < rows; i++) halves[i] = views[slot[i]!]![inBlock[i]!]!;
      } else {
        const views = fixed.map((block) => block.values);
        for (let i = 0; i < rows; i++) out[i] = views[slot[i]!]![inBlock[i]!]!;
      }
    },
  };
}

/** A window column as a column of its own (bytes copied out; booleans back to one byte each). */
export function materialize(column: WindowColumn): ColumnData {
  const { kind, rows } = column;
  const validity = column.validity ? column.validity.slice() : null;
  if (isVariableWidth(kind)) {
    const offsets = new Int32Array(rows + 1);
    column.writeOffsets!(offsets);
    const data = new Uint8Array(column.valueBytes);
    column.writeValues(data);
    return { kind, offsets, data, validity };
  }
  const packed = new Uint8Array(column.valueBytes);
  column.writeValues(packed);
  const values = kind === 'bool' ? Uint8Array.from({ length: rows }, (_, i) => (packed[i >>> 3]! >>> (i & 7)) & 1) : packed;
  return { kind, values, validity };
}

/** A column of no rows. */
export function emptyColumn(kind: ColumnKind): ColumnData {
  if (kind === 'utf8' || kind === 'binary') return { kind, offsets: new Int32Array(1), data: new Uint8Array(0), validity: null };
  return { kind, values: new Uint8Array(0), validity: null };
}

/** A whole block (or any column) as a window column. */
export function wholeColumn(column: ColumnData, rows: number): WindowColumn {
  return runColumn([{ column, from: 0, rows }]);
}
