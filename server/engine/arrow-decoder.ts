/**
 * Arrow IPC bytes from a client → column batches the DuckDB module can append. Fixed-width
 * columns and strings keep their memory layout (a copy, no per-value work); a few types are
 * converted per value (Date in ms, Time units, zoned timestamps not in µs); types DuckDB could not
 * take directly (decimal, lists, structs, dictionaries, …) become VARCHAR text.
 */
import { DataType, Type, makeVector, tableFromIPC, type Data, type Table, type Vector, TimeUnit } from 'apache-arrow';
import { ErrorCodes, FramegateError } from '../../protocol';
import { BYTE_WIDTH, copyBits, type ColumnBatch, type ColumnData, type ColumnField, type ColumnKind } from './columns';

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
    case Type.Utf8:
      return 'utf8';
    case Type.Binary:
      return 'binary';
    default:
      return 'utf8';
  }
}

/** Fields of the batches `toBatches` will produce for this table. */
export function fieldsOf(table: Table): ColumnField[] {
  return table.schema.fields.map((f) => ({ name: f.name, kind: kindOf(f.type as DataType) }));
}

export function* toBatches(table: Table): Generator<ColumnBatch> {
  const fields = fieldsOf(table);
  for (const batch of table.batches) {
    const columns = fields.map((field, i) => toColumn(batch.getChildAt(i)!, field.kind));
    yield { fields, rowCount: batch.numRows, columns };
  }
}

function validityOf(data: Data): Uint8Array | null {
  if (!data.nullBitmap || data.nullCount === 0) return null;
  const bits = new Uint8Array(Math.ceil(data.length / 8));
  copyBits(bits, 0, data.nullBitmap, data.offset, data.length);
  return bits;
}

function bytesOf(values: ArrayBufferView, start: number, count: number, width: number): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset + start * width, count * width).slice();
}

function toColumn(vector: Vector, kind: ColumnKind): ColumnData {
  const parts = (vector.data as Data[]).map((data) => toColumnPart(data, kind));
  if (parts.length === 1) return parts[0]!;
  return concatColumns(parts, vector.length, kind);
}

function toColumnPart(data: Data, kind: ColumnKind): ColumnData {
  const type = data.type;
  const rows = data.length;
  const validity = validityOf(data);
  const direct = isDirect(type, kind);
  if (kind === 'utf8' || kind === 'binary') {
    if (direct) {
      const offsets = data.valueOffsets as Int32Array;
      const base = offsets[data.offset]!;
      const end = offsets[data.offset + rows]!;
      const rebased = new Int32Array(rows + 1);
      for (let i = 0; i <= rows; i++) rebased[i] = offsets[data.offset + i]! - base;
      return { kind, offsets: rebased, data: (data.values as Uint8Array).slice(base, end), validity };
    }
    return textColumn(data, validity);
  }
  const width = BYTE_WIDTH[kind];
  if (kind === 'bool') {
    const bytes = new Uint8Array(rows);
    const bits = data.values as Uint8Array;
    for (let i = 0; i < rows; i++) bytes[i] = (bits[(data.offset + i) >>> 3]! >>> ((data.offset + i) & 7)) & 1;
    return { kind, values: bytes, validity };
  }
  if (direct) return { kind, values: bytesOf(data.values as ArrayBufferView, data.offset, rows, width), validity };
  // Per-value conversions into int32 days / int64 micros.
  const out = new Uint8Array(rows * width);
  const view = new DataView(out.buffer);
  const unit = (type as DataType & { unit?: TimeUnit }).unit ?? TimeUnit.MILLISECOND;
  const raw = data.values as ArrayLike<number | bigint>;
  for (let i = 0; i < rows; i++) {
    const value = raw[data.offset + i]!;
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
function textColumn(data: Data, validity: Uint8Array | null): ColumnData {
  const rows = data.length;
  const chunks: Uint8Array[] = [];
  const offsets = new Int32Array(rows + 1);
  let total = 0;
  const part = makeVector(data);
  for (let i = 0; i < rows; i++) {
    const value: unknown = part.get(i);
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

function concatColumns(parts: ColumnData[], rows: number, kind: ColumnKind): ColumnData {
  const anyNulls = parts.some((p) => p.validity);
  const validity = anyNulls ? new Uint8Array(Math.ceil(rows / 8)) : null;
  let row = 0;
  if (kind === 'utf8' || kind === 'binary') {
    const offsets = new Int32Array(rows + 1);
    const total = parts.reduce((n, p) => n + (p as { data: Uint8Array }).data.byteLength, 0);
    const data = new Uint8Array(total);
    let at = 0;
    for (const part of parts as Extract<ColumnData, { offsets: Int32Array }>[]) {
      const n = part.offsets.length - 1;
      for (let i = 1; i <= n; i++) offsets[row + i] = at + part.offsets[i]!;
      data.set(part.data, at);
      at += part.data.byteLength;
      if (validity) copyBits(validity, row, part.validity ?? new Uint8Array(Math.ceil(n / 8)).fill(0xff), 0, n);
      row += n;
    }
    return { kind, offsets, data, validity };
  }
  const width = BYTE_WIDTH[kind];
  const values = new Uint8Array(rows * width);
  for (const part of parts as Extract<ColumnData, { values: Uint8Array }>[]) {
    const n = part.values.byteLength / width;
    values.set(part.values, row * width);
    if (validity) copyBits(validity, row, part.validity ?? new Uint8Array(Math.ceil(n / 8)).fill(0xff), 0, n);
    row += n;
  }
  return { kind: kind, values, validity };
}
