/**
 * queries/* and notes/*: saved queries (SQL checked when saved, run again as the caller) and
 * notes (Markdown, standing alone or attached to a frame). Both are objects like frames: versioned,
 * shared and deleted through objects/*.
 */
import { ErrorCodes, FramegateError, parseFrameRef, qualifiedName, type NoteInfo, type QueryInfo } from '../../protocol';
import type { Principal } from '../catalog/access';
import type { Recorded } from '../catalog/changes';
import { firstLine, queryBody, type NoteBody, type QueryBody } from '../catalog/kinds';
import type { ObjectRecord } from '../catalog/records';
import { ReadTracker } from '../frames/resolver';
import { auditReads } from './audit';
import type { GatewayServices, HandlerTable, RequestContext } from './context';
import { heavy } from './heavy';
import { keep } from './query';

/**
 * The SQL of a saved query as a query that returns no rows: it binds (names, access, columns)
 * without running the work, so saving a query never waits for it. Trailing semicolons go; the
 * newline keeps a trailing `-- comment` from swallowing the parenthesis.
 */
export function probeSql(sql: string): string {
  return `SELECT * FROM (\n${sql.trim().replace(/;[\s;]*$/, '')}\n) AS fg_saved_query LIMIT 0`;
}

/** A free name for a note on `frame` in the principal's namespace: `sales_note1`, `sales_note2`, … */
function noteNameFor(services: GatewayServices, principal: Principal, frame: ObjectRecord): string {
  const base = frame.name.slice(0, 50);
  for (let n = 1; ; n++) {
    const name = `${base}_note${n}`;
    if (!services.catalog.objects.findLive(principal.name, name)) return qualifiedName(principal.name, name);
  }
}

function announce(context: RequestContext, recorded: Recorded): void {
  context.services.events.versionAdded(recorded.object, recorded.version.version, recorded.created, context.principal.name);
}

export const sharedObjectHandlers: HandlerTable<'saveQuery' | 'runQuery' | 'addNote'> = {
  saveQuery: async ({ name, sql, description, replace }, context) => {
    const { principal, connection, services } = context;
    const target = services.catalog.resolver.planWrite(principal, name, 'query');
    if (target.existing && !replace) {
      const full = qualifiedName(target.namespace, target.name);
      throw new FramegateError(ErrorCodes.FrameExists, `a query named ${full} exists; save with replace to add a new version`, { name: full });
    }
    const tracker = new ReadTracker();
    const probe = await connection.engine.runSql(probeSql(sql), tracker.resolver(services.catalog.resolver, principal));
    connection.engine.closeResult(probe.id);
    const body: QueryBody = { sql, description, columns: probe.columns };
    const recorded = services.catalog.changes.record(
      principal,
      target,
      { storage: null, columns: probe.columns, rowCount: 0, bytes: 0, source: sql, origin: { kind: 'written' }, body },
      tracker.list(),
      { replace },
    );
    announce(context, recorded);
    return services.catalog.describer.info(principal, recorded.object, recorded.version) as QueryInfo;
  },

  runQuery: async ({ name }, context) => {
    const { principal, connection, services } = context;
    const { object, version } = services.catalog.resolver.resolveText(principal, name, 'query');
    const { sql } = queryBody(version);
    auditReads(context, [{ objectId: object.id, version: version.version }], 'run');
    const tracker = new ReadTracker();
    const held = await heavy(context, (limits) => connection.engine.runSql(sql, tracker.resolver(services.catalog.resolver, principal), limits));
    auditReads(context, tracker.list(), 'query');
    const result = keep(context, held, { kind: 'query', sql, reads: tracker.list(), query: { objectId: object.id, version: version.version } });
    return { ...result, query: qualifiedName(object.namespace, object.name), version: version.version };
  },

  addNote: ({ name, on, text, replace }, context) => {
    const { principal, services } = context;
    const frame = on === undefined ? undefined : services.catalog.resolver.resolveObject(principal, parseFrameRef(on), 'frame', on).object;
    const target = services.catalog.resolver.planWrite(principal, name ?? noteNameFor(services, principal, frame!), 'note');
    if (target.existing && frame && target.existing.attachedTo !== frame.id) {
      throw new FramegateError(ErrorCodes.InvalidParams, `${qualifiedName(target.namespace, target.name)} is a note on another frame (or none); a new version stays where the note is`);
    }
    const attachedTo = frame?.id ?? target.existing?.attachedTo ?? undefined;
    // A note on a frame was written looking at its latest version: that is its lineage.
    const seen = attachedTo === undefined ? undefined : services.catalog.objects.latest(attachedTo);
    const body: NoteBody = { text };
    const recorded = services.catalog.changes.record(
      principal,
      target,
      { storage: null, columns: [], rowCount: 0, bytes: 0, source: firstLine(text), origin: { kind: 'written' }, body },
      seen && attachedTo !== undefined ? [{ objectId: attachedTo, version: seen.version }] : [],
      { replace, ...(attachedTo !== undefined ? { attachedTo } : {}) },
    );
    announce(context, recorded);
    return Promise.resolve(services.catalog.describer.info(principal, recorded.object, recorded.version) as NoteInfo);
  },
};
