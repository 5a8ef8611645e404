/**
 * objects/*: what every kind shares (listing, versions, lineage, sharing, deleting, retention,
 * gc). frames/share, frames/unshare and frames/delete are these, for frames.
 */
import { ErrorCodes, FramegateError, parseFrameRef, qualifiedName, type DeleteObjectResult, type Grantee, type ObjectInfo, type ObjectKind } from '../../protocol';
import { gcResult } from '../catalog/retention';
import { auditReads } from './audit';
import type { HandlerTable, RequestContext } from './context';

function normalized(grantee: Grantee): Grantee {
  return grantee.kind === 'team' ? grantee : { kind: grantee.kind, name: grantee.name.toLowerCase() };
}

export function shareObject(context: RequestContext, name: string, kind: ObjectKind | undefined, grantee: Grantee, write: boolean): ObjectInfo {
  const { principal, services } = context;
  const before = services.events.snapshot(services.catalog.resolver.manageable(principal, name, kind).object);
  const object = services.catalog.changes.share(principal, name, kind, grantee, write);
  services.events.shared(object, normalized(grantee), write, principal.name, before);
  return services.catalog.describer.info(principal, object);
}

export function unshareObject(context: RequestContext, name: string, kind: ObjectKind | undefined, grantee: Grantee): ObjectInfo {
  const { principal, services } = context;
  const before = services.events.snapshot(services.catalog.resolver.manageable(principal, name, kind).object);
  const object = services.catalog.changes.unshare(principal, name, kind, grantee);
  services.events.unshared(object, normalized(grantee), principal.name, before);
  return services.catalog.describer.info(principal, object);
}

/** `NAME`: deletes the object; `NAME@N`: removes that version's data or content. */
export async function deleteObject(context: RequestContext, name: string, kind: ObjectKind | undefined): Promise<DeleteObjectResult> {
  const { principal, services } = context;
  if (parseFrameRef(name).version !== undefined) {
    const removed = services.catalog.changes.removeVersion(principal, name, kind);
    await services.writer.drop(removed.storage ? [removed.storage] : [], 'a removed version');
    services.events.versionRemoved(removed.object, removed.version, 'removed', principal.name);
    return { deleted: qualifiedName(removed.object.namespace, removed.object.name), kind: removed.object.kind, version: removed.version };
  }
  const before = services.events.snapshot(services.catalog.resolver.manageable(principal, name, kind).object);
  const { object, storage } = services.catalog.changes.delete(principal, name, kind);
  await services.writer.drop(storage, 'a deleted frame');
  services.events.deleted({ ...object, deletedAt: new Date().toISOString() }, principal.name, before);
  return { deleted: qualifiedName(object.namespace, object.name), kind: object.kind };
}

export const objectHandlers: HandlerTable<'listObjects' | 'getObject' | 'versions' | 'lineage' | 'shareObject' | 'unshareObject' | 'deleteObject' | 'retention' | 'gc'> = {
  listObjects: ({ kind, namespace, attachedTo }, { principal, services }) => {
    const frame = attachedTo === undefined ? undefined : services.catalog.resolver.resolveObject(principal, parseFrameRef(attachedTo), 'frame', attachedTo).object;
    const objects = services.catalog.describer.list(principal, { ...(kind ? { kind } : {}), ...(namespace ? { namespace } : {}), ...(frame ? { attachedTo: frame.id } : {}) });
    return Promise.resolve({ objects });
  },

  getObject: ({ name, kind }, context) => {
    const { principal, services } = context;
    const { object, version } = services.catalog.resolver.resolveText(principal, name, kind);
    // A note's text and a query's SQL are their content: reading them is a read. A frame's rows are read by windows.
    if (object.kind !== 'frame') auditReads(context, [{ objectId: object.id, version: version.version }], 'get');
    return Promise.resolve(services.catalog.describer.info(principal, object, version));
  },

  versions: ({ name, kind }, { principal, services }) => {
    const { object } = services.catalog.resolver.resolveObject(principal, parseFrameRef(name), kind, name);
    const keep = object.kind === 'frame' ? services.catalog.retention.keepFor(object) : null;
    return Promise.resolve({
      name: qualifiedName(object.namespace, object.name),
      kind: object.kind,
      versions: services.catalog.describer.versions(principal, object),
      keep,
      keepIsOwn: object.keepVersions !== null,
    });
  },

  lineage: ({ name, kind }, { principal, services }) => {
    const ref = parseFrameRef(name);
    const { object } = services.catalog.resolver.resolveObject(principal, ref, kind, name);
    const version = ref.version ?? services.catalog.objects.latest(object.id)!.version;
    if (!services.catalog.objects.version(object.id, version)) {
      throw new FramegateError(ErrorCodes.FrameNotFound, `${qualifiedName(object.namespace, object.name)} has no version ${version}`, { name });
    }
    return Promise.resolve({ root: services.catalog.lineage.build(principal, object.id, version) });
  },

  shareObject: ({ name, kind, with: grantee, write }, context) => Promise.resolve(shareObject(context, name, kind, grantee, write)),
  unshareObject: ({ name, kind, with: grantee }, context) => Promise.resolve(unshareObject(context, name, kind, grantee)),
  deleteObject: ({ name, kind }, context) => deleteObject(context, name, kind),

  retention: ({ name, keep }, { principal, services }) => {
    const { catalog } = services;
    const object =
      keep === undefined ? catalog.resolver.resolveObject(principal, parseFrameRef(name), 'frame', name).object : catalog.changes.setRetention(principal, name, keep);
    return Promise.resolve({ name: qualifiedName(object.namespace, object.name), keep: catalog.retention.keepFor(object), keepIsOwn: object.keepVersions !== null });
  },

  gc: async ({ dryRun }, { principal, services }) => {
    const dropped = services.catalog.retention.collect(principal, { dryRun });
    if (!dryRun) {
      await services.writer.drop(
        dropped.map((d) => d.storage),
        'versions gc dropped',
      );
      for (const d of dropped) services.events.versionRemoved(d.object, d.version, 'retention', principal.name);
    }
    return gcResult(dropped, dryRun);
  },
};
