/**
 * The queries that read a source's rows for the caches: one block by rowid range, rows picked by
 * rowid, and the whole source in rowid order as blocks. Sources are immutable tables whose rowids
 * are 0…n-1 (stored data, results), so a rowid range is a block and rowid order is row order.
 */
import type { ColumnInfo } from '../../../protocol';
import type { ColumnBatch, ColumnData } from '../columns';
import type { DuckConnection, MaterializedRows } from './duckdb';
import { timed } from './errors';
import { projection, SORT_SOURCE } from './sql-text';

/** A readable table: stored data, or a result of a session. */
export interface ReadableSource {
  /** Qualified, quoted table name; also the caches' key for it. */
  table: string;
  columns: ColumnInfo[];
  rowCount: number;
  /** The stored data it is (held while read); empty for results. */
  storage: string[];
}

/** Rows [from, from + rows) of `columns`, in that order. */
export async function readRowRange(conn: DuckConnection, src: ReadableSource, columns: ColumnInfo[], from: number, rows: number, timeoutMs: number): Promise<ColumnData[]> {
  const sql = `SELECT ${projection(columns)} FROM ${src.table} WHERE rowid BETWEEN ${from} AND ${from + rows - 1}`;
  const { batches } = await timed(conn, timeoutMs, () => conn.readBatches(sql, Math.max(1, rows)));
  const batch = batches[0];
  if (!batch || batch.rowCount !== rows || batches.length !== 1) {
    throw new Error(`rows ${from}–${from + rows - 1} of ${src.table} came back as ${batches.map((b) => b.rowCount).join('+') || 0} rows`);
  }
  return batch.columns;
}

/**
 * The rows with these rowids, as columns in the order of `rowids`. DuckDB finds them with one
 * scan of the rowid range they span (it has no index on rowid to jump to): what the rows of a
 * sorted window cost while their blocks are not held.
 */
export async function readRowsById(conn: DuckConnection, src: ReadableSource, columns: ColumnInfo[], rowids: ArrayLike<number>, timeoutMs: number): Promise<{ batch: ColumnBatch; order: Uint32Array }> {
  let low = Infinity;
  let high = -1;
  for (let i = 0; i < rowids.length; i++) {
    low = Math.min(low, rowids[i]!);
    high = Math.max(high, rowids[i]!);
  }
  // The range lets DuckDB skip the row groups outside it (its rowid zone maps are exact).
  const rowid = `${SORT_SOURCE}.rowid`;
  const sql = `SELECT ${rowid} AS r, ${projection(columns)} FROM ${src.table} AS ${SORT_SOURCE} WHERE ${rowid} BETWEEN ${low} AND ${high} AND ${rowid} IN (${Array.from(rowids).join(', ')})`;
  const { batches } = await timed(conn, timeoutMs, () => conn.readBatches(sql, Math.max(1, rowids.length)));
  const batch = batches[0];
  const ids = batch?.columns[0];
  if (!batch || batches.length !== 1 || batch.rowCount !== rowids.length || !ids || ids.kind !== 'int64') throw new Error(`${rowids.length} rows of ${src.table} by rowid came back as ${batch?.rowCount ?? 0}`);
  const found = new BigInt64Array(ids.values.buffer, ids.values.byteOffset, batch.rowCount);
  const at = new Map<number, number>();
  for (let i = 0; i < found.length; i++) at.set(Number(found[i]), i);
  // Where each asked-for row is in the result.
  const order = new Uint32Array(rowids.length);
  for (let i = 0; i < rowids.length; i++) {
    const index = at.get(rowids[i]!);
    if (index === undefined) throw new Error(`row ${rowids[i]} of ${src.table} was not found by rowid`);
    order[i] = index;
  }
  return { batch: { fields: batch.fields.slice(1), rowCount: batch.rowCount, columns: batch.columns.slice(1) }, order };
}

/**
 * The source in rowid order from block `fromBlock` on, as blocks of `blockRows` rows (block i is
 * rows [i·B, (i+1)·B)), read in pieces of `pieceBlocks` blocks. While one piece is converted and
 * consumed, DuckDB is already running the query of the next on its own threads. `beforePiece`,
 * when given, is awaited before each piece's query starts (background reads wait for windows).
 */
export async function* readBlocks(
  conn: DuckConnection,
  src: ReadableSource,
  columns: ColumnInfo[],
  blockRows: number,
  pieceBlocks: number,
  timeoutMs: number,
  fromBlock = 0,
  beforePiece?: () => Promise<void>,
): AsyncGenerator<ColumnBatch> {
  const pieceRows = blockRows * pieceBlocks;
  const start = fromBlock * blockRows;
  const piece = (from: number): Promise<MaterializedRows> => {
    const sql = `SELECT ${projection(columns)} FROM ${src.table} WHERE rowid BETWEEN ${from} AND ${Math.min(src.rowCount, from + pieceRows) - 1}`;
    const running = (beforePiece ? beforePiece() : Promise.resolve()).then(() => timed(conn, timeoutMs, () => conn.materialize(sql)));
    running.catch(() => undefined); // awaited below unless the consumer stops first
    return running;
  };
  let next: Promise<MaterializedRows> | null = start < src.rowCount ? piece(start) : null;
  for (let from = start; next; from += pieceRows) {
    const current = await next;
    next = from + pieceRows < src.rowCount ? piece(from + pieceRows) : null;
    const expected = Math.min(pieceRows, src.rowCount - from);
    if (current.rowCount !== expected) throw new Error(`rows ${from}–${from + expected - 1} of ${src.table} came back as ${current.rowCount} rows`);
    try {
      yield* current.batches(blockRows);
    } finally {
      // A consumer that stops early must not leave the next piece's query running unobserved.
      if (next) await next.catch(() => undefined);
    }
  }
}
