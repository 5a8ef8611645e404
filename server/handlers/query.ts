/** query/*: client SQL and selects, every frame name resolved through the caller's access. */
import { parseFrameRef, type ResultInfo } from '../../protocol';
import type { HeldResult } from '../engine/engine';
import { ReadTracker } from '../frames/resolver';
import { auditReads } from './audit';
import type { HandlerTable, RequestContext, ResultLineage } from './context';
import { heavy } from './heavy';

/**
 * Keeps a result for the session, its bytes charged to the memory budget until it is closed or
 * the session ends; a result the budget cannot hold is dropped at once (OutOfMemory).
 */
export function keep({ connection, services }: RequestContext, result: HeldResult, lineage: Omit<ResultLineage, 'held'>): ResultInfo {
  const { bytes, ...info } = result;
  let held;
  try {
    held = services.budget.reserve(bytes, `keeping this result (${info.rowCount.toLocaleString('en-US')} rows; close results you no longer need)`);
  } catch (error) {
    connection.engine.closeResult(info.id);
    throw error;
  }
  connection.results.set(info.id, { ...lineage, held });
  return info;
}

export const queryHandlers: HandlerTable<'select' | 'sql' | 'closeResult'> = {
  sql: async ({ sql }, context) => {
    const { principal, connection, services } = context;
    const tracker = new ReadTracker();
    const result = await heavy(context, (limits) => connection.engine.runSql(sql, tracker.resolver(services.catalog.resolver, principal), limits));
    auditReads(context, tracker.list(), 'sql');
    return keep(context, result, { kind: 'sql', sql, reads: tracker.list() });
  },

  select: async ({ from, columns, filter, sort, limit }, context) => {
    const { principal, connection, services } = context;
    const tracker = new ReadTracker();
    const ref = parseFrameRef(from);
    const request = {
      from: { ...ref, text: from },
      ...(columns ? { columns } : {}),
      ...(filter ? { filter } : {}),
      ...(sort ? { sort } : {}),
      ...(limit ? { limit } : {}),
    };
    const result = await heavy(context, (limits) => connection.engine.runSelect(request, tracker.resolver(services.catalog.resolver, principal), limits));
    auditReads(context, tracker.list(), 'select');
    return keep(context, result, { kind: 'select', sql: result.sql, reads: tracker.list() });
  },

  closeResult: ({ id }, { connection }) => {
    connection.results.get(id)?.held.release();
    connection.results.delete(id);
    return Promise.resolve({ closed: connection.engine.closeResult(id) });
  },
};
