/** Charts: a quick chart of a frame version (kind, columns, filters), aggregated again when opened. */
import type { ChartInfo, ChartSpec, ColumnFilter } from '../../../protocol';
import type { VersionRecord } from '../records';
import type { KindPart } from './kind';

/** What a chart version holds (versions.body). */
export interface ChartBody {
  /** The frame version drawn from, `ns.name@N`. */
  from: string;
  chart: ChartSpec;
  filters: ColumnFilter[];
}

export function chartBody(version: VersionRecord): ChartBody {
  const body = (version.body ?? {}) as Partial<ChartBody>;
  return { from: body.from ?? '', chart: body.chart ?? { kind: 'histogram', column: '' }, filters: body.filters ?? [] };
}

export const chartPart: KindPart = {
  kind: 'chart',
  info: (base, latest): ChartInfo => {
    const body = chartBody(latest);
    return { ...base, kind: 'chart', from: body.from, chart: body.chart, filters: body.filters };
  },
};
