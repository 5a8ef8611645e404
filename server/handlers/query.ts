/** query/*: client SQL and selects, every frame name resolved through the caller's access. */
import { parseFrameRef } from '../../protocol';
import { ReadTracker } from '../frames/resolver';
import type { HandlerTable } from './context';

export const queryHandlers: HandlerTable<'select' | 'sql' | 'closeResult'> = {
  sql: async ({ sql }, { principal, connection, services }) => {
    const tracker = new ReadTracker();
    const result = await connection.engine.runSql(sql, tracker.resolver(services.catalog.frames, principal));
    connection.results.set(result.id, { kind: 'sql', sql, reads: tracker.list() });
    return result;
  },

  select: async ({ from, columns, filter, sort, limit }, { principal, connection, services }) => {
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
      tracker.resolver(services.catalog.frames, principal),
    );
    connection.results.set(result.id, { kind: 'select', sql: result.sql, reads: tracker.list() });
    return result;
  },

  closeResult: ({ id }, { connection }) => {
    connection.results.delete(id);
    return Promise.resolve({ closed: connection.engine.closeResult(id) });
  },
};
