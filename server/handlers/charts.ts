/**
 * data/chart: a quick chart's data, aggregated in the engine from all the rows of a frame version
 * that pass the filters (frames/chart-sql.ts), then read back as a few thousand numbers at most.
 * Access is checked like a window's: the frame is resolved for the caller, and the SQL names it
 * again through the caller's resolver. The answer is bounded in points and in bytes.
 */
import { tableFromIPC } from 'apache-arrow';
import { ErrorCodes, FramegateError, type ChartData, type ChartSpec, type ColumnFilter } from '../../protocol';
import type { ResolvedVersion } from '../catalog/resolve';
import { chartQuery, type ChartQuery } from '../frames/chart-sql';
import { ReadTracker } from '../frames/resolver';
import { auditReadOnce } from './audit';
import type { HandlerTable, RequestContext } from './context';
import { dataSource } from './data';
import { viewTable } from './filtered-views';
import { heavy } from './heavy';

/** Most bytes a chart's answer may take (JSON): a chart is a picture, not an export. */
export const MAX_CHART_BYTES = 512 * 1024;

type Rows = { [column: string]: unknown }[];

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Reads the aggregate's rows: a result of at most `maxRows` small rows, closed straight after. */
async function aggregateRows(context: RequestContext, query: ChartQuery): Promise<Rows> {
  const { connection, principal, services } = context;
  const tracker = new ReadTracker();
  const held = await heavy(context, (limits) => connection.engine.runSql(query.sql, tracker.resolver(services.catalog.resolver, principal), limits));
  try {
    const reservation = services.budget.reserve(held.bytes, 'a chart');
    try {
      // One more row than the chart may have: the cap is checked, not assumed.
      const window = await connection.engine.window({ source: { kind: 'result', id: held.id }, offset: 0, limit: query.maxRows + 1, maxBytes: MAX_CHART_BYTES });
      if (window.rows > query.maxRows + 1) throw new FramegateError(ErrorCodes.InternalError, 'a chart aggregate returned more rows than it may');
      return tableFromIPC(window.ipc).toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
    } finally {
      reservation.release();
    }
  } finally {
    connection.engine.closeResult(held.id);
  }
}

/** Histogram and line rows (lo, hi, n, bin, y) as bucket starts and values. */
function buckets(rows: Rows, count: number, fill: boolean): { x: number[]; y: number[]; width: number; rowCount: number } {
  const first = rows[0];
  const lo = num(first?.lo);
  const hi = num(first?.hi);
  const rowCount = num(first?.n) ?? 0;
  if (lo === null || hi === null) return { x: [], y: [], width: 0, rowCount };
  const width = hi > lo ? (hi - lo) / count : 1;
  const values = new Map<number, number>();
  for (const row of rows) {
    const bin = num(row.bin);
    if (bin !== null) values.set(bin, num(row.y) ?? 0);
  }
  const bins = fill ? Array.from({ length: hi > lo ? count : 1 }, (_, i) => i) : [...values.keys()];
  return { x: bins.map((i) => lo + i * width), y: bins.map((i) => values.get(i) ?? 0), width, rowCount };
}

export function chartData(spec: ChartSpec, query: ChartQuery, rows: Rows): Omit<ChartData, 'sql'> {
  const base = { kind: spec.kind, xTitle: query.xTitle, yTitle: query.yTitle, ...(query.temporal ? { temporal: true } : {}) };
  switch (spec.kind) {
    case 'histogram': {
      const b = buckets(rows, spec.bins ?? 30, true);
      return { ...base, x: b.x, y: b.y, binWidth: b.width, rowCount: b.rowCount };
    }
    case 'line': {
      const b = buckets(rows, spec.buckets ?? 200, false);
      return { ...base, x: b.x, y: b.y, rowCount: b.rowCount };
    }
    case 'bar':
      return {
        ...base,
        labels: rows.map((r) => (typeof r.label === 'string' ? r.label : 'NULL')),
        x: rows.map((_, i) => i),
        y: rows.map((r) => num(r.y) ?? 0),
        rowCount: num(rows[0]?.n) ?? 0,
      };
    case 'scatter': {
      const points = rows.filter((r) => num(r.x) !== null && num(r.y) !== null);
      return { ...base, x: points.map((r) => num(r.x)!), y: points.map((r) => num(r.y)!), rowCount: num(rows[0]?.n) ?? 0 };
    }
  }
}

/** A chart of `frame` (resolved for the caller): aggregated in the engine, bounded, logged. */
export async function computeChart(context: RequestContext, frame: ResolvedVersion, chart: ChartSpec, filters: readonly ColumnFilter[] | undefined): Promise<ChartData> {
  // Written (and checked against the columns' types) before anything runs.
  const query = chartQuery(viewTable(frame), chart, filters);
  const rows = await aggregateRows(context, query);
  auditReadOnce(context, { objectId: frame.object.id, version: frame.version.version }, 'chart');
  const data: ChartData = { ...chartData(chart, query, rows), sql: query.sql };
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_CHART_BYTES) throw new FramegateError(ErrorCodes.InvalidParams, `this chart would take ${bytes.toLocaleString('en-US')} bytes; ask for fewer points`);
  context.services.logger.info({ event: 'chart', kind: chart.kind, storage: frame.version.storage, rows: data.rowCount, points: data.x.length }, 'computed a chart aggregate');
  return data;
}

export const chartHandlers: HandlerTable<'chart'> = {
  chart: ({ source, chart, filters }, context) => {
    const { frame } = dataSource(source, context);
    if (!frame) throw new FramegateError(ErrorCodes.InvalidParams, 'charts are drawn from frames: save this result as a frame to chart it');
    return computeChart(context, frame, chart, filters);
  },
};
