/**
 * Finds which rows sit at sorted positions [from, to) of a source, without sorting all of it.
 *
 * Sorted order is `ORDER BY <keys> NULLS LAST, rowid` (sql-text.ts `orderBy`), so the rows whose
 * first key lies in a value range [lo, hi] occupy one contiguous run of positions, and the run
 * starts after exactly the rows whose first key sorts before lo. So: estimate lo and hi from a
 * sample of the first key (quantiles a margin beyond the positions asked), count the rows before
 * lo, and sort only the rows in [lo, hi]. If the run misses the positions asked (an unlucky
 * sample), try again with a wider margin and a bigger sample; the last attempt takes every value,
 * which is a plain full sort. Rows whose first key is null come after all others: their positions are a top-N
 * query over those rows alone. Small sources are sorted whole at once.
 *
 * DuckDB does every comparison and every sort, with the same keys, so the positions agree with
 * its own ORDER BY exactly: the sampled bounds only decide how much is sorted, never the order.
 * Bounds travel as text cast back to the column's own type; they need not round-trip exactly,
 * because the count and the run use the same literal.
 */
import type { ColumnInfo, SortKey } from '../../../protocol';
import { isVariableColumn } from '../columns';
import type { RowIds } from '../row-slices';
import type { LocatedRange } from '../sort-index';
import { duckErrorClass, type DuckConnection } from './duckdb';
import { timed } from './errors';
import { findColumn, orderBy, quoteIdent, quoteLiteral, SORT_SOURCE } from './sql-text';

export interface LocateTuning {
  /** Sources of up to this many rows are sorted whole on first use. */
  wholeSortRows: number;
  /** About this many rows are sampled to estimate bounds. */
  sampleRows: number;
  /** At least this many positions are located on each side of those asked. */
  marginRows: number;
}

export const DEFAULT_LOCATE_TUNING: LocateTuning = { wholeSortRows: 500_000, sampleRows: 100_000, marginRows: 100_000 };

export interface SortTarget {
  /** Qualified, quoted table name. */
  table: string;
  columns: ColumnInfo[];
  sort: SortKey[];
  rowCount: number;
}

/** Wider margins for each retry, as multiples of the first; after the last, everything. */
const MARGIN_GROWTH = [1, 8];

/** `rowid` as 32-bit integers when every rowid fits, else as exact doubles. */
function rowidSql(rowCount: number): string {
  return rowCount <= 0xffffffff ? `${SORT_SOURCE}.rowid::UINTEGER` : `${SORT_SOURCE}.rowid::DOUBLE`;
}

/** Runs a query of one rowid column and returns the rowids in result order. */
async function readRowids(conn: DuckConnection, sql: string, rowCount: number): Promise<RowIds> {
  const { batches } = await conn.readBatches(sql, 1 << 16);
  const total = batches.reduce((n, b) => n + b.rowCount, 0);
  const out = rowCount <= 0xffffffff ? new Uint32Array(total) : new Float64Array(total);
  let at = 0;
  for (const batch of batches) {
    const column = batch.columns[0];
    if (!column || isVariableColumn(column)) throw new Error('a rowid query returned no numeric column');
    const values = column.values;
    out.set(out instanceof Uint32Array ? new Uint32Array(values.buffer, values.byteOffset, batch.rowCount) : new Float64Array(values.buffer, values.byteOffset, batch.rowCount), at);
    at += batch.rowCount;
  }
  return out;
}

async function count(conn: DuckConnection, sql: string): Promise<number> {
  const rows = await conn.rows(sql);
  return Number(rows[0]?.n ?? 0);
}

/** Rowids of sorted positions [from, to) (and some around them) of `target`. */
export async function locateSorted(conn: DuckConnection, target: SortTarget, from: number, to: number, tuning: LocateTuning, timeoutMs: number): Promise<LocatedRange[]> {
  return timed(conn, timeoutMs, async () => {
    const order = orderBy(target.columns, target.sort);
    const source = `${target.table} AS ${SORT_SOURCE}`;
    if (target.rowCount <= tuning.wholeSortRows) {
      return [{ start: 0, rowids: await readRowids(conn, `SELECT ${rowidSql(target.rowCount)} FROM ${source} ORDER BY ${order}`, target.rowCount) }];
    }
    const key = findColumn(target.columns, target.sort[0]!.column);
    const column = `${SORT_SOURCE}.${quoteIdent(key.name)}`;
    const valued = await count(conn, `SELECT count(${column}) AS n FROM ${source}`);
    const ranges: LocatedRange[] = [];
    if (from < valued) ranges.push(await locateValued(conn, { target, order, source, column, key, valued, descending: target.sort[0]!.descending === true }, from, Math.min(to, valued), tuning));
    if (to > valued) ranges.push(await locateNulls(conn, target, order, source, column, valued, Math.max(from, valued), to, tuning));
    return ranges;
  });
}

interface ValuedRun {
  target: SortTarget;
  order: string;
  source: string;
  column: string;
  key: ColumnInfo;
  /** Rows whose first key is not null: they take positions [0, valued). */
  valued: number;
  descending: boolean;
}

/** Positions [from, to) within the rows whose first key is not null. */
async function locateValued(conn: DuckConnection, run: ValuedRun, from: number, to: number, tuning: LocateTuning): Promise<LocatedRange> {
  const { target, order, source, column, valued } = run;
  const firstMargin = Math.max(tuning.marginRows, Math.ceil(valued * 0.02));
  for (let attempt = 0; ; attempt++) {
    const growth = MARGIN_GROWTH[attempt];
    const margin = growth === undefined ? valued : firstMargin * growth;
    const low = Math.max(0, from - margin);
    const high = Math.min(valued, to + margin);
    const whole = low === 0 && high === valued;
    try {
      // A retry samples more too: keys clustered by rowid make small samples of whole vectors poor.
      const bounds = whole ? { lo: null, hi: null } : await sampledBounds(conn, run, low, high, tuning.sampleRows * (growth ?? 1));
      if (!bounds) continue;
      const { lo, hi } = bounds;
      const before = run.descending ? (hi === null ? null : `${column} > ${hi}`) : lo === null ? null : `${column} < ${lo}`;
      const inside = [`${column} IS NOT NULL`, ...(lo === null ? [] : [`${column} >= ${lo}`]), ...(hi === null ? [] : [`${column} <= ${hi}`])].join(' AND ');
      const start = before === null ? 0 : await count(conn, `SELECT count(*) AS n FROM ${source} WHERE ${before}`);
      if (start > from) continue;
      const rowids = await readRowids(conn, `SELECT ${rowidSql(target.rowCount)} FROM ${source} WHERE ${inside} ORDER BY ${order}`, target.rowCount);
      if (start + rowids.length >= to) return { start, rowids };
    } catch (error) {
      // A bound this type cannot take as text, or a key quantiles do not support: sort it all.
      // Interrupts (cancel, timeout) and failures of the full sort itself are real.
      if (whole || /^INTERRUPT|^Interrupt/.test(duckErrorClass(error))) throw error;
      attempt = MARGIN_GROWTH.length - 1;
      continue;
    }
    if (whole) throw new Error(`sorted positions ${from}–${to - 1} not found in a full sort of ${valued} rows`);
  }
}

/**
 * Value bounds (SQL literals, null for no bound) whose rows should cover positions [low, high),
 * from quantiles of a sample; null when the sample gave nothing to go on.
 */
async function sampledBounds(conn: DuckConnection, run: ValuedRun, low: number, high: number, sampleRows: number): Promise<{ lo: string | null; hi: string | null } | null> {
  const { source, column, key, valued, descending } = run;
  // Positions count from the smallest value up, or from the largest down.
  const fractionOf = (position: number) => (descending ? 1 - position / valued : position / valued);
  const loFraction = descending ? (high === valued ? null : fractionOf(high)) : low === 0 ? null : fractionOf(low);
  const hiFraction = descending ? (low === 0 ? null : fractionOf(low)) : high === valued ? null : fractionOf(high);
  const fractions = [loFraction ?? 0, hiFraction ?? 1].map((f) => Math.min(1, Math.max(0, f)).toFixed(9));
  const percent = Math.min(100, (100 * sampleRows) / Math.max(1, run.target.rowCount));
  const rows = await conn.rows(`SELECT quantile_disc(${column}, [${fractions.join(', ')}])::VARCHAR[] AS q FROM ${source} TABLESAMPLE ${percent.toFixed(6)}% (SYSTEM)`);
  const quantiles = rows[0]?.q;
  if (!Array.isArray(quantiles) || quantiles.length !== 2 || quantiles.some((q) => typeof q !== 'string')) return null;
  const literal = (text: string) => `CAST(${quoteLiteral(text)} AS ${key.type})`;
  return { lo: loFraction === null ? null : literal(quantiles[0] as string), hi: hiFraction === null ? null : literal(quantiles[1] as string) };
}

/** Positions [from, to) among the rows whose first key is null (positions from `valued` on). */
async function locateNulls(conn: DuckConnection, target: SortTarget, order: string, source: string, column: string, valued: number, from: number, to: number, tuning: LocateTuning): Promise<LocatedRange> {
  const skip = Math.max(0, from - valued - tuning.marginRows);
  const take = to - valued - skip + tuning.marginRows;
  const rowids = await readRowids(conn, `SELECT ${rowidSql(target.rowCount)} FROM ${source} WHERE ${column} IS NULL ORDER BY ${order} LIMIT ${take} OFFSET ${skip}`, target.rowCount);
  return { start: valued + skip, rowids };
}
