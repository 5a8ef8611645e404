/**
 * Reading numbered tables for clients: windows (a row-id range filter, ordered by the id inside
 * one task: `/*+ COALESCE(1) *\/ … ORDER BY __fg_row`, no shuffle), top-N windows of a sort not yet
 * copied, and exports streamed chunk by chunk. Results keep Spark's Arrow bytes for windows; an
 * export re-encodes each chunk without the id column after checking that the ids arrived in order.
 */
import { RecordBatch, RecordBatchReader, RecordBatchStreamWriter, Schema, Struct, makeData } from 'apache-arrow';
import type { ColumnInfo } from '../../../protocol';
import { IpcStreamJoiner, joinIpcStreams } from './arrow-streams';
import type { ConnectSession, ExecuteOptions } from './connect-session';
import { chunks, ROW_COLUMN, rowFilter, type Numbering } from './numbering';
import { sqlRelation } from './plans';
import { projection, quoteName } from './spark-types';

/** A table with a row-number column and its numbering: a stored version, a result or a sorted copy. */
export interface NumberedTable {
  table: string;
  columns: ColumnInfo[];
  numbering: Numbering;
}

export async function readWindow(session: ConnectSession, source: NumberedTable, columns: ColumnInfo[], first: number, last: number, options: ExecuteOptions): Promise<{ ipc: Uint8Array; rows: number }> {
  const filter = last < first ? 'false' : rowFilter(source.numbering, first, last);
  const sql = `SELECT /*+ COALESCE(1) */ ${projection(columns)} FROM ${source.table} WHERE ${filter} ORDER BY ${ROW_COLUMN}`;
  const result = await session.collect(sqlRelation(sql), options);
  return { ipc: joinIpcStreams(result.batches), rows: result.rows };
}

/** Rows `first … last` of `source` sorted by `order` (ending in the row id), without a sorted copy. */
export async function readTopN(session: ConnectSession, source: NumberedTable, columns: ColumnInfo[], order: string, first: number, last: number, options: ExecuteOptions): Promise<{ ipc: Uint8Array; rows: number }> {
  const sql = `SELECT ${projection(columns)} FROM ${source.table} AS src ORDER BY ${order} LIMIT ${last - first + 1} OFFSET ${first}`;
  const result = await session.collect(sqlRelation(sql), options);
  return { ipc: joinIpcStreams(result.batches), rows: result.rows };
}

/** Export chunks fetched ahead of the one being sent (so at most EXPORT_AHEAD + 1 are held). */
const EXPORT_AHEAD = 2;

/** Rows per export chunk: about 64 MiB of fixed-width values. */
function chunkRows(columns: number): number {
  return Math.max(100_000, Math.min(4_000_000, Math.floor((64 * 1024 * 1024) / (8 * Math.max(1, columns + 1)))));
}

/** The record batches of one chunk without the id column, or null when the ids were not in order. */
function inOrder(streams: Uint8Array[], idsFrom: number): RecordBatch[] | null {
  const out: RecordBatch[] = [];
  let expected = BigInt(idsFrom);
  for (const stream of streams) {
    for (const batch of RecordBatchReader.from(stream)) {
      const idIndex = batch.schema.fields.findIndex((f) => f.name === ROW_COLUMN);
      // A batch is a contiguous run of one task's scan of one file: its first and last ids show
      // whether it comes in row order (checking each id cost a BigInt compare per row).
      const ids = batch.getChildAt(idIndex)!.toArray() as BigInt64Array;
      if (ids.length > 0 && (ids[0] !== expected || ids[ids.length - 1] !== expected + BigInt(ids.length - 1))) return null;
      expected += BigInt(ids.length);
      const fields = batch.schema.fields.filter((_f, i) => i !== idIndex);
      const children = batch.data.children.filter((_c, i) => i !== idIndex);
      const schema = new Schema(fields);
      out.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children })));
    }
  }
  return out;
}

/**
 * The whole table as one Arrow IPC stream in parts, one chunk (rows of one write task) at a time,
 * the next chunk fetched while the current one is sent. A chunk whose ids do not arrive in order
 * (its file was split and read out of order) is read again sorted.
 */
export async function* exportParts(session: ConnectSession, source: NumberedTable, columns: ColumnInfo[], options: ExecuteOptions): AsyncGenerator<Uint8Array> {
  const select = `${projection(columns)}, ${quoteName(ROW_COLUMN)}`;
  const fetch = async ({ first, last }: { first: number; last: number }): Promise<Uint8Array> => {
    const filter = rowFilter(source.numbering, first, last);
    const idsFrom = Number(/BETWEEN (\d+)/.exec(filter)?.[1] ?? 0);
    const plain = await session.collect(sqlRelation(`SELECT ${select} FROM ${source.table} WHERE ${filter}`), options);
    let batches = inOrder(plain.batches, idsFrom);
    if (!batches) {
      const sorted = await session.collect(sqlRelation(`SELECT /*+ COALESCE(1) */ ${select} FROM ${source.table} WHERE ${filter} ORDER BY ${ROW_COLUMN}`), options);
      batches = inOrder(sorted.batches, idsFrom);
      if (!batches) throw new Error('export: row ids out of order after sorting');
    }
    return batches.length > 0 ? RecordBatchStreamWriter.writeAll(batches).toUint8Array(true) : new Uint8Array(0);
  };
  const joiner = new IpcStreamJoiner();
  const plan = chunks(source.numbering, chunkRows(columns.length));
  if (plan.length === 0) {
    // The schema comes first even when there are no rows: an empty window gives it.
    yield joiner.push((await readWindow(session, source, columns, 0, -1, options)).ipc);
    yield joiner.finish();
    return;
  }
  // EXPORT_AHEAD chunks are fetched while one is sent: each chunk is one Parquet file's rows,
  // read by one Spark task, so one fetch at a time would leave the other cores idle.
  const ahead: Promise<Uint8Array>[] = [];
  let planned = 0;
  const refill = () => {
    while (ahead.length < EXPORT_AHEAD && planned < plan.length) {
      const fetching = fetch(plan[planned++]!);
      fetching.catch(() => undefined); // awaited in turn; errors surface there
      ahead.push(fetching);
    }
  };
  refill();
  let started = false;
  while (ahead.length > 0) {
    const current = await ahead.shift()!;
    refill();
    // A chunk whose ids were all filtered out of its batches still carries the schema.
    if (current.byteLength > 0) {
      started = true;
      yield joiner.push(current);
    }
  }
  if (!started) yield joiner.push((await readWindow(session, source, columns, 0, -1, options)).ipc);
  yield joiner.finish();
}
