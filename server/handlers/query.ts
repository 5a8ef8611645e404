/** query/*: client SQL and selects, every frame name resolved through the caller's access. */
import { parseFrameRef } from '../../protocol';
import { ReadTracker } from '../frames/resolver';
import { auditReads } from './audit';
import type { HandlerTable } from './context';

export const queryHandlers: HandlerTable<'select' | 'sql' | 'closeResult'> = {
  sql: async ({ sql }, context) => {
    const { principal, connection, services } = context;
    const tracker = new ReadTracker();
    const result = await connection.engine.runSql(sql, tracker.resolver(services.catalog.resolver, principal));
    connection.results.set(result.id, { kind: 'sql', sql, reads: tracker.list() });
    auditReads(context, tracker.list(), 'sql');
    return result;
  },

  select: async ({ from, columns, filter, sort, limit }, context) => {
    const { principal, connection, services } = context;
    const tracker = new ReadTracker();
    const ref = parseFrameRef(from);
    const result = await connection.engine.runSelect(
      {
        from: { ...ref, text: from },
        ...(columns ? { columns } : {}),
        ...(filter ? { filter } : {}),
        ...(sort ? { sort } : {}),
        ...(limit ? { limit } : {}),
      },
      tracker.resolver(services.catalog.resolver, principal),
    );
    connection.results.set(result.id, { kind: 'select', sql: result.sql, reads: tracker.list() });
    auditReads(context, tracker.list(), 'select');
    return result;
  },

  closeResult: ({ id }, { connection }) => {
    connection.results.delete(id);
    return Promise.resolve({ closed: connection.engine.closeResult(id) });
  },
};
