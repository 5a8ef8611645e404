/**
 * The one module that encodes Arrow IPC: column batches (typed arrays in Arrow's layout, filled
 * from DuckDB's vector memory) are wrapped with `makeData` without copying values, and written
 * with `RecordBatchStreamWriter`. Streams are produced part by part, one record batch at a time.
 */
import {
  Binary,
  Bool,
  DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  RecordBatch,
  RecordBatchStreamWriter,
  RecordBatchFileWriter,
  Schema,
  Struct,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
  type Data,
  type Table,
} from 'apache-arrow';
import { isVariableColumn, type ColumnBatch, type ColumnData, type ColumnField } from './columns';

function arrowType({ kind, precision, scale }: ColumnField): DataType {
  switch (kind) {
    case 'bool': return new Bool();
    case 'int8': return new Int8();
    case 'int16': return new Int16();
    case 'int32': return new Int32();
    case 'int64': return new Int64();
    case 'uint8': return new Uint8();
    case 'uint16': return new Uint16();
    case 'uint32': return new Uint32();
    case 'uint64': return new Uint64();
    case 'float32': return new Float32();
    case 'float64': return new Float64();
    case 'date32': return new DateDay();
    case 'time64us': return new TimeMicrosecond();
    case 'timestamp_s': return new TimestampSecond();
    case 'timestamp_ms': return new TimestampMillisecond();
    case 'timestamp_us': return new TimestampMicrosecond();
    case 'timestamp_ns': return new TimestampNanosecond();
    case 'timestamptz_us': return new TimestampMicrosecond('UTC');
    case 'decimal128': return new Decimal(scale ?? 0, precision ?? 38, 128);
    case 'utf8': return new Utf8();
    case 'binary': return new Binary();
  }
}

export function arrowSchema(fields: ColumnField[]): Schema {
  return new Schema(fields.map((f) => new Field(f.name, arrowType(f), true)));
}

/** DuckDB booleans are one byte each; Arrow packs them into bits. */
function packBooleans(bytes: Uint8Array, rows: number): Uint8Array {
  const bits = new Uint8Array(Math.ceil(rows / 8));
  for (let i = 0; i < rows; i++) if (bytes[i]) bits[i >>> 3]! |= 1 << (i & 7);
  return bits;
}

function columnData(type: DataType, column: ColumnData, rows: number): Data {
  const nullBitmap = column.validity ?? undefined;
  if (isVariableColumn(column)) {
    return makeData({ type: type as Utf8, length: rows, nullBitmap, valueOffsets: column.offsets, data: column.data });
  }
  const values = column.kind === 'bool' ? packBooleans(column.values, rows) : column.values;
  // makeData views the bytes as the type's array type (same buffer, no copy).
  return makeData({ type: type as Int32, length: rows, nullBitmap, data: values });
}

export function toRecordBatch(schema: Schema, batch: ColumnBatch): RecordBatch {
  const children = schema.fields.map((field, i) => columnData(field.type as DataType, batch.columns[i]!, batch.rowCount));
  const struct = makeData({ type: new Struct(schema.fields), length: batch.rowCount, nullCount: 0, children });
  return new RecordBatch(schema, struct);
}

/** A stream writer whose output is taken part by part instead of queued until the end. */
class PartWriter extends RecordBatchStreamWriter {
  private pending: Uint8Array[] = [];

  protected override _write(chunk: ArrayBufferView): this {
    if (chunk.byteLength > 0) {
      // Copy: the writer reuses nothing, but our value buffers may be pooled by callers.
      this.pending.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this._position += chunk.byteLength;
    }
    return this;
  }

  takePart(): Uint8Array {
    const part = Buffer.concat(this.pending);
    this.pending = [];
    return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  }
}

/** One complete Arrow IPC stream (schema, batches, end marker). */
export function encodeIpc(fields: ColumnField[], batches: Iterable<ColumnBatch>): Uint8Array {
  const schema = arrowSchema(fields);
  const writer = new PartWriter();
  writer.reset(undefined, schema);
  for (const batch of batches) writer.write(toRecordBatch(schema, batch));
  writer.finish();
  return writer.takePart();
}

/**
 * An Arrow IPC stream in parts: the first part carries the schema (and the first batch), each
 * later part one record batch, the last one the end marker. Batches are pulled as parts are.
 */
export async function* encodeIpcParts(fields: ColumnField[], batches: AsyncIterable<ColumnBatch>): AsyncGenerator<Uint8Array> {
  const schema = arrowSchema(fields);
  const writer = new PartWriter();
  writer.reset(undefined, schema);
  for await (const batch of batches) {
    writer.write(toRecordBatch(schema, batch));
    yield writer.takePart();
  }
  writer.finish();
  yield writer.takePart();
}

/** Re-encodes Arrow IPC (stream or file format) as one IPC stream, or as the IPC file format. */
export function reencodeIpc(table: Table, format: 'stream' | 'file'): Uint8Array {
  return format === 'file' ? RecordBatchFileWriter.writeAll(table).toUint8Array(true) : RecordBatchStreamWriter.writeAll(table).toUint8Array(true);
}
