/** Audit lines handlers add beside the catalog's own (which come with each change). */
import type { VersionRead } from '../catalog/records';
import type { RequestContext } from './context';

/** Records that the caller read these versions, and how (one transaction, one line each). */
export function auditReads(context: RequestContext, reads: readonly VersionRead[], how: string): void {
  const { catalog } = context.services;
  const entries = reads.flatMap((read) => {
    const object = catalog.objects.byId(read.objectId);
    return object ? [{ principal: context.principal, action: 'read' as const, object, version: read.version, detail: { how } }] : [];
  });
  catalog.audit.recordAll(entries);
}

/** Like `auditReads` for one version, once per session (a grid reads the same frame window after window). */
export function auditReadOnce(context: RequestContext, read: VersionRead, how: string): void {
  if (context.connection.firstRead(`${read.objectId}@${read.version}`)) auditReads(context, [read], how);
}
