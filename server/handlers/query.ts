/** query/*: client SQL and selects, every frame name resolved through the caller's access. */
import { parseFrameRef } from '../../protocol';
import { ReadTracker } from '../frames/resolver';
import type { HandlerTable } from './context';
import { heavy } from './heavy';

export const queryHandlers: HandlerTable<'select' | 'sql' | 'closeResult'> = {
  sql: async ({ sql }, context) => {
    const { principal, connection, services } = context;
    const tracker = new ReadTracker();
    const result = await heavy(context, (limits) => connection.engine.runSql(sql, tracker.resolver(services.catalog.frames, principal), limits));
    connection.results.set(result.id, { kind: 'sql', sql, reads: tracker.list() });
    return result;
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
    const result = await heavy(context, (limits) => connection.engine.runSelect(request, tracker.resolver(services.catalog.frames, principal), limits));
    connection.results.set(result.id, { kind: 'select', sql: result.sql, reads: tracker.list() });
    return result;
  },

  closeResult: ({ id }, { connection }) => {
    connection.results.delete(id);
    return Promise.resolve({ closed: connection.engine.closeResult(id) });
  },
};
