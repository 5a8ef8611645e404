/**
 * The aggregate queries behind quick charts, written by the gateway from a chart spec (column
 * names checked and quoted, counts bounded by the schema): each returns at most a few thousand
 * small rows however many rows the frame has, so a chart never moves the frame's rows.
 * Every query reads the filtered rows as `f`, and reports the rows it read as `n`.
 */
import { ErrorCodes, FramegateError, type ChartSpec, type ColumnFilter, type ColumnInfo } from '../../protocol';
import { columnOf, isNumericType, isTemporalType, quoteIdent, tableSql, whereClause, type ViewTable } from './view-sql';

/** Labels of bars are cut to this many characters (the chart shows a few words). */
export const MAX_LABEL_CHARS = 200;

export interface ChartQuery {
  sql: string;
  /** Most rows the query returns. */
  maxRows: number;
  /** x holds times as seconds since 1970. */
  temporal: boolean;
  xTitle: string;
  yTitle: string;
}

function wrongType(message: string, column: string): FramegateError {
  return new FramegateError(ErrorCodes.InvalidParams, message, { column });
}

/** A numeric (or temporal) column as a DOUBLE axis value. */
function axis(column: ColumnInfo, use: string, allowTemporal: boolean): { sql: string; temporal: boolean } {
  const name = quoteIdent(column.name);
  if (isNumericType(column.type)) return { sql: `CAST(${name} AS DOUBLE)`, temporal: false };
  if (allowTemporal && isTemporalType(column.type)) return { sql: `CAST(epoch(${name}) AS DOUBLE)`, temporal: true };
  throw wrongType(`${use} needs a ${allowTemporal ? 'numeric or date/time' : 'numeric'} column; ${column.name} is ${column.type}`, column.name);
}

/** What a bar or line measures: `input` is read into `f` as `yv`, `over(ref)` aggregates it. */
interface Measure {
  input?: string;
  over(ref: string): string;
  title: string;
}

function measure(columns: ColumnInfo[], aggregate: 'count' | 'sum' | 'avg', y: string | undefined, use: string): Measure {
  if (aggregate === 'count') return { over: () => 'count(*)', title: 'count' };
  if (y === undefined) throw new FramegateError(ErrorCodes.InvalidParams, `${use} with ${aggregate} needs a y column`);
  const column = columnOf(columns, y);
  return { input: axis(column, `${aggregate}(y)`, false).sql, over: (ref) => `${aggregate}(${ref})`, title: `${aggregate}(${column.name})` };
}

/** Equal-width bucket of `v` in [lo, hi] (the last includes hi), 0 when all values are equal. */
function bucket(v: string, count: number): string {
  return `CASE WHEN r.hi = r.lo THEN 0 ELSE LEAST(${count - 1}, CAST(floor((${v} - r.lo) * ${count} / (r.hi - r.lo)) AS BIGINT)) END`;
}

/** The aggregate query of a chart over `table`'s rows that pass `filters`. */
export function chartQuery(table: ViewTable, spec: ChartSpec, filters: readonly ColumnFilter[] | undefined): ChartQuery {
  const { columns } = table;
  const from = `${tableSql(table)} ${whereClause(columns, filters)}`.trim();
  switch (spec.kind) {
    case 'histogram': {
      const bins = spec.bins ?? 30;
      const column = columnOf(columns, spec.column);
      const x = axis(column, 'a histogram', true);
      const sql =
        `WITH f AS (SELECT ${x.sql} AS v FROM ${from}), r AS (SELECT min(v) AS lo, max(v) AS hi, count(*) AS n FROM f), ` +
        `b AS (SELECT ${bucket('f.v', bins)} AS bin, count(*) AS c FROM f, r WHERE f.v IS NOT NULL GROUP BY bin) ` +
        `SELECT r.lo AS lo, r.hi AS hi, CAST(r.n AS DOUBLE) AS n, CAST(b.bin AS DOUBLE) AS bin, CAST(b.c AS DOUBLE) AS y FROM r LEFT JOIN b ON true ORDER BY b.bin`;
      return { sql, maxRows: bins, temporal: x.temporal, xTitle: column.name, yTitle: 'count' };
    }
    case 'bar': {
      const limit = spec.limit ?? 20;
      const column = columnOf(columns, spec.x);
      const m = measure(columns, spec.aggregate ?? 'count', spec.y, 'a bar chart');
      const sql =
        `WITH f AS (SELECT ${quoteIdent(column.name)} AS k${m.input ? `, ${m.input} AS yv` : ''} FROM ${from}) ` +
        `SELECT left(CAST(k AS VARCHAR), ${MAX_LABEL_CHARS}) AS label, CAST(${m.over('yv')} AS DOUBLE) AS y, CAST(sum(count(*)) OVER () AS DOUBLE) AS n ` +
        `FROM f GROUP BY k ORDER BY y DESC NULLS LAST, label NULLS LAST LIMIT ${limit}`;
      return { sql, maxRows: limit, temporal: false, xTitle: column.name, yTitle: m.title };
    }
    case 'line': {
      const buckets = spec.buckets ?? 200;
      const column = columnOf(columns, spec.x);
      const x = axis(column, 'a line chart', true);
      const m = measure(columns, spec.aggregate ?? 'avg', spec.y, 'a line chart');
      const sql =
        `WITH f AS (SELECT ${x.sql} AS xv${m.input ? `, ${m.input} AS yv` : ''} FROM ${from}), r AS (SELECT min(xv) AS lo, max(xv) AS hi, count(*) AS n FROM f), ` +
        `b AS (SELECT ${bucket('f.xv', buckets)} AS bin, ${m.over('f.yv')} AS a FROM f, r WHERE f.xv IS NOT NULL GROUP BY bin) ` +
        `SELECT r.lo AS lo, r.hi AS hi, CAST(r.n AS DOUBLE) AS n, CAST(b.bin AS DOUBLE) AS bin, CAST(b.a AS DOUBLE) AS y FROM r LEFT JOIN b ON true ORDER BY b.bin`;
      return { sql, maxRows: buckets, temporal: x.temporal, xTitle: column.name, yTitle: m.title };
    }
    case 'scatter': {
      const limit = spec.limit ?? 2_000;
      const xColumn = columnOf(columns, spec.x);
      const yColumn = columnOf(columns, spec.y);
      const x = axis(xColumn, 'a scatter plot', true);
      const y = axis(yColumn, 'a scatter plot', false);
      // A fixed seed: the same frame and filters draw the same points every time.
      const sql =
        `WITH f AS (SELECT ${x.sql} AS xv, ${y.sql} AS yv FROM ${from}), r AS (SELECT count(*) AS n FROM f) ` +
        `SELECT s.xv AS x, s.yv AS y, CAST(r.n AS DOUBLE) AS n FROM r LEFT JOIN (SELECT * FROM (SELECT xv, yv FROM f WHERE xv IS NOT NULL AND yv IS NOT NULL) USING SAMPLE reservoir(${limit} ROWS) REPEATABLE (7)) AS s ON true`;
      return { sql, maxRows: limit, temporal: x.temporal, xTitle: xColumn.name, yTitle: yColumn.name };
    }
  }
}
