/** frames/*: listing, saving (query, result, file, upload), deleting and sharing frames. */
import { ErrorCodes, FramegateError, type FrameInfo, type FramesChangedNotification } from '../../protocol';
import { ReadTracker } from '../frames/resolver';
import { uploadedFileAsArrow } from '../frames/uploaded-file';
import type { Written } from '../frames/writer';
import { auditReads } from './audit';
import type { HandlerTable, RequestContext } from './context';
import { heavy } from './heavy';
import { deleteObject, shareObject, unshareObject } from './objects';

/** Tells who may see it about a new version (and what retention dropped); answers with its info. */
export function announceWrite(context: RequestContext, written: Written, legacy?: FramesChangedNotification['action']): FrameInfo {
  const { principal, services } = context;
  services.events.versionAdded(written.object, written.version.version, written.created, principal.name, legacy);
  for (const d of written.dropped) services.events.versionRemoved(d.object, d.version, 'retention', principal.name);
  return services.catalog.describer.info(principal, written.object, written.version) as FrameInfo;
}

export const frameHandlers: HandlerTable<'listFrames' | 'schema' | 'save' | 'load' | 'upload' | 'delete' | 'share' | 'unshare'> = {
  listFrames: ({ namespace }, { principal, services }) =>
    Promise.resolve({ frames: services.catalog.describer.list(principal, { kind: 'frame', ...(namespace ? { namespace } : {}) }) as FrameInfo[] }),

  schema: ({ name }, { principal, services }) => {
    const { object, version } = services.catalog.resolver.resolveText(principal, name, 'frame');
    return Promise.resolve(services.catalog.describer.info(principal, object, version) as FrameInfo);
  },

  save: async ({ name, from, replace }, context) => {
    const { principal, connection, services } = context;
    let written: Written;
    if ('result' in from) {
      const lineage = connection.results.get(from.result);
      if (!lineage) throw new FramegateError(ErrorCodes.ResultNotFound, `no result ${from.result}`, { id: from.result });
      const origin =
        lineage.kind === 'query' && lineage.query
          ? { kind: 'query' as const, sql: lineage.sql, queryId: lineage.query.objectId, queryVersion: lineage.query.version }
          : { kind: lineage.kind === 'query' ? ('sql' as const) : lineage.kind, sql: lineage.sql };
      written = await services.writer.write({
        principal,
        name,
        replace,
        store: (storage) => heavy(context, () => connection.engine.storeResult(storage, from.result)),
        cancelled: () => context.request.cancelled(),
        describe: () => ({ source: lineage.sql, origin, reads: lineage.reads }),
      });
    } else {
      const tracker = new ReadTracker();
      written = await services.writer.write({
        principal,
        name,
        replace,
        store: (storage) => heavy(context, (limits) => services.engine.storeQuery(storage, from.sql, tracker.resolver(services.catalog.resolver, principal), limits)),
        cancelled: () => context.request.cancelled(),
        describe: () => ({ source: from.sql, origin: { kind: 'sql', sql: from.sql }, reads: tracker.list() }),
      });
      auditReads(context, tracker.list(), 'save');
    }
    return announceWrite(context, written, 'saved');
  },

  load: async ({ path, name, format, replace }, context) => {
    const { principal, services } = context;
    let file: { path: string; fileBytes: number; sha256: string } | undefined;
    const written = await services.writer.write({
      principal,
      name,
      replace,
      cancelled: () => context.request.cancelled(),
      store: async (storage) => {
        const stored = await heavy(context, (limits) => services.engine.storeFile(storage, path, format, limits));
        file = stored;
        return stored;
      },
      describe: () => ({ source: `load ${file!.path}`, origin: { kind: 'file', path: file!.path, bytes: file!.fileBytes, sha256: file!.sha256 }, reads: [] }),
    });
    return announceWrite(context, written, 'loaded');
  },

  upload: async ({ name, replace, attachment, format }, context) => {
    const { principal, connection, services } = context;
    // The parts stay charged to the memory budget until they are stored.
    const upload = connection.peer.takeAttachmentParts(attachment);
    // A CSV, Parquet or JSON file is read into Arrow in the same turn that stores it.
    const store = async (storage: string) => {
      if (format === 'arrow') return services.engine.storeArrow(storage, upload.parts);
      const converted = await uploadedFileAsArrow(upload.parts, format, services.config.dataDir, services.budget);
      try {
        return await services.engine.storeArrow(storage, converted.ipc);
      } finally {
        converted.release();
      }
    };
    let written;
    try {
      written = await services.writer.write({
        principal,
        name,
        replace,
        store: (storage) => heavy(context, () => store(storage)),
        cancelled: () => context.request.cancelled(),
        describe: () => ({ source: format === 'arrow' ? `upload by ${principal.name}` : `upload of a ${format.toUpperCase()} file by ${principal.name}`, origin: { kind: 'upload' }, reads: [] }),
      });
    } finally {
      upload.release();
    }
    return announceWrite(context, written, 'uploaded');
  },

  delete: async ({ name }, context) => ({ deleted: (await deleteObject(context, name, 'frame')).deleted }),
  share: ({ name, with: grantee, write }, context) => Promise.resolve(shareObject(context, name, 'frame', grantee, write) as FrameInfo),
  unshare: ({ name, with: grantee }, context) => Promise.resolve(unshareObject(context, name, 'frame', grantee) as FrameInfo),
};
