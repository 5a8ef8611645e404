/**
 * charts/*: quick charts saved as objects of the store, versioned and shared like queries. A
 * chart keeps the frame version it was drawn from (its lineage, pinned so retention keeps it),
 * the chart kind and columns, and the filters; opening it computes the aggregate again, as the
 * caller: someone who may read the chart but not its frame gets FrameNotFound, as for the frame.
 */
import { ErrorCodes, FramegateError, qualifiedName, type ChartInfo } from '../../protocol';
import { chartBody, type ChartBody } from '../catalog/kinds';
import { chartQuery } from '../frames/chart-sql';
import { ReadTracker } from '../frames/resolver';
import { auditReads } from './audit';
import { computeChart } from './charts';
import type { HandlerTable } from './context';
import { viewTable } from './filtered-views';

export const savedChartHandlers: HandlerTable<'saveChart' | 'openChart'> = {
  saveChart: ({ name, from, chart, filters, replace }, context) => {
    const { principal, services } = context;
    const frame = services.catalog.resolver.resolveText(principal, from, 'frame');
    // Checked now (columns, their types) so a saved chart is one that can be drawn.
    chartQuery(viewTable(frame), chart, filters);
    const target = services.catalog.resolver.planWrite(principal, name, 'chart');
    if (target.existing && !replace) {
      const full = qualifiedName(target.namespace, target.name);
      throw new FramegateError(ErrorCodes.FrameExists, `a chart named ${full} exists; save with replace to add a new version`, { name: full });
    }
    const source = `${qualifiedName(frame.object.namespace, frame.object.name)}@${frame.version.version}`;
    const body: ChartBody = { from: source, chart, filters };
    const tracker = new ReadTracker();
    tracker.add(frame, true);
    const recorded = services.catalog.changes.record(
      principal,
      target,
      { storage: null, columns: [], rowCount: 0, bytes: 0, source: `${chart.kind} of ${source}`, origin: { kind: 'written' }, body },
      tracker.list(),
      { replace },
    );
    services.events.versionAdded(recorded.object, recorded.version.version, recorded.created, principal.name);
    return Promise.resolve(services.catalog.describer.info(principal, recorded.object, recorded.version) as ChartInfo);
  },

  openChart: async ({ name }, context) => {
    const { principal, services } = context;
    const { object, version } = services.catalog.resolver.resolveText(principal, name, 'chart');
    auditReads(context, [{ objectId: object.id, version: version.version }], 'open');
    const body = chartBody(version);
    const frame = services.catalog.resolver.resolveText(principal, body.from, 'frame');
    const data = await computeChart(context, frame, body.chart, body.filters);
    return { info: services.catalog.describer.info(principal, object, version) as ChartInfo, data };
  },
};
