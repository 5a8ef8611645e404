/** data/window and data/export: rows as Arrow attachments, read access checked on every call. */
import { ErrorCodes, FramegateError, Notifications, parseFrameRef, type Source } from '../../protocol';
import type { ResolvedVersion } from '../catalog/resolve';
import type { DataSource } from '../engine/engine';
import { boundTable } from '../frames/resolver';
import { viewSql } from '../frames/view-sql';
import { auditReadOnce, auditReads } from './audit';
import type { HandlerTable, RequestContext } from './context';
import { filteredView, viewTable } from './filtered-views';

/**
 * What the engine should read for a protocol source: a frame resolved (and access-checked) now,
 * or a result of this session; and the frame version, when it is one.
 */
export function dataSource(source: Source, { principal, services }: RequestContext): { source: DataSource; frame?: ResolvedVersion } {
  if (source.kind === 'result') return { source };
  const frame = services.catalog.resolver.resolveRead(principal, parseFrameRef(source.name), 'frame', source.name);
  return { source: { kind: 'stored', table: boundTable(frame) }, frame };
}

/** Most bytes one window may hold, whatever the budget has free. */
export const MAX_WINDOW_BYTES = 256 * 2 ** 20;

/** Counts the parts' bytes; stops between parts once `signal` aborts (the client cancelled, or left). */
async function* countBytes(parts: AsyncIterable<Uint8Array>, count: (n: number) => void, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  for await (const part of parts) {
    if (signal.aborted) throw new FramegateError(ErrorCodes.Cancelled, 'cancelled');
    count(part.byteLength);
    yield part;
  }
}

export const dataHandlers: HandlerTable<'window' | 'export'> = {
  /**
   * One window of a connection at a time, from reading to the last byte handed to the socket: a
   * client that pipelines windows and stops reading holds one window in memory, not one per
   * request. The window's bytes are bounded and charged to the memory budget while held.
   */
  window: async ({ filters, ...params }, context) => {
    const resolved = dataSource(params.source, context);
    const { frame } = resolved;
    let { source } = resolved;
    if (filters?.length) {
      if (!frame) throw new FramegateError(ErrorCodes.InvalidParams, 'filters apply to frames: save this result as a frame to filter it');
      // Made (or found) before this connection's window turn: other windows go on meanwhile.
      source = { kind: 'result', id: (await filteredView(context, frame, filters)).id };
    }
    const sql = frame && (filters?.length || params.sort?.length) ? viewSql(viewTable(frame), filters, params.sort) : undefined;
    return context.connection.windowTurns.run(async () => {
      const { budget } = context.services;
      const maxBytes = Math.max(1, Math.min(MAX_WINDOW_BYTES, budget.limitBytes - budget.usedBytes));
      const window = await context.connection.engine.window({ ...params, source, maxBytes });
      if (frame) auditReadOnce(context, { objectId: frame.object.id, version: frame.version.version }, 'window');
      const held = budget.reserve(window.ipc.byteLength, `a window of ${window.rows.toLocaleString('en-US')} rows (ask for fewer rows or columns)`);
      try {
        // The attachment goes out before the reply that references it.
        const attachment = await context.connection.peer.sendAttachment(window.ipc);
        return { attachment, rowCount: window.rowCount, offset: window.offset, rows: window.rows, columns: window.columns, ...(sql ? { sql } : {}) };
      } finally {
        held.release();
      }
    });
  },

  export: async ({ source: requested, sort, columns, stream }, context) => {
    const { peer } = context.connection;
    const { source, frame } = dataSource(requested, context);
    const exported = await context.connection.engine.export(source, sort, columns);
    if (frame) auditReads(context, [{ objectId: frame.object.id, version: frame.version.version }], 'export');
    let bytes = 0;
    const id = peer.reserveAttachmentId();
    // Announced before its first part: the client writes the parts out as they come.
    if (stream) await peer.connection.sendNotification(Notifications.exportStarted.method, { stream, attachment: id });
    const attachment = await peer.sendAttachment(countBytes(exported.parts, (n) => (bytes += n), context.request.signal), undefined, id);
    return { attachment, rows: exported.rowCount, bytes };
  },
};
