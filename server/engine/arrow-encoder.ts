/**
 * The one module that encodes Arrow IPC: column batches (typed arrays in Arrow's layout, filled
 * from DuckDB's vector memory) are wrapped with `makeData` without copying values, and written
 * with `RecordBatchStreamWriter`. Streams are produced part by part, one record batch at a time.
 * A window, one small batch at scrolling speed, skips the writer: its schema message is encoded
 * once per schema, its record batch metadata with apache-arrow's own message encoder, and its
 * columns write themselves straight into the body (row-slices.ts): one allocation, one copy.
 */
import {
  Binary,
  Bool,
  DataType,
  DateDay,
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
import { BufferRegion, FieldNode, Message, RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { VectorAssembler } from 'apache-arrow/visitor/vectorassembler';
import { isVariableColumn, isVariableWidth, type ColumnBatch, type ColumnData, type ColumnField, type ColumnKind } from './columns';
import type { WindowColumn } from './row-slices';

function arrowType(kind: ColumnKind): DataType {
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
    case 'utf8': return new Utf8();
    case 'binary': return new Binary();
  }
}

export function arrowSchema(fields: ColumnField[]): Schema {
  return new Schema(fields.map((f) => new Field(f.name, arrowType(f.kind), true)));
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

const ALIGN = 8;
const align = (n: number) => (n + ALIGN - 1) & ~(ALIGN - 1);
/** The end-of-stream marker: a continuation token and a zero length. */
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/** An encapsulated IPC message's prefix and metadata: continuation, padded length, flatbuffer, padding. */
function framedMetadata(message: Message): Uint8Array {
  const metadata = Message.encode(message);
  const size = align(8 + metadata.byteLength);
  const framed = new Uint8Array(size);
  const view = new DataView(framed.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, size - 8, true);
  framed.set(metadata, 8);
  return framed;
}

/** Schemas and their encoded messages, by field names and kinds (windows of a grid repeat them). */
const schemaCache = new Map<string, { schema: Schema; message: Uint8Array }>();
const SCHEMA_CACHE_ENTRIES = 256;

function cachedSchema(fields: ColumnField[]): { schema: Schema; message: Uint8Array } {
  const key = JSON.stringify(fields.map((f) => [f.name, f.kind]));
  let entry = schemaCache.get(key);
  if (!entry) {
    const schema = arrowSchema(fields);
    entry = { schema, message: framedMetadata(Message.from(schema)) };
    if (schemaCache.size >= SCHEMA_CACHE_ENTRIES) schemaCache.delete(schemaCache.keys().next().value!);
    schemaCache.set(key, entry);
  }
  return entry;
}

/**
 * One Arrow IPC stream holding one record batch: the same bytes `encodeIpc` writes, made with one
 * allocation and a cached schema message.
 */
export function encodeWindowIpc(fields: ColumnField[], batch: ColumnBatch): Uint8Array {
  const { schema, message: schemaMessage } = cachedSchema(fields);
  const assembled = VectorAssembler.assemble(toRecordBatch(schema, batch));
  const header = new RecordBatchHeader(batch.rowCount, assembled.nodes, assembled.bufferRegions, null);
  const batchMessage = framedMetadata(Message.from(header, assembled.byteLength));
  const bodyAt = schemaMessage.byteLength + batchMessage.byteLength;
  const out = new Uint8Array(bodyAt + assembled.byteLength + END_OF_STREAM.byteLength);
  out.set(schemaMessage, 0);
  out.set(batchMessage, schemaMessage.byteLength);
  const regions = assembled.bufferRegions;
  assembled.buffers.forEach((buffer, i) => {
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    out.set(bytes.subarray(0, regions[i]!.length), bodyAt + regions[i]!.offset);
  });
  out.set(END_OF_STREAM, bodyAt + assembled.byteLength);
  return out;
}

/**
 * One Arrow IPC stream of one record batch made of window columns, laid out as apache-arrow's
 * writer lays out a batch (validity, then values or offsets and data; each buffer padded to 8).
 */
export function encodeColumnsIpc(fields: ColumnField[], columns: WindowColumn[], rows: number): Uint8Array {
  const { message: schemaMessage } = cachedSchema(fields);
  const nodes: FieldNode[] = [];
  const regions: BufferRegion[] = [];
  let bodyLength = 0;
  const region = (bytes: number) => {
    regions.push(new BufferRegion(bodyLength, align(bytes)));
    bodyLength += align(bytes);
    return regions.length - 1;
  };
  const plan = columns.map((column) => {
    nodes.push(new FieldNode(rows, column.nulls));
    const validity = region(column.nulls > 0 ? Math.ceil(rows / 8) : 0);
    const offsets = isVariableWidth(column.kind) ? region(4 * (rows + 1)) : -1;
    return { validity, offsets, values: region(column.valueBytes) };
  });
  const batchMessage = framedMetadata(Message.from(new RecordBatchHeader(rows, nodes, regions, null), bodyLength));
  const bodyAt = schemaMessage.byteLength + batchMessage.byteLength;
  const out = new Uint8Array(bodyAt + bodyLength + END_OF_STREAM.byteLength);
  out.set(schemaMessage, 0);
  out.set(batchMessage, schemaMessage.byteLength);
  const at = (i: number, bytes: number) => out.subarray(bodyAt + regions[i]!.offset, bodyAt + regions[i]!.offset + bytes);
  columns.forEach((column, c) => {
    const { validity, offsets, values } = plan[c]!;
    if (column.validity) at(validity, Math.ceil(rows / 8)).set(column.validity.subarray(0, Math.ceil(rows / 8)));
    if (offsets >= 0) column.writeOffsets!(new Int32Array(out.buffer, bodyAt + regions[offsets]!.offset, rows + 1));
    // As apache-arrow writes them: booleans that are all null are all zero bits.
    if (!(column.kind === 'bool' && column.nulls === rows)) column.writeValues(at(values, column.valueBytes));
  });
  out.set(END_OF_STREAM, bodyAt + bodyLength);
  return out;
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
