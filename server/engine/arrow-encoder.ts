/**
 * The one module that encodes Arrow IPC. Column batches (typed arrays in Arrow's layout, filled
 * from DuckDB's vector memory) and windows cut out of them (row-slices.ts) write themselves
 * straight into the body of a record batch message, laid out as apache-arrow's stream writer lays
 * it out; the metadata is apache-arrow's own message encoding, and a schema's message is encoded
 * once. One allocation and one copy of the rows per batch; streams come part by part.
 * `toRecordBatch` (apache-arrow's own objects, for its writer) stays for re-encoding and tests.
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
  MessageHeader,
  MetadataVersion,
  Table as ArrowTable,
  tableToIPC,
  type Data,
  type Table,
} from 'apache-arrow';
import { FileBlock, Footer } from 'apache-arrow/ipc/metadata/file';
import { BufferRegion, FieldNode, Message, RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { isVariableColumn, isVariableWidth, type ColumnBatch, type ColumnData, type ColumnField } from './columns';
import { runColumn, type WindowColumn } from './row-slices';

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

/** Encoded schema messages, by field names and kinds (windows of a grid repeat them). */
const schemaMessages = new Map<string, Uint8Array>();
const SCHEMA_CACHE_ENTRIES = 256;

function schemaMessage(fields: ColumnField[]): Uint8Array {
  const key = JSON.stringify(fields.map((f) => [f.name, f.kind, f.precision, f.scale]));
  let message = schemaMessages.get(key);
  if (!message) {
    message = framedMetadata(Message.from(arrowSchema(fields)));
    if (schemaMessages.size >= SCHEMA_CACHE_ENTRIES) schemaMessages.delete(schemaMessages.keys().next().value!);
    schemaMessages.set(key, message);
  }
  return message;
}

/** Where a record batch's buffers go in its body, and its encoded metadata. */
interface BatchPlan {
  columns: WindowColumn[];
  rows: number;
  metadata: Uint8Array;
  regions: BufferRegion[];
  /** Per column: its validity, offsets (-1: none) and values buffer, as indexes into `regions`. */
  slots: { validity: number; offsets: number; values: number }[];
  bodyLength: number;
}

/** Lays a batch out as apache-arrow's writer does: per column validity, then values or offsets and data; each buffer padded to 8. */
function planBatch(columns: WindowColumn[], rows: number): BatchPlan {
  const nodes: FieldNode[] = [];
  const regions: BufferRegion[] = [];
  let bodyLength = 0;
  const region = (bytes: number) => {
    regions.push(new BufferRegion(bodyLength, align(bytes)));
    bodyLength += align(bytes);
    return regions.length - 1;
  };
  const slots = columns.map((column) => {
    nodes.push(new FieldNode(rows, column.nulls));
    const validity = region(column.nulls > 0 ? Math.ceil(rows / 8) : 0);
    const offsets = isVariableWidth(column.kind) ? region(4 * (rows + 1)) : -1;
    return { validity, offsets, values: region(column.valueBytes) };
  });
  const metadata = framedMetadata(Message.from(new RecordBatchHeader(rows, nodes, regions, null), bodyLength));
  return { columns, rows, metadata, regions, slots, bodyLength };
}

/** Writes a planned batch (metadata, then body) into `out` at `at` (8-byte aligned, zeroed). */
function writeBatch(plan: BatchPlan, out: Uint8Array, at: number): void {
  const { columns, rows, regions, slots } = plan;
  out.set(plan.metadata, at);
  const body = at + plan.metadata.byteLength;
  const buffer = (i: number, bytes: number) => out.subarray(body + regions[i]!.offset, body + regions[i]!.offset + bytes);
  columns.forEach((column, c) => {
    const { validity, offsets, values } = slots[c]!;
    if (column.validity) buffer(validity, Math.ceil(rows / 8)).set(column.validity.subarray(0, Math.ceil(rows / 8)));
    if (offsets >= 0) column.writeOffsets!(new Int32Array(out.buffer, out.byteOffset + body + regions[offsets]!.offset, rows + 1));
    // As apache-arrow writes them: booleans that are all null are all zero bits.
    if (!(column.kind === 'bool' && column.nulls === rows)) column.writeValues(buffer(values, column.valueBytes));
  });
}

const batchBytes = (plan: BatchPlan) => plan.metadata.byteLength + plan.bodyLength;

/** A whole batch as window columns. */
const columnsOf = (batch: ColumnBatch) => batch.columns.map((column) => runColumn([{ column, from: 0, rows: batch.rowCount }]));

/** One Arrow IPC stream of one record batch made of window columns: one allocation, one copy of the rows. */
export function encodeColumnsIpc(fields: ColumnField[], columns: WindowColumn[], rows: number): Uint8Array {
  const schema = schemaMessage(fields);
  const plan = planBatch(columns, rows);
  const out = new Uint8Array(schema.byteLength + batchBytes(plan) + END_OF_STREAM.byteLength);
  out.set(schema, 0);
  writeBatch(plan, out, schema.byteLength);
  out.set(END_OF_STREAM, schema.byteLength + batchBytes(plan));
  return out;
}

/** One complete Arrow IPC stream (schema, batches, end marker). */
export function encodeIpc(fields: ColumnField[], batches: Iterable<ColumnBatch>): Uint8Array {
  const plans = [...batches].map((batch) => planBatch(columnsOf(batch), batch.rowCount));
  const schema = schemaMessage(fields);
  const out = new Uint8Array(schema.byteLength + plans.reduce((n, p) => n + batchBytes(p), 0) + END_OF_STREAM.byteLength);
  out.set(schema, 0);
  let at = schema.byteLength;
  for (const plan of plans) {
    writeBatch(plan, out, at);
    at += batchBytes(plan);
  }
  out.set(END_OF_STREAM, at);
  return out;
}

/**
 * An Arrow IPC stream in parts: the schema, then one part per record batch (each written in one
 * allocation), then the end marker. Batches are pulled as parts are.
 */
export async function* encodeIpcParts(fields: ColumnField[], batches: AsyncIterable<ColumnBatch>): AsyncGenerator<Uint8Array> {
  yield schemaMessage(fields).slice();
  for await (const batch of batches) {
    const plan = planBatch(columnsOf(batch), batch.rowCount);
    const part = new Uint8Array(batchBytes(plan));
    writeBatch(plan, part, 0);
    yield part;
  }
  yield END_OF_STREAM.slice();
}

/** Re-encodes Arrow IPC (stream or file format) as one IPC stream, or as the IPC file format. */
export function reencodeIpc(table: Table, format: 'stream' | 'file'): Uint8Array {
  return format === 'file' ? RecordBatchFileWriter.writeAll(table).toUint8Array(true) : RecordBatchStreamWriter.writeAll(table).toUint8Array(true);
}

/** "ARROW1": the IPC file format's first and last bytes (padded to 8 at the start). */
const FILE_MAGIC = new Uint8Array([0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]);

/**
 * The Arrow IPC file format in parts, written as the batches are pulled (never held whole, unlike
 * apache-arrow's file writer, which queues every batch it is given): magic, the stream's schema and
 * batches, its end marker, then the footer that locates each batch, its length and the magic.
 */
export async function* encodeIpcFileParts(fields: ColumnField[], batches: AsyncIterable<ColumnBatch>): AsyncGenerator<Uint8Array> {
  const blocks: FileBlock[] = [];
  let position = 8;
  const head = new Uint8Array(8);
  head.set(FILE_MAGIC);
  yield head;
  const schema = schemaMessage(fields).slice();
  position += schema.byteLength;
  yield schema;
  for await (const batch of batches) {
    const plan = planBatch(columnsOf(batch), batch.rowCount);
    const part = new Uint8Array(batchBytes(plan));
    writeBatch(plan, part, 0);
    blocks.push(new FileBlock(plan.metadata.byteLength, plan.bodyLength, position));
    position += part.byteLength;
    yield part;
  }
  const footer = Footer.encode(new Footer(arrowSchema(fields), MetadataVersion.V5, blocks, []));
  const tail = new Uint8Array(END_OF_STREAM.byteLength + footer.byteLength + 4 + FILE_MAGIC.byteLength);
  tail.set(END_OF_STREAM, 0);
  tail.set(footer, END_OF_STREAM.byteLength);
  new DataView(tail.buffer).setInt32(END_OF_STREAM.byteLength + footer.byteLength, footer.byteLength, true);
  tail.set(FILE_MAGIC, END_OF_STREAM.byteLength + footer.byteLength + 4);
  yield tail;
}

/** The encapsulated messages of an IPC stream, each with its body, up to the end marker. */
function ipcMessages(stream: Uint8Array): { header: MessageHeader; bytes: Uint8Array }[] {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const messages: { header: MessageHeader; bytes: Uint8Array }[] = [];
  for (let at = 0; at + 8 <= stream.byteLength; ) {
    const length = view.getInt32(at + 4, true);
    if (length === 0) break;
    const message = Message.decode(stream.subarray(at + 8, at + 8 + length));
    const end = at + 8 + length + Number(message.bodyLength);
    messages.push({ header: message.headerType, bytes: stream.subarray(at, end) });
    at = end;
  }
  return messages;
}

/**
 * An Arrow IPC stream in parts from apache-arrow record batches (the nested-value path, whose
 * batches come from duckdb-arrow.ts): the schema and dictionaries with the first batch, then one
 * part per batch, then the end marker. Dictionaries are written once: every batch's dictionary is
 * the whole of its ENUM type, the same each time.
 */
export async function* encodeRecordBatchParts(schema: Schema, batches: AsyncIterable<RecordBatch>): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const batch of batches) {
    const messages = ipcMessages(tableToIPC(new ArrowTable([batch]), 'stream'));
    const kept = first ? messages : messages.filter((m) => m.header === MessageHeader.RecordBatch);
    const part = new Uint8Array(kept.reduce((n, m) => n + m.bytes.byteLength, 0));
    let at = 0;
    for (const m of kept) {
      part.set(m.bytes, at);
      at += m.bytes.byteLength;
    }
    first = false;
    yield part;
  }
  if (first) yield framedMetadata(Message.from(schema));
  yield END_OF_STREAM.slice();
}
