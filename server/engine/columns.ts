/**
 * Engine-neutral columnar batches: plain typed arrays in Arrow's memory layout. The DuckDB module
 * fills them from vector memory (and reads them into data chunks); the Arrow modules turn them
 * into Arrow data and back. Neither side has to know the other's library.
 */
import { ErrorCodes, FramegateError } from '../../protocol';

/** The value layouts a column can have. Fixed-width kinds hold little-endian values of `byteWidth`. */
export type ColumnKind =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float32'
  | 'float64'
  /** Days since the epoch, int32. */
  | 'date32'
  /** Microseconds since midnight, int64. */
  | 'time64us'
  | 'timestamp_s'
  | 'timestamp_ms'
  | 'timestamp_us'
  | 'timestamp_ns'
  /** Microseconds since the epoch, UTC. */
  | 'timestamptz_us'
  /** The unscaled value as a 128-bit little-endian two's complement integer (Arrow's Decimal128); precision and scale on the field. */
  | 'decimal128'
  | 'utf8'
  | 'binary';

export const BYTE_WIDTH: Record<Exclude<ColumnKind, 'utf8' | 'binary'>, number> = {
  bool: 1, // one byte per value here; Arrow packs bits, the encoder does that
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  float32: 4,
  float64: 8,
  date32: 4,
  time64us: 8,
  timestamp_s: 8,
  timestamp_ms: 8,
  timestamp_us: 8,
  timestamp_ns: 8,
  timestamptz_us: 8,
  decimal128: 16,
};

/** Most digits a decimal column may have (DuckDB's and Decimal128's limit). */
export const MAX_DECIMAL_PRECISION = 38;

export function isVariableWidth(kind: ColumnKind): kind is 'utf8' | 'binary' {
  return kind === 'utf8' || kind === 'binary';
}

export interface ColumnField {
  name: string;
  kind: ColumnKind;
  /** For decimal128: total digits (1–38) and digits after the point. */
  precision?: number;
  scale?: number;
}

/** Validity: one bit per row, LSB first (DuckDB's and Arrow's layout); null when no value is null. */
export type Validity = Uint8Array | null;

export interface FixedColumn {
  kind: Exclude<ColumnKind, 'utf8' | 'binary'>;
  /** rows × byteWidth bytes, starting at byte 0 of a fresh buffer (so typed views are aligned). */
  values: Uint8Array;
  validity: Validity;
}

export interface VariableColumn {
  kind: 'utf8' | 'binary';
  /** rows + 1 offsets into `data`. */
  offsets: Int32Array;
  data: Uint8Array;
  validity: Validity;
}

export type ColumnData = FixedColumn | VariableColumn;

export function isVariableColumn(column: ColumnData): column is VariableColumn {
  return column.kind === 'utf8' || column.kind === 'binary';
}

export interface ColumnBatch {
  fields: ColumnField[];
  rowCount: number;
  columns: ColumnData[];
}

/** Copies `count` bits from `src` (starting at bit `srcBit`) into `dst` at bit `dstBit`. */
export function copyBits(dst: Uint8Array, dstBit: number, src: Uint8Array, srcBit: number, count: number): void {
  if (count <= 0) return;
  if ((dstBit & 7) === 0 && (srcBit & 7) === 0) {
    const whole = count >>> 3;
    dst.set(src.subarray(srcBit >>> 3, (srcBit >>> 3) + whole), dstBit >>> 3);
    const rest = count & 7;
    if (rest === 0) return;
    dstBit += whole * 8;
    srcBit += whole * 8;
    count = rest;
  }
  for (let i = 0; i < count; i++) {
    const s = srcBit + i;
    const d = dstBit + i;
    if ((src[s >>> 3]! >>> (s & 7)) & 1) dst[d >>> 3]! |= 1 << (d & 7);
    else dst[d >>> 3]! &= ~(1 << (d & 7));
  }
}

function grow(buffer: Uint8Array, needed: number): Uint8Array {
  if (needed <= buffer.byteLength) return buffer;
  const next = new Uint8Array(Math.max(needed, buffer.byteLength * 2, 64));
  next.set(buffer);
  return next;
}

/** Validity of a growing column: stays null (all valid) until the first null arrives. */
class ValidityBuilder {
  private bits: Uint8Array | null = null;

  constructor(private readonly capacityRows: number) {}

  /** Appends `rows` validity bits at row `at`; `src` null means all valid. */
  append(at: number, src: Uint8Array | null, srcBit: number, rows: number): void {
    if (!src) {
      if (this.bits) copyBits(this.bits, at, allValid(rows), 0, rows);
      return;
    }
    if (!this.bits) {
      this.bits = new Uint8Array(Math.ceil(Math.max(this.capacityRows, at + rows) / 8) + 8);
      copyBits(this.bits, 0, allValid(at), 0, at);
    } else if (this.bits.byteLength * 8 < at + rows) {
      this.bits = grow(this.bits, Math.ceil((at + rows) / 8) + 8);
    }
    copyBits(this.bits, at, src, srcBit, rows);
  }

  finish(rows: number): Validity {
    return this.bits ? this.bits.slice(0, Math.ceil(rows / 8)) : null;
  }
}

let allValidBits = new Uint8Array(0);
function allValid(rows: number): Uint8Array {
  const bytes = Math.ceil(rows / 8);
  if (allValidBits.byteLength < bytes) allValidBits = new Uint8Array(Math.max(bytes, 2 * allValidBits.byteLength)).fill(0xff);
  return allValidBits;
}

/** Refusal of a window whose values are more bytes than one window may hold. */
export function windowTooLarge(maxBytes: number): FramegateError {
  return new FramegateError(
    ErrorCodes.OutOfMemory,
    `these rows hold more than ${Math.floor(maxBytes / 2 ** 20)} MiB of values, more than one window may (--memory-limit): ask for fewer rows or columns`,
    { maxBytes },
  );
}

/** Accumulates the columns of several small chunks into one batch of up to `capacityRows` rows. */
export class BatchBuilder {
  private rows = 0;
  private readonly fixed: Uint8Array[] = [];
  private readonly offsets: Int32Array[] = [];
  private readonly data: Uint8Array[] = [];
  private readonly dataLength: number[] = [];
  private readonly validity: ValidityBuilder[] = [];

  constructor(
    readonly fields: ColumnField[],
    private readonly capacityRows: number,
    /** Most bytes of variable-width values one batch may hold (windows of wide text are bounded in bytes, not only rows). */
    private readonly maxBytes = Infinity,
  ) {
    this.reset();
  }

  private variableBytes = 0;

  private charge(bytes: number): void {
    this.variableBytes += bytes;
    if (this.variableBytes > this.maxBytes) throw windowTooLarge(this.maxBytes);
  }

  get rowCount(): number {
    return this.rows;
  }

  private reset(): void {
    this.rows = 0;
    this.variableBytes = 0;
    this.fields.forEach((field, i) => {
      this.validity[i] = new ValidityBuilder(this.capacityRows);
      if (isVariableWidth(field.kind)) {
        this.offsets[i] = new Int32Array(this.capacityRows + 1);
        this.data[i] = new Uint8Array(Math.min(this.capacityRows * 16, 1 << 20));
        this.dataLength[i] = 0;
      } else {
        this.fixed[i] = new Uint8Array(this.capacityRows * BYTE_WIDTH[field.kind]);
      }
    });
  }

  /** Starts appending `rows` rows; returns the row index they start at. Call `commitRows` after filling. */
  beginRows(rows: number): number {
    if (this.rows + rows > this.capacityRows) throw new Error(`batch overflow: ${this.rows} + ${rows} > ${this.capacityRows}`);
    return this.rows;
  }

  commitRows(rows: number): void {
    this.rows += rows;
  }

  /** Copies fixed-width value bytes for rows [at, at + rows). */
  setFixed(column: number, at: number, bytes: Uint8Array): void {
    const width = BYTE_WIDTH[this.fields[column]!.kind as keyof typeof BYTE_WIDTH];
    this.fixed[column]!.set(bytes, at * width);
  }

  /** A writable view of the fixed-width bytes for rows [at, at + rows), for conversions in place. */
  fixedTarget(column: number, at: number, rows: number): Uint8Array {
    const width = BYTE_WIDTH[this.fields[column]!.kind as keyof typeof BYTE_WIDTH];
    return this.fixed[column]!.subarray(at * width, (at + rows) * width);
  }

  setValidity(column: number, at: number, bits: Uint8Array | null, srcBit: number, rows: number): void {
    this.validity[column]!.append(at, bits, srcBit, rows);
  }

  /** Appends one variable-width value (row order: call for every row, empty for nulls). */
  pushBytes(column: number, row: number, bytes: Uint8Array | null): void {
    let length = this.dataLength[column]!;
    if (bytes && bytes.byteLength > 0) {
      this.charge(bytes.byteLength);
      const needed = length + bytes.byteLength;
      if (needed > this.data[column]!.byteLength) this.data[column] = grow(this.data[column]!, needed);
      this.data[column]!.set(bytes, length);
      length = needed;
      this.dataLength[column] = length;
    }
    this.offsets[column]![row + 1] = length;
  }

  /** Same as pushBytes for bytes at `src[start, start + length)`, avoiding a subarray. */
  pushByteRange(column: number, row: number, src: Uint8Array, start: number, length: number): void {
    let end = this.dataLength[column]!;
    if (length > 0) {
      this.charge(length);
      const needed = end + length;
      if (needed > this.data[column]!.byteLength) this.data[column] = grow(this.data[column]!, needed);
      const target = this.data[column]!;
      for (let i = 0; i < length; i++) target[end + i] = src[start + i]!;
      end = needed;
      this.dataLength[column] = end;
    }
    this.offsets[column]![row + 1] = end;
  }

  /** Takes the batch built so far and starts a new one. */
  take(): ColumnBatch {
    const rows = this.rows;
    const columns: ColumnData[] = this.fields.map((field, i): ColumnData => {
      const validity = this.validity[i]!.finish(rows);
      if (isVariableWidth(field.kind)) {
        return {
          kind: field.kind,
          offsets: this.offsets[i]!.slice(0, rows + 1),
          data: this.data[i]!.slice(0, this.dataLength[i]),
          validity,
        };
      }
      const width = BYTE_WIDTH[field.kind];
      const values = rows === this.capacityRows ? this.fixed[i]! : this.fixed[i]!.slice(0, rows * width);
      return { kind: field.kind, values, validity };
    });
    const batch = { fields: this.fields, rowCount: rows, columns };
    this.reset();
    return batch;
  }
}
