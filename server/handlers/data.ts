/** data/window and data/export: rows as Arrow attachments, read access checked on every call. */
import { parseFrameRef, type Source } from '../../protocol';
import type { DataSource } from '../engine/engine';
import { boundTable } from '../frames/resolver';
import type { HandlerTable, RequestContext } from './context';

/** What the engine should read for a protocol source: a frame resolved (and access-checked) now, or a result of this session. */
export function dataSource(source: Source, { principal, services }: RequestContext): DataSource {
  if (source.kind === 'result') return source;
  return { kind: 'stored', table: boundTable(services.catalog.frames.resolveRead(principal, parseFrameRef(source.name), source.name)) };
}

async function* countBytes(parts: AsyncIterable<Uint8Array>, count: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const part of parts) {
    count(part.byteLength);
    yield part;
  }
}

export const dataHandlers: HandlerTable<'window' | 'export'> = {
  window: async (params, context) => {
    const window = await context.connection.engine.window({ ...params, source: dataSource(params.source, context) });
    // The attachment goes out before the reply that references it.
    const attachment = await context.connection.peer.sendAttachment(window.ipc);
    return { attachment, rowCount: window.rowCount, offset: window.offset, rows: window.rows, columns: window.columns };
  },

  export: async ({ source, sort, columns }, context) => {
    const exported = await context.connection.engine.export(dataSource(source, context), sort, columns);
    let bytes = 0;
    const attachment = await context.connection.peer.sendAttachment(countBytes(exported.parts, (n) => (bytes += n)));
    return { attachment, rows: exported.rowCount, bytes };
  },
};
