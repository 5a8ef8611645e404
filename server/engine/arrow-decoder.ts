/**
 * Arrow IPC bytes from a client → column batches the DuckDB module can append. Fixed-width
 * columns, decimals and strings keep their memory layout (a copy, no per-value work); a few types
 * are converted per value (Date in ms, Time units, zoned timestamps not in µs); types DuckDB could
 * not take directly (lists, structs, dictionaries, …) become VARCHAR text. Invalid input is
 * refused, never stored as something else: strings that are not UTF-8, decimals wider than 38
 * digits. Large record batches are cut into slices, so no single step holds the event loop long.
 */
import { DataType, Type, makeVector, tableFromIPC, type Data, type Table, TimeUnit } from 'apache-arrow';
import { isUtf8 } from 'node:buffer';
import { ErrorCodes, FramegateError } from '../../protocol';
import { BYTE_WIDTH, copyBits, MAX_DECIMAL_PRECISION, type ColumnBatch, type ColumnData, type ColumnField, type ColumnKind } from './columns';

export function decodeIpc(ipc: Uint8Array | Uint8Array[]): Table {
  try {
    const table = tableFromIPC(ipc);
    if (table.schema.fields.length === 0) throw new Error('no columns');
    return table;
  } catch (error) {
    throw new FramegateError(ErrorCodes.BadAttachment, `not a valid Arrow IPC stream: ${(error as Error).message}`);
  }
}

const UNIT_PER_SECOND: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1n,
  [TimeUnit.MILLISECOND]: 1_000n,
  [TimeUnit.MICROSECOND]: 1_000_000n,
  [TimeUnit.NANOSECOND]: 1_000_000_000n,
};

function kindOf(type: DataType): ColumnKind {
  switch (type.typeId) {
    case Type.Bool:
      return 'bool';
    case Type.Int: {
      const t = type as DataType<Type.Int> & { bitWidth: number; isSigned: boolean };
      const kinds: Record<number, [ColumnKind, ColumnKind]> = { 8: ['int8', 'uint8'], 16: ['int16', 'uint16'], 32: ['int32', 'uint32'], 64: ['int64', 'uint64'] };
      return kinds[t.bitWidth]![t.isSigned ? 0 : 1];
    }
    case Type.Float: {
      const precision = (type as DataType<Type.Float> & { precision: number }).precision;
      return precision === 2 ? 'float64' : 'float32';
    }
    case Type.Date:
      return 'date32';
    case Type.Time:
      return 'time64us';
    case Type.Timestamp: {
      const t = type as DataType<Type.Timestamp> & { unit: TimeUnit; timezone?: string | null };
      if (t.timezone) return 'timestamptz_us';
      return (['timestamp_s', 'timestamp_ms', 'timestamp_us', 'timestamp_ns'] as const)[t.unit];
    }
    case Type.Decimal:
      return 'decimal128';
    case Type.Utf8:
      return 'utf8';
    case Type.Binary:
      return 'binary';
    default:
      return 'utf8';
  }
}

function fieldOf(name: string, type: DataType): ColumnField {
  const kind = kindOf(type);
  if (kind !== 'decimal128') return { name, kind };
  const { precision, scale } = type as DataType<Type.Decimal> & { precision: number; scale: number };
  if (precision > MAX_DECIMAL_PRECISION || precision < 1 || scale < 0 || scale > precision) {
    throw new FramegateError(ErrorCodes.BadAttachment, `column ${name} is DECIMAL(${precision},${scale}): the gateway holds decimals of at most ${MAX_DECIMAL_PRECISION} digits; send it as text instead`, { column: name });
  }
  return { name, kind, precision, scale };
}

/** Fields of the batches `toBatches` will produce for this table. Throws BadAttachment for decimals it cannot hold. */
export function fieldsOf(table: Table): ColumnField[] {
  return table.schema.fields.map((f) => fieldOf(f.name, f.type as DataType));
}

/** Rows converted in one step: a client's record batch may hold millions. */
const SLICE_ROWS = 65_536;

export function* toBatches(table: Table): Generator<ColumnBatch> {
  const fields = fieldsOf(table);
  let rowBase = 0;
  for (const batch of table.batches) {
    // A record batch's children hold one Data each.
    const children = fields.map((_, i) => (batch.getChildAt(i)!.data as Data[])[0]!);
    for (let from = 0; from < batch.numRows; from += SLICE_ROWS) {
      const rows = Math.min(SLICE_ROWS, batch.numRows - from);
      const columns = fields.map((field, i) => toColumnPart({ data: children[i]!, from, rows }, field, rowBase + from));
      yield { fields, rowCount: rows, columns };
    }
    rowBase += batch.numRows;
  }
}

/** Rows [from, from + rows) of one Arrow Data (whose own offset still applies). */
interface DataRange {
  data: Data;
  from: number;
  rows: number;
}

/** Refuses string data that is not UTF-8 (DuckDB would store NULL instead, silently). */
function checkUtf8(field: ColumnField, offsets: Int32Array, bytes: Uint8Array, validity: Uint8Array | null, firstRow: number): void {
  // Fast path: all the bytes are UTF-8 and no value starts inside a character.
  let whole = !validity && isUtf8(bytes);
  for (let i = 0; whole && i < offsets.length - 1; i++) if (offsets[i]! < offsets[i + 1]! && (bytes[offsets[i]!]! & 0xc0) === 0x80) whole = false;
  if (whole) return;
  for (let i = 0; i < offsets.length - 1; i++) {
    if (validity && !((validity[i >>> 3]! >>> (i & 7)) & 1)) continue;
    if (!isUtf8(bytes.subarray(offsets[i], offsets[i + 1]))) {
      throw new FramegateError(ErrorCodes.BadAttachment, `column ${field.name}, row ${firstRow + i + 1}: the text is not valid UTF-8 (send binary data as a binary column)`, {
        column: field.name,
        row: firstRow + i + 1,
      });
    }
  }
}

function validityOf({ data, from, rows }: DataRange): Uint8Array | null {
  if (!data.nullBitmap || data.nullCount === 0) return null;
  const bits = new Uint8Array(Math.ceil(rows / 8));
  copyBits(bits, 0, data.nullBitmap, data.offset + from, rows);
  return bits;
}

/** `count` values of `width` bytes from element `start` on, copied into a fresh buffer. */
function bytesOf(values: ArrayBufferView, start: number, count: number, width: number): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset + start * width, count * width).slice();
}

function toColumnPart(range: DataRange, field: ColumnField, firstRow: number): ColumnData {
  const { data, rows } = range;
  const first = data.offset + range.from;
  const kind = field.kind;
  const type = data.type;
  const validity = validityOf(range);
  const direct = isDirect(type, kind);
  if (kind === 'utf8' || kind === 'binary') {
    if (direct) {
      const offsets = data.valueOffsets as Int32Array;
      const base = offsets[first]!;
      const end = offsets[first + rows]!;
      const rebased = new Int32Array(rows + 1);
      for (let i = 0; i <= rows; i++) rebased[i] = offsets[first + i]! - base;
      const bytes = (data.values as Uint8Array).slice(base, end);
      if (kind === 'utf8') checkUtf8(field, rebased, bytes, validity, firstRow);
      return { kind, offsets: rebased, data: bytes, validity };
    }
    return textColumn(range, validity);
  }
  if (kind === 'decimal128') {
    const bitWidth = (type as DataType & { bitWidth: number }).bitWidth;
    const words = data.values as Uint32Array;
    if (bitWidth === 128) return { kind, values: bytesOf(words, first * 4, rows * 4, 4), validity };
    // Decimal256 of at most 38 digits: its low 128 bits are the value.
    const out = new Uint32Array(rows * 4);
    for (let i = 0; i < rows; i++) out.set(words.subarray((first + i) * 8, (first + i) * 8 + 4), i * 4);
    return { kind, values: new Uint8Array(out.buffer), validity };
  }
  const width = BYTE_WIDTH[kind];
  if (kind === 'bool') {
    const bytes = new Uint8Array(rows);
    const bits = data.values as Uint8Array;
    for (let i = 0; i < rows; i++) bytes[i] = (bits[(first + i) >>> 3]! >>> ((first + i) & 7)) & 1;
    return { kind, values: bytes, validity };
  }
  if (direct) return { kind, values: bytesOf(data.values as ArrayBufferView, first, rows, width), validity };
  // Per-value conversions into int32 days / int64 micros.
  const out = new Uint8Array(rows * width);
  const view = new DataView(out.buffer);
  const unit = (type as DataType & { unit?: TimeUnit }).unit ?? TimeUnit.MILLISECOND;
  const raw = data.values as ArrayLike<number | bigint>;
  for (let i = 0; i < rows; i++) {
    const value = raw[first + i]!;
    if (kind === 'date32') view.setInt32(i * 4, Math.floor(Number(value) / 86_400_000), true);
    else view.setBigInt64(i * 8, (BigInt(value) * 1_000_000n) / UNIT_PER_SECOND[unit]!, true);
  }
  return { kind, values: out, validity };
}

/** True when the Arrow data's values already have the column kind's layout. */
function isDirect(type: DataType, kind: ColumnKind): boolean {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
      return (type as DataType & { precision?: number }).precision !== 0; // Float16 needs conversion
    case Type.Date:
      return (type as DataType & { unit: number }).unit === 0; // DateUnit.DAY
    case Type.Time:
      return (type as DataType & { unit: TimeUnit }).unit === TimeUnit.MICROSECOND;
    case Type.Timestamp:
      return kind !== 'timestamptz_us' || (type as DataType & { unit: TimeUnit }).unit === TimeUnit.MICROSECOND;
    case Type.Utf8:
    case Type.Binary:
      return true;
    default:
      return false;
  }
}

const encoder = new TextEncoder();

/** Slow path: each value's text (JSON for nested values). */
function textColumn({ data, from, rows }: DataRange, validity: Uint8Array | null): ColumnData {
  const chunks: Uint8Array[] = [];
  const offsets = new Int32Array(rows + 1);
  let total = 0;
  const part = makeVector(data);
  for (let i = 0; i < rows; i++) {
    const value: unknown = part.get(from + i);
    if (value !== null && value !== undefined) {
      const text = typeof value === 'string' ? value : stringify(value);
      const bytes = encoder.encode(text);
      chunks.push(bytes);
      total += bytes.byteLength;
    }
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { kind: 'utf8', offsets, data: bytes, validity };
}

function stringify(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function') {
    const json: unknown = (value as { toJSON: () => unknown }).toJSON();
    return JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return String(value);
}
