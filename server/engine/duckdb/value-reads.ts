/**
 * Windows and exports that include nested columns (LIST, ARRAY, STRUCT, MAP, UNION) or ENUM and
 * INTERVAL ones: the block cache and the direct vector copy hold flat layouts only, so these are
 * one query each, read value by value into Arrow's own types (duckdb-arrow.ts). Slower than the
 * cached path, and used only when a window or export asks for such a column; flat frames and
 * windows of a nested frame's flat columns keep the cached path.
 *
 * Row order is the cached path's: rowid order, or the sort keys then the rowid (`orderBy`), so a
 * nested window shows the same rows as a flat one at the same offset.
 */
import { makeData, RecordBatch, Schema, Struct, Table, tableToIPC } from 'apache-arrow';
import type { ColumnInfo, SortKey } from '../../../protocol';
import { encodeRecordBatchParts } from '../arrow-encoder';
import { windowTooLarge } from '../columns';
import type { ArrowWindow } from '../engine';
import type { DuckConnection } from './duckdb';
import { typeNameReadsAsArrowValues } from './duckdb-arrow';
import { timed } from './errors';
import type { ReadableSource } from './source-reads';
import { orderBy, quoteIdent, SORT_SOURCE } from './sql-text';

/** Whether any of these columns needs the value path. */
export function hasValueColumns(columns: ColumnInfo[]): boolean {
  return columns.some((c) => typeNameReadsAsArrowValues(c.type));
}

/** The columns as stored (no casts: the value path reads every type as itself). */
function select(columns: ColumnInfo[]): string {
  return columns.map((c) => `${SORT_SOURCE}.${quoteIdent(c.name)}`).join(', ');
}

function rowsSql(src: ReadableSource, columns: ColumnInfo[], sort: SortKey[] | undefined): string {
  const order = sort?.length ? orderBy(src.columns, sort) : `${SORT_SOURCE}.rowid`;
  return `SELECT ${select(columns)} FROM ${src.table} AS ${SORT_SOURCE} ORDER BY ${order}`;
}

export interface ValueWindowRequest {
  columns: ColumnInfo[];
  first: number;
  end: number;
  sort?: SortKey[];
  maxBytes?: number;
  timeoutMs: number;
}

/** Rows [first, end) of the (sorted) source as one Arrow IPC stream. */
export async function valueWindow(conn: DuckConnection, src: ReadableSource, request: ValueWindowRequest): Promise<ArrowWindow> {
  const { columns, first, end, sort, maxBytes, timeoutMs } = request;
  const unique = columns.filter((c, i) => columns.findIndex((d) => d.name === c.name) === i);
  const limit = Math.max(0, end - first);
  const sql = `${rowsSql(src, unique, sort)} LIMIT ${limit} OFFSET ${first}`;
  const { schema, batches } = await timed(conn, timeoutMs, async () => {
    const { schema, batches } = await conn.streamArrow(sql);
    const read: RecordBatch[] = [];
    let bytes = 0;
    for await (const batch of batches) {
      bytes += batch.data.byteLength;
      // Checked as rows arrive: a window of long lists is refused before it is all held.
      if (maxBytes !== undefined && bytes > maxBytes) throw windowTooLarge(maxBytes);
      read.push(batch);
    }
    return { schema, batches: read };
  });
  const table = picked(schema, batches, unique, columns);
  return { rowCount: src.rowCount, offset: first, rows: table.numRows, columns, ipc: tableToIPC(table, 'stream') };
}

/** The unique columns read, laid out as asked (a window may name a column twice). */
function picked(schema: Schema, batches: RecordBatch[], unique: ColumnInfo[], columns: ColumnInfo[]): Table {
  if (unique.length === columns.length) return batches.length ? new Table(batches) : new Table(schema);
  const at = columns.map((c) => unique.findIndex((u) => u.name === c.name));
  const out = new Schema(at.map((i) => schema.fields[i]!));
  const rebatched = batches.map((b) => new RecordBatch(out, makeData({ type: new Struct(out.fields), length: b.numRows, nullCount: 0, children: at.map((i) => b.data.children[i]!) })));
  return rebatched.length ? new Table(rebatched) : new Table(out);
}

/** The whole (sorted) source as Arrow IPC stream parts, one per DuckDB chunk, pulled as sent. */
export async function valueExport(conn: DuckConnection, src: ReadableSource, columns: ColumnInfo[], sort?: SortKey[]): Promise<AsyncGenerator<Uint8Array>> {
  const { schema, batches } = await conn.streamArrow(rowsSql(src, columns, sort));
  return encodeRecordBatchParts(schema, batches);
}
