/**
 * Row numbers without OFFSET. Every table the engine writes (stored versions, results, sorted
 * copies) gets a column `__fg_row = monotonically_increasing_id()` in the same write: the id of
 * the write task in the upper 31 bits, the row's index within that task in the lower 33. One
 * aggregate over that column, once per table, gives each task's row count; row k of the table is
 * then one id, and a window is a range filter on a column that is sorted within each Parquet file
 * (row groups and pages outside it are skipped by their statistics), as flat at row 10,000,000 as
 * at row 0.
 */
import type { ConnectSession, ExecuteOptions } from './connect-session';
import { sqlRelation } from './plans';
import { tableFromIPC } from 'apache-arrow';

export const ROW_COLUMN = '__fg_row';
/** `monotonically_increasing_id()` puts the partition id above bit 33. */
const PARTITION_SHIFT = 2 ** 33;

/** The rows one write task produced: ids `base … base + count - 1` are rows `start … start + count - 1`. */
export interface RowBlock {
  base: number;
  start: number;
  count: number;
}

export interface Numbering {
  rowCount: number;
  blocks: RowBlock[];
}

/** Counts the rows of each write task of `table` (one scan of the row column). */
export async function numberRows(session: ConnectSession, table: string, options: ExecuteOptions): Promise<Numbering> {
  const result = await session.collect(
    sqlRelation(`SELECT shiftright(${ROW_COLUMN}, 33) AS p, count(*) AS n, min(${ROW_COLUMN}) AS lo, max(${ROW_COLUMN}) AS hi FROM ${table} GROUP BY 1 ORDER BY 1`),
    options,
  );
  const blocks: RowBlock[] = [];
  let start = 0;
  for (const batch of result.batches) {
    const t = tableFromIPC(batch);
    const p = t.getChild('p')!;
    const n = t.getChild('n')!;
    const lo = t.getChild('lo')!;
    const hi = t.getChild('hi')!;
    for (let i = 0; i < t.numRows; i++) {
      const base = Number(p.get(i) as bigint) * PARTITION_SHIFT;
      const count = Number(n.get(i) as bigint);
      // Ids of one task are dense from its base: anything else means the column is not ours.
      if (Number(lo.get(i) as bigint) !== base || Number(hi.get(i) as bigint) !== base + count - 1) {
        throw new Error(`${table}: ${ROW_COLUMN} is not a dense per-task numbering`);
      }
      blocks.push({ base, start, count });
      start += count;
    }
  }
  return { rowCount: start, blocks };
}

/** Id ranges `[lo, hi]` covering rows `first … last` (inclusive), in row order. */
export function idRanges(numbering: Numbering, first: number, last: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const block of numbering.blocks) {
    const from = Math.max(first, block.start);
    const to = Math.min(last, block.start + block.count - 1);
    if (from <= to) ranges.push([block.base + (from - block.start), block.base + (to - block.start)]);
  }
  return ranges;
}

/** A WHERE condition selecting rows `first … last`. */
export function rowFilter(numbering: Numbering, first: number, last: number): string {
  const ranges = idRanges(numbering, first, last);
  if (ranges.length === 0) return 'false';
  return ranges.map(([lo, hi]) => `(${ROW_COLUMN} BETWEEN ${lo} AND ${hi})`).join(' OR ');
}

/**
 * Rows `first … last` in chunks of at most `size` rows that never span two write tasks: a chunk
 * is then rows of one Parquet file, which Spark reads in file order, so a plain filtered scan
 * returns them in row order without a sort.
 */
export function chunks(numbering: Numbering, size: number): { first: number; last: number }[] {
  const out: { first: number; last: number }[] = [];
  for (const block of numbering.blocks) {
    for (let first = block.start; first < block.start + block.count; first += size) {
      out.push({ first, last: Math.min(first + size, block.start + block.count) - 1 });
    }
  }
  return out;
}
