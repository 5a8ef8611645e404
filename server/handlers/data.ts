/** data/window and data/export: rows as Arrow attachments, read access checked on every call. */
import { parseFrameRef, type Source } from '../../protocol';
import type { ResolvedVersion } from '../catalog/resolve';
import type { DataSource } from '../engine/engine';
import { boundTable } from '../frames/resolver';
import { auditReadOnce, auditReads } from './audit';
import type { HandlerTable, RequestContext } from './context';

/**
 * What the engine should read for a protocol source: a frame resolved (and access-checked) now,
 * or a result of this session; and the frame version, when it is one.
 */
export function dataSource(source: Source, { principal, services }: RequestContext): { source: DataSource; frame?: ResolvedVersion } {
  if (source.kind === 'result') return { source };
  const frame = services.catalog.resolver.resolveRead(principal, parseFrameRef(source.name), 'frame', source.name);
  return { source: { kind: 'stored', table: boundTable(frame) }, frame };
}

async function* countBytes(parts: AsyncIterable<Uint8Array>, count: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const part of parts) {
    count(part.byteLength);
    yield part;
  }
}

export const dataHandlers: HandlerTable<'window' | 'export'> = {
  window: async (params, context) => {
    const { source, frame } = dataSource(params.source, context);
    const window = await context.connection.engine.window({ ...params, source });
    if (frame) auditReadOnce(context, { objectId: frame.object.id, version: frame.version.version }, 'window');
    // The attachment goes out before the reply that references it.
    const attachment = await context.connection.peer.sendAttachment(window.ipc);
    return { attachment, rowCount: window.rowCount, offset: window.offset, rows: window.rows, columns: window.columns };
  },

  export: async ({ source: requested, sort, columns }, context) => {
    const { source, frame } = dataSource(requested, context);
    const exported = await context.connection.engine.export(source, sort, columns);
    if (frame) auditReads(context, [{ objectId: frame.object.id, version: frame.version.version }], 'export');
    let bytes = 0;
    const attachment = await context.connection.peer.sendAttachment(countBytes(exported.parts, (n) => (bytes += n)));
    return { attachment, rows: exported.rowCount, bytes };
  },
};
