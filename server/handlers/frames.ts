/** frames/*: listing, saving (query, result, file, upload), deleting and sharing frames. */
import { ErrorCodes, FramegateError, qualifiedName, type FramesChangedNotification } from '../../protocol';
import type { ObjectRecord } from '../catalog/objects';
import { ReadTracker } from '../frames/resolver';
import type { HandlerTable, RequestContext } from './context';
import { heavy } from './heavy';

function announce(context: RequestContext, object: ObjectRecord, action: FramesChangedNotification['action'], before?: Set<import('../sessions').RegisteredSession>): void {
  context.services.sessions.framesChanged(object, { action, name: qualifiedName(object.namespace, object.name), by: context.principal.name }, before);
}

export const frameHandlers: HandlerTable<'listFrames' | 'schema' | 'save' | 'load' | 'upload' | 'delete' | 'share' | 'unshare'> = {
  listFrames: ({ namespace }, { principal, services }) => Promise.resolve({ frames: services.catalog.frames.list(principal, namespace) }),

  schema: ({ name }, { principal, services }) => {
    const { object, version } = services.catalog.frames.resolveText(principal, name);
    return Promise.resolve(services.catalog.frames.info(principal, object, version));
  },

  save: async ({ name, from, replace }, context) => {
    const { principal, connection, services } = context;
    let saved;
    if ('result' in from) {
      const lineage = connection.results.get(from.result);
      if (!lineage) throw new FramegateError(ErrorCodes.ResultNotFound, `no result ${from.result}`, { id: from.result });
      saved = await services.writer.write({
        principal,
        name,
        replace,
        store: (storage) => heavy(context, () => connection.engine.storeResult(storage, from.result)),
        describe: () => ({ source: lineage.sql, origin: { kind: lineage.kind, sql: lineage.sql }, reads: lineage.reads }),
      });
    } else {
      const tracker = new ReadTracker();
      saved = await services.writer.write({
        principal,
        name,
        replace,
        store: (storage) => heavy(context, (limits) => services.engine.storeQuery(storage, from.sql, tracker.resolver(services.catalog.frames, principal), limits)),
        describe: () => ({ source: from.sql, origin: { kind: 'sql', sql: from.sql }, reads: tracker.list() }),
      });
    }
    announce(context, saved.object, 'saved');
    return saved.info;
  },

  load: async ({ path, name, format, replace }, context) => {
    const { principal, services } = context;
    let file: { path: string; fileBytes: number; sha256: string } | undefined;
    const saved = await services.writer.write({
      principal,
      name,
      replace,
      store: async (storage) => {
        const stored = await heavy(context, (limits) => services.engine.storeFile(storage, path, format, limits));
        file = stored;
        return stored;
      },
      describe: () => ({ source: `load ${file!.path}`, origin: { kind: 'file', path: file!.path, bytes: file!.fileBytes, sha256: file!.sha256 }, reads: [] }),
    });
    announce(context, saved.object, 'loaded');
    return saved.info;
  },

  upload: async ({ name, replace, attachment }, context) => {
    const { principal, connection, services } = context;
    // The parts stay charged to the memory budget until they are stored.
    const upload = connection.peer.takeAttachmentParts(attachment);
    let saved;
    try {
      saved = await services.writer.write({
        principal,
        name,
        replace,
        store: (storage) => heavy(context, () => services.engine.storeArrow(storage, upload.parts)),
        describe: () => ({ source: `upload by ${principal.name}`, origin: { kind: 'upload' }, reads: [] }),
      });
    } finally {
      upload.release();
    }
    announce(context, saved.object, 'uploaded');
    return saved.info;
  },

  delete: async ({ name }, context) => {
    const { principal, services } = context;
    const before = services.sessions.readersOf(services.catalog.frames.findManageable(principal, name));
    const { object, storage } = services.catalog.frames.delete(principal, name);
    for (const id of storage) {
      await services.engine.dropStorage(id).catch((error: unknown) => {
        services.logger.warn({ event: 'drop-failed', storage: id, err: error }, 'could not drop the data of a deleted frame (dropped at next start)');
      });
    }
    announce(context, { ...object, deletedAt: new Date().toISOString() }, 'deleted', before);
    return { deleted: qualifiedName(object.namespace, object.name) };
  },

  share: ({ name, with: grantee, write }, context) => {
    const { info, object } = context.services.catalog.frames.share(context.principal, name, grantee, write);
    announce(context, object, 'shared');
    return Promise.resolve(info);
  },

  unshare: ({ name, with: grantee }, context) => {
    const { principal, services } = context;
    const before = services.sessions.readersOf(services.catalog.frames.findManageable(principal, name));
    const { info, object } = services.catalog.frames.unshare(principal, name, grantee);
    announce(context, object, 'unshared', before);
    return Promise.resolve(info);
  },
};
