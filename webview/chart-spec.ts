/**
 * Which quick chart suits a column, and a chart's data as Chart.js draws it. The data is the
 * gateway's aggregate (data/chart): at most a few thousand numbers, never rows. Pure.
 */
import type { ChartData as ChartConfigData, ChartType } from 'chart.js';
import type { ChartData, ChartSpec, ColumnInfo } from '../protocol';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?)$/i;
const TEMPORAL = /^(DATE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ)$/i;

export function isNumericColumn(column: ColumnInfo): boolean {
  return NUMERIC.test(column.type);
}

export function isTemporalColumn(column: ColumnInfo): boolean {
  return TEMPORAL.test(column.type);
}

/** The first chart of a column: numbers as a histogram, times as rows over time, the rest as top values. */
export function defaultChart(column: ColumnInfo): ChartSpec {
  if (isNumericColumn(column)) return { kind: 'histogram', column: column.name, bins: 30 };
  if (isTemporalColumn(column)) return { kind: 'line', x: column.name, aggregate: 'count', buckets: 100 };
  return { kind: 'bar', x: column.name, aggregate: 'count', limit: 20 };
}

/** A chart's title: `histogram of amount`, `count by region`. */
export function chartTitle(data: Pick<ChartData, 'kind' | 'xTitle' | 'yTitle'>): string {
  switch (data.kind) {
    case 'histogram':
      return `histogram of ${data.xTitle}`;
    case 'scatter':
      return `${data.yTitle} against ${data.xTitle}`;
    default:
      return `${data.yTitle} by ${data.xTitle}`;
  }
}

function axisLabel(value: number, temporal: boolean | undefined, locale: string | undefined): string {
  if (temporal) return new Date(value * 1000).toISOString().slice(0, 10);
  return value.toLocaleString(locale, { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 3 });
}

/** What Chart.js draws: a type and its data (labels for categories, points for scatter). */
export function chartConfigData(data: ChartData, locale?: string): { type: ChartType; data: ChartConfigData } {
  const label = chartTitle(data);
  switch (data.kind) {
    case 'histogram': {
      const width = data.binWidth ?? 0;
      const labels = data.x.map((lo) => `${axisLabel(lo, data.temporal, locale)} – ${axisLabel(lo + width, data.temporal, locale)}`);
      return { type: 'bar', data: { labels, datasets: [{ label, data: data.y, barPercentage: 1, categoryPercentage: 1 }] } };
    }
    case 'bar':
      return { type: 'bar', data: { labels: data.labels ?? [], datasets: [{ label, data: data.y }] } };
    case 'line':
      return { type: 'line', data: { labels: data.x.map((x) => axisLabel(x, data.temporal, locale)), datasets: [{ label, data: data.y, pointRadius: 0 }] } };
    case 'scatter':
      return { type: 'scatter', data: { datasets: [{ label, data: data.x.map((x, i) => ({ x, y: data.y[i]! })), pointRadius: 2 }] } };
  }
}
