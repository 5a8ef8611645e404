/**
 * The one module that talks to DuckDB (`@duckdb/node-api`, plus `@duckdb/node-bindings` for raw
 * vector memory). Everything else sees plain rows, column batches and errors.
 *
 * Fast path (see the facts note): data chunks are read straight from their vectors' data and
 * validity memory into column batches for fixed-width types; strings are copied byte-wise from
 * their 16-byte string_t headers (inline ≤ 12 bytes, one native call for longer ones). Types
 * without such a layout must be cast by the caller's SQL (see `arrowSafeType`); anything else that
 * still shows up is converted value by value to text, slowly but correctly.
 */
import { performance } from 'node:perf_hooks';
import {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTypeId,
  type DuckDBResult,
  type DuckDBType,
} from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { BatchBuilder, BYTE_WIDTH, copyBits, isVariableColumn, type ColumnBatch, type ColumnField, type ColumnKind } from '../columns';
import { duckdbValuesOf } from './arrow-duckdb';
import { arrowSchemaOf, chunkToRecordBatch } from './duckdb-arrow';

export type SqlParam = string | number | boolean | bigint | null;

/** A DuckDB type name and the column layout it is read as. */
export interface ResultColumn {
  name: string;
  /** DuckDB's type name, e.g. `DECIMAL(18,2)`. */
  type: string;
  /** null: not a direct layout (the caller should cast it; see `arrowSafeType`). */
  kind: ColumnKind | null;
  /** For DECIMAL: its width (digits) and scale. */
  precision?: number;
  scale?: number;
}

/** The batch field a result column is read into (text for columns without a direct layout). */
export function fieldOfColumn(column: ResultColumn): ColumnField {
  if (column.kind === 'decimal128') return { name: column.name, kind: 'decimal128', precision: column.precision!, scale: column.scale! };
  return { name: column.name, kind: column.kind ?? 'utf8' };
}

/** Bytes DuckDB stores one DECIMAL value of `precision` digits in (int16, int32, int64, int128). */
export function decimalWidth(precision: number): 2 | 4 | 8 | 16 {
  return precision <= 4 ? 2 : precision <= 9 ? 4 : precision <= 18 ? 8 : 16;
}

/** The DuckDB column type of a batch field. */
export function duckdbTypeOf(field: ColumnField): string {
  return field.kind === 'decimal128' ? `DECIMAL(${field.precision ?? 38},${field.scale ?? 0})` : DUCKDB_TYPE_OF_KIND[field.kind];
}

const KIND_OF_TYPE_ID: Partial<Record<DuckDBTypeId, ColumnKind>> = {
  // One byte per bool is what the copy assumes; otherwise booleans take the slow path.
  ...(bindings.sizeof_bool === 1 ? { [DuckDBTypeId.BOOLEAN]: 'bool' as const } : {}),
  [DuckDBTypeId.TINYINT]: 'int8',
  [DuckDBTypeId.SMALLINT]: 'int16',
  [DuckDBTypeId.INTEGER]: 'int32',
  [DuckDBTypeId.BIGINT]: 'int64',
  [DuckDBTypeId.UTINYINT]: 'uint8',
  [DuckDBTypeId.USMALLINT]: 'uint16',
  [DuckDBTypeId.UINTEGER]: 'uint32',
  [DuckDBTypeId.UBIGINT]: 'uint64',
  [DuckDBTypeId.FLOAT]: 'float32',
  [DuckDBTypeId.DOUBLE]: 'float64',
  [DuckDBTypeId.DATE]: 'date32',
  [DuckDBTypeId.TIME]: 'time64us',
  [DuckDBTypeId.TIMESTAMP_S]: 'timestamp_s',
  [DuckDBTypeId.TIMESTAMP_MS]: 'timestamp_ms',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp_us',
  [DuckDBTypeId.TIMESTAMP_NS]: 'timestamp_ns',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'timestamptz_us',
  [DuckDBTypeId.VARCHAR]: 'utf8',
  [DuckDBTypeId.BLOB]: 'binary',
};

/** DuckDB type names per column kind, used to create tables for uploaded data. */
export const DUCKDB_TYPE_OF_KIND: Record<ColumnKind, string> = {
  bool: 'BOOLEAN',
  int8: 'TINYINT',
  int16: 'SMALLINT',
  int32: 'INTEGER',
  int64: 'BIGINT',
  uint8: 'UTINYINT',
  uint16: 'USMALLINT',
  uint32: 'UINTEGER',
  uint64: 'UBIGINT',
  float32: 'FLOAT',
  float64: 'DOUBLE',
  date32: 'DATE',
  time64us: 'TIME',
  timestamp_s: 'TIMESTAMP_S',
  timestamp_ms: 'TIMESTAMP_MS',
  timestamp_us: 'TIMESTAMP',
  timestamp_ns: 'TIMESTAMP_NS',
  timestamptz_us: 'TIMESTAMP WITH TIME ZONE',
  decimal128: 'DECIMAL(38,0)',
  utf8: 'VARCHAR',
  binary: 'BLOB',
};

const DIRECT_TYPE_NAMES = new Set(Object.values(DUCKDB_TYPE_OF_KIND));
const KIND_OF_TYPE_NAME = new Map<string, ColumnKind>([...Object.entries(DUCKDB_TYPE_OF_KIND).map(([kind, name]) => [name, kind as ColumnKind] as const), ['TIMESTAMPTZ', 'timestamptz_us']]);

/** The layout a column of this DuckDB type is read as, after the cast `arrowSafeType` asks for. */
export function kindOfTypeName(typeName: string): ColumnKind {
  const upper = typeName.toUpperCase();
  if (upper.startsWith('DECIMAL') || upper === 'HUGEINT') return 'decimal128';
  const read = arrowSafeType(typeName) ?? upper;
  return KIND_OF_TYPE_NAME.get(read) ?? 'utf8';
}

/**
 * The type a column should be cast to before it is read as Arrow: itself when it has a direct
 * layout (DECIMAL and HUGEINT included: they are read exactly, as Decimal128); everything else (UUID,
 * INTERVAL, ENUM, LIST, STRUCT, MAP, …) as VARCHAR, DuckDB's own text form.
 */
export function arrowSafeType(typeName: string): string | null {
  const upper = typeName.toUpperCase();
  if (DIRECT_TYPE_NAMES.has(upper) || upper === 'TIMESTAMPTZ' || upper === 'HUGEINT' || upper.startsWith('DECIMAL')) return null;
  return 'VARCHAR';
}

/** Messages of DuckDB errors carry a class prefix, e.g. "Binder Error: …", "Parser Error: …". */
export function duckErrorClass(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^([A-Za-z ]+?) Error:/.exec(message);
  return match ? match[1]! : '';
}

export interface OpenOptions {
  /** Instance configuration applied at creation (settings that cannot change later). */
  config?: Record<string, string>;
}

export class DuckDatabase {
  private constructor(private readonly instance: DuckDBInstance) {}

  static async open(path: string, options: OpenOptions = {}): Promise<DuckDatabase> {
    return new DuckDatabase(await DuckDBInstance.create(path, options.config ?? {}));
  }

  async connect(): Promise<DuckConnection> {
    return new DuckConnection(await this.instance.connect());
  }

  /** Runs `task` on a connection of its own, closed afterwards. */
  async withConnection<T>(task: (conn: DuckConnection) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    try {
      return await task(conn);
    } finally {
      conn.close();
    }
  }

  close(): void {
    this.instance.closeSync();
  }
}

/** A query's complete result, read as column batches of up to `batchRows` rows (synchronously, as pulled). */
export interface MaterializedRows {
  columns: ResultColumn[];
  rowCount: number;
  batches(batchRows: number, maxBytes?: number): Generator<ColumnBatch>;
}

export class DuckConnection {
  constructor(private readonly connection: DuckDBConnection) {}

  /** Runs one statement (or several, for trusted internal SQL) and discards the result. */
  async run(sql: string, params?: SqlParam[]): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Rows as plain JS objects (BIGINT as bigint). For small internal queries. */
  async rows(sql: string, params?: SqlParam[]): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS();
  }

  /** Number of statements in `sql` (parse only, nothing runs). Throws on syntax errors. */
  async countStatements(sql: string): Promise<number> {
    const extracted = await this.connection.extractStatements(sql);
    return extracted.count;
  }

  /** Column names and types of a query's result, by preparing it (binds, does not run). */
  async describe(sql: string): Promise<ResultColumn[]> {
    const prepared = await this.connection.prepare(sql);
    try {
      const columns: ResultColumn[] = [];
      for (let i = 0; i < prepared.columnCount; i++) columns.push(describeColumn(prepared.columnName(i), prepared.columnType(i)));
      return columns;
    } finally {
      prepared.destroySync();
    }
  }

  /**
   * Runs a query and reads all of it as column batches of up to `batchRows` rows. The result is
   * materialized by DuckDB (on its own threads), then its chunks are read synchronously: no
   * round trip to the worker pool per 2048-row chunk.
   */
  async readBatches(sql: string, batchRows = 1 << 16, maxBytes?: number): Promise<{ columns: ResultColumn[]; batches: ColumnBatch[] }> {
    const result = await this.materialize(sql);
    return { columns: result.columns, batches: [...result.batches(batchRows, maxBytes)] };
  }

  /**
   * Runs a query to completion and returns its result, to be read as column batches later. The
   * result no longer needs the connection: the next query may run while this one is read.
   */
  async materialize(sql: string): Promise<MaterializedRows> {
    const result = await this.connection.run(sql);
    const columns = resultColumns(result);
    const chunks = result.chunkCount;
    return { columns, rowCount: result.rowCount, batches: (batchRows, maxBytes) => chunkBatchesSync((i) => (i < chunks ? result.getChunk(i) : null), columns, batchRows, maxBytes) };
  }

  /** Streams a query's result as column batches, fetching chunks only as the consumer pulls. */
  async streamBatches(sql: string, batchRows = 1 << 16): Promise<{ columns: ResultColumn[]; batches: AsyncIterable<ColumnBatch> }> {
    const result = await this.connection.stream(sql);
    const columns = resultColumns(result);
    return { columns, batches: chunkBatches(result, columns, batchRows) };
  }

  /**
   * Streams a query's result as Arrow record batches (one per data chunk), converted value by
   * value (duckdb-arrow.ts): for results with nested columns, which the column batches cannot hold.
   */
  async streamArrow(sql: string): Promise<{ schema: Schema; batches: AsyncGenerator<RecordBatch> }> {
    const result = await this.connection.stream(sql);
    const types: DuckDBType[] = [];
    const names: string[] = [];
    for (let i = 0; i < result.columnCount; i++) {
      names.push(result.columnName(i));
      types.push(result.columnType(i));
    }
    const schema = arrowSchemaOf(names, types);
    const batches = async function* (): AsyncGenerator<RecordBatch> {
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) return;
        yield chunkToRecordBatch(schema, types, chunk);
      }
    };
    return { schema, batches: batches() };
  }

  /** Streams a query and only counts its rows: DuckDB's own scan cost, for measurements. */
  async scanRows(sql: string): Promise<number> {
    const result = await this.connection.stream(sql);
    let rows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) return rows;
      rows += chunk.rowCount;
    }
  }

  /**
   * Appends column batches to an existing table whose columns match the batch, in order. The
   * appender's calls are synchronous: it lets other work run every few milliseconds, so a large
   * upload does not hold the event loop (and every other client) for seconds.
   */
  async appendBatches(schema: string, table: string, batches: Iterable<ColumnBatch> | AsyncIterable<ColumnBatch>, catalog?: string): Promise<void> {
    const appender = await this.connection.createAppender(table, schema, catalog ?? null);
    try {
      let slice = performance.now();
      let chunks = 0;
      for await (const batch of batches) {
        const types = appenderTypes(appender, batch.fields.length);
        for (let start = 0; start < batch.rowCount; start += CHUNK_ROWS) {
          const rows = Math.min(CHUNK_ROWS, batch.rowCount - start);
          const chunk = DuckDBDataChunk.create(types, rows);
          batch.columns.forEach((_, i) => writeVector(chunk, i, batch, start, rows));
          chunk.rowCount = rows;
          appender.appendDataChunk(chunk);
          // Hands what was appended to the table now and then, rather than holding it all in the appender.
          if (++chunks % FLUSH_CHUNKS === 0) appender.flushSync();
          if (performance.now() - slice > APPEND_SLICE_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            slice = performance.now();
          }
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /**
   * Appends an Arrow table with nested columns to an existing table of matching columns, value by
   * value (arrow-duckdb.ts): the column batches of `appendBatches` hold flat layouts only.
   */
  async appendArrow(schema: string, table: string, data: Table, catalog?: string): Promise<void> {
    const appender = await this.connection.createAppender(table, schema, catalog ?? null);
    try {
      const types = appenderTypes(appender, data.schema.fields.length);
      let slice = performance.now();
      for (const batch of data.batches) {
        const columns = data.schema.fields.map((_, i) => batch.data.children[i]!);
        for (let start = 0; start < batch.numRows; start += CHUNK_ROWS) {
          const rows = Math.min(CHUNK_ROWS, batch.numRows - start);
          const chunk = DuckDBDataChunk.create(types, rows);
          columns.forEach((column, i) => chunk.setColumnValues(i, duckdbValuesOf(column, start, rows)));
          chunk.rowCount = rows;
          appender.appendDataChunk(chunk);
          if (performance.now() - slice > APPEND_SLICE_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            slice = performance.now();
          }
        }
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    this.connection.closeSync();
  }
}

const CHUNK_ROWS = 2048;
/** Chunks appended between flushes (about 130,000 rows). */
const FLUSH_CHUNKS = 64;
/** Longest stretch the appender runs before it lets the event loop serve others. */
const APPEND_SLICE_MS = 10;

function appenderTypes(appender: import('@duckdb/node-api').DuckDBAppender, count: number): DuckDBType[] {
  const types: DuckDBType[] = [];
  for (let i = 0; i < count; i++) types.push(appender.columnType(i));
  return types;
}

function describeColumn(name: string, type: DuckDBType): ResultColumn {
  if (type.typeId === DuckDBTypeId.DECIMAL) return { name, type: type.toString(), kind: 'decimal128', precision: type.width, scale: type.scale };
  // HUGEINT (what sum() of BIGINT gives) is a little-endian int128, Decimal128's very layout: sent exact, as DECIMAL(38,0).
  if (type.typeId === DuckDBTypeId.HUGEINT) return { name, type: type.toString(), kind: 'decimal128', precision: 38, scale: 0 };
  return { name, type: type.toString(), kind: KIND_OF_TYPE_ID[type.typeId] ?? null };
}

function resultColumns(result: DuckDBResult): ResultColumn[] {
  const columns: ResultColumn[] = [];
  for (let i = 0; i < result.columnCount; i++) columns.push(describeColumn(result.columnName(i), result.columnType(i)));
  return columns;
}

function* chunkBatchesSync(chunkAt: (index: number) => DuckDBDataChunk | null, columns: ResultColumn[], batchRows: number, maxBytes?: number): Generator<ColumnBatch> {
  const fields: ColumnField[] = columns.map(fieldOfColumn);
  let builder = new BatchBuilder(fields, batchRows, maxBytes);
  let yielded = false;
  for (let index = 0; ; index++) {
    const chunk = chunkAt(index);
    if (!chunk || chunk.rowCount === 0) break;
    let offset = 0;
    while (offset < chunk.rowCount) {
      const rows = Math.min(chunk.rowCount - offset, batchRows - builder.rowCount);
      readChunk(chunk, columns, builder, offset, rows);
      offset += rows;
      if (builder.rowCount === batchRows) {
        yield builder.take();
        yielded = true;
        builder = new BatchBuilder(fields, batchRows, maxBytes);
      }
    }
  }
  // Full batches only, or one (perhaps empty) batch for a result of fewer rows.
  if (builder.rowCount > 0 || !yielded) yield builder.take();
}

async function* chunkBatches(result: DuckDBResult, columns: ResultColumn[], batchRows: number, maxBytes?: number): AsyncGenerator<ColumnBatch> {
  const fields: ColumnField[] = columns.map(fieldOfColumn);
  let builder = new BatchBuilder(fields, batchRows, maxBytes);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    let offset = 0;
    while (offset < chunk.rowCount) {
      const rows = Math.min(chunk.rowCount - offset, batchRows - builder.rowCount);
      readChunk(chunk, columns, builder, offset, rows);
      offset += rows;
      if (builder.rowCount === batchRows) {
        yield builder.take();
        builder = new BatchBuilder(fields, batchRows, maxBytes);
      }
    }
  }
  if (builder.rowCount > 0 || fields.length > 0) yield builder.take();
}

/** Copies rows [from, from + rows) of a chunk into the builder. */
function readChunk(chunk: DuckDBDataChunk, columns: ResultColumn[], builder: BatchBuilder, from: number, rows: number): void {
  const at = builder.beginRows(rows);
  const total = chunk.rowCount;
  columns.forEach((column, i) => {
    const vector = bindings.data_chunk_get_vector(chunk.chunk, i);
    const validityBytes = bindings.vector_get_validity(vector, Math.ceil(total / 64) * 8) as Uint8Array | null;
    builder.setValidity(i, at, validityBytes ?? null, from, rows);
    const kind = column.kind;
    if (kind === null) {
      readAsText(chunk, i, builder, at, from, rows);
    } else if (kind === 'utf8' || kind === 'binary') {
      readStrings(vector, validityBytes ?? null, builder, i, at, from, rows, total);
    } else if (kind === 'decimal128') {
      readDecimals(vector, decimalWidth(column.precision!), builder.fixedTarget(i, at, rows), from, rows, total);
    } else {
      const width = BYTE_WIDTH[kind];
      const data = bindings.vector_get_data(vector, total * width);
      builder.setFixed(i, at, data.subarray(from * width, (from + rows) * width));
    }
  });
  builder.commitRows(rows);
}

function readStrings(
  vector: bindings.Vector,
  validity: Uint8Array | null,
  builder: BatchBuilder,
  column: number,
  at: number,
  from: number,
  rows: number,
  total: number,
): void {
  const data = bindings.vector_get_data(vector, total * 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let r = 0; r < rows; r++) {
    const row = from + r;
    // A null's string_t is garbage (its pointer must never be followed).
    if (validity && !((validity[row >>> 3]! >>> (row & 7)) & 1)) {
      builder.pushBytes(column, at + r, null);
      continue;
    }
    const offset = row * 16;
    const length = view.getUint32(offset, true);
    if (length <= 12) builder.pushByteRange(column, at + r, data, offset + 4, length);
    else builder.pushBytes(column, at + r, bindings.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + offset + 8, length));
  }
}

/** DECIMAL values (int16/32/64/128 by width) sign-extended into Decimal128's 16 bytes each. */
function readDecimals(vector: bindings.Vector, width: 2 | 4 | 8 | 16, target: Uint8Array, from: number, rows: number, total: number): void {
  const data = bindings.vector_get_data(vector, total * width);
  if (width === 16) {
    target.set(data.subarray(from * 16, (from + rows) * 16));
    return;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new DataView(target.buffer, target.byteOffset, target.byteLength);
  for (let r = 0; r < rows; r++) {
    const at = (from + r) * width;
    const value = width === 8 ? view.getBigInt64(at, true) : BigInt(width === 4 ? view.getInt32(at, true) : view.getInt16(at, true));
    out.setBigInt64(r * 16, value, true);
    out.setBigInt64(r * 16 + 8, value < 0n ? -1n : 0n, true);
  }
}

/** Decimal128 values narrowed to DuckDB's width for `precision`; a value with more digits than that is refused. */
function narrowDecimals(field: ColumnField, values: Uint8Array, validity: Uint8Array | null, start: number, rows: number): Uint8Array {
  const precision = field.precision ?? 38;
  const width = decimalWidth(precision);
  const limit = 10n ** BigInt(precision);
  const input = new DataView(values.buffer, values.byteOffset + start * 16, rows * 16);
  const out = new Uint8Array(rows * width);
  const view = new DataView(out.buffer);
  for (let r = 0; r < rows; r++) {
    const row = start + r;
    if (validity && !((validity[row >>> 3]! >>> (row & 7)) & 1)) continue;
    const low = input.getBigUint64(r * 16, true);
    const high = input.getBigInt64(r * 16 + 8, true);
    const value = (high << 64n) | low;
    if (value >= limit || value <= -limit) {
      throw new DecimalRangeError(`column ${field.name}, row ${row + 1}: the value has more digits than DECIMAL(${precision},${field.scale ?? 0}) holds`);
    }
    if (width === 16) {
      view.setBigUint64(r * 16, low, true);
      view.setBigInt64(r * 16 + 8, high, true);
    } else if (width === 8) view.setBigInt64(r * 8, value, true);
    else if (width === 4) view.setInt32(r * 4, Number(value), true);
    else view.setInt16(r * 2, Number(value), true);
  }
  return out;
}

/** A client's decimal that does not fit its declared precision. */
export class DecimalRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecimalRangeError';
  }
}

const textEncoder = new TextEncoder();

/** Slow, correct path for types without a direct layout: DuckDB's own value, as text. */
function readAsText(chunk: DuckDBDataChunk, column: number, builder: BatchBuilder, at: number, from: number, rows: number): void {
  const vector = chunk.getColumnVector(column);
  for (let r = 0; r < rows; r++) {
    const value = vector.getItem(from + r);
    builder.pushBytes(column, at + r, value === null ? null : textEncoder.encode(String(value)));
  }
}

/** Writes rows [start, start + rows) of a batch column into a data chunk's vector. */
function writeVector(chunk: DuckDBDataChunk, column: number, batch: ColumnBatch, start: number, rows: number): void {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  const data = batch.columns[column]!;
  if (data.validity) {
    const bits = new Uint8Array(Math.ceil(rows / 64) * 8);
    copyBits(bits, 0, data.validity, start, rows);
    bindings.vector_ensure_validity_writable(vector);
    bindings.copy_data_to_vector_validity(vector, 0, bits.buffer, 0, bits.byteLength);
  }
  if (isVariableColumn(data)) {
    const { offsets, data: bytes } = data;
    for (let r = 0; r < rows; r++) {
      const row = start + r;
      if (data.validity && !((data.validity[row >>> 3]! >>> (row & 7)) & 1)) continue;
      bindings.vector_assign_string_element_len(vector, r, bytes.subarray(offsets[row], offsets[row + 1]));
    }
    return;
  }
  if (data.kind === 'decimal128') {
    const narrowed = narrowDecimals(batch.fields[column]!, data.values, data.validity, start, rows);
    bindings.copy_data_to_vector(vector, 0, narrowed.buffer as ArrayBuffer, 0, narrowed.byteLength);
    return;
  }
  const width = BYTE_WIDTH[data.kind];
  const values = data.values;
  bindings.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset + start * width, rows * width);
}
