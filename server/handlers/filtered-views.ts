/**
 * Filtered views of frames, kept as results of the session: the first window of a filter runs
 * the filter once (SQL the gateway writes, see frames/view-sql.ts) and keeps the rows it keeps;
 * later windows, sorts and scrolling read that result through the engine's block cache and sort
 * index like any result. A few views are kept per connection, the least recently used closed
 * first; their bytes are charged to the memory budget like any result's.
 */
import type { ColumnFilter } from '../../protocol';
import type { ResolvedVersion } from '../catalog/resolve';
import { ReadTracker } from '../frames/resolver';
import { filteredSql, type ViewTable } from '../frames/view-sql';
import type { Connection, RequestContext } from './context';
import { heavy } from './heavy';
import { keep } from './query';

/** Filtered views one connection keeps (a grid shows one at a time; a few make going back cheap). */
export const MAX_VIEWS_PER_CONNECTION = 4;

interface View {
  result: Promise<{ id: string; rowCount: number }>;
}

const views = new WeakMap<Connection, Map<string, View>>();

/** The frame version a resolved reference is, as a view reads it. */
export function viewTable(frame: ResolvedVersion): ViewTable {
  return { namespace: frame.object.namespace, name: frame.object.name, version: frame.version.version, columns: frame.version.columns };
}

function close(connection: Connection, view: View): void {
  view.result
    .then(({ id }) => {
      connection.results.get(id)?.held.release();
      connection.results.delete(id);
      connection.engine.closeResult(id);
    })
    .catch(() => undefined);
}

/** The result holding `frame`'s rows that pass `filters`: kept from an earlier window, or made now. */
export function filteredView(context: RequestContext, frame: ResolvedVersion, filters: readonly ColumnFilter[]): Promise<{ id: string; rowCount: number }> {
  const { connection, principal, services } = context;
  const table = viewTable(frame);
  // Written before anything runs: a bad filter fails here with a clear error and costs nothing.
  const sql = filteredSql(table, filters);
  const key = `${frame.version.storage}\n${sql}`;
  const known = views.get(connection) ?? new Map<string, View>();
  views.set(connection, known);
  const found = known.get(key);
  if (found) {
    // Most recently used last.
    known.delete(key);
    known.set(key, found);
    return found.result;
  }
  const tracker = new ReadTracker();
  const result = heavy(context, (limits) => connection.engine.runSql(sql, tracker.resolver(services.catalog.resolver, principal), limits)).then((held) => {
    const info = keep(context, held, { kind: 'select', sql, reads: tracker.list() });
    services.logger.info({ event: 'filtered-view', session: connection.id, storage: frame.version.storage, rows: info.rowCount }, 'kept a filtered view');
    return { id: info.id, rowCount: info.rowCount };
  });
  const view: View = { result };
  known.set(key, view);
  result.catch(() => {
    if (known.get(key) === view) known.delete(key);
  });
  while (known.size > MAX_VIEWS_PER_CONNECTION) {
    const [oldestKey, oldest] = known.entries().next().value!;
    known.delete(oldestKey);
    close(connection, oldest);
  }
  return result;
}
