/**
 * The bridge between the catalog's names and an engine's stored data: a `TableResolver` for one
 * principal, which resolves every name an engine finds in client SQL through the catalog's access
 * rules and remembers which versions were read (the lineage of what the query makes).
 */
import type { Principal } from '../catalog/access';
import type { FrameCatalog, ResolvedFrame } from '../catalog/frames';
import type { BoundTable, TableResolver } from '../engine/engine';

export interface VersionRead {
  objectId: number;
  version: number;
}

/** The stored data of a resolved frame version, as an engine reads it. */
export function boundTable(resolved: ResolvedFrame): BoundTable {
  return { storage: resolved.version.storage!, columns: resolved.version.columns, rowCount: resolved.version.rowCount };
}

export class ReadTracker {
  private readonly reads = new Map<string, VersionRead>();

  /** A resolver for `principal` that records what it resolves here. */
  resolver(frames: FrameCatalog, principal: Principal): TableResolver {
    return (ref) => {
      const resolved = frames.resolveRead(principal, { ...(ref.namespace ? { namespace: ref.namespace.toLowerCase() } : {}), name: ref.name, ...(ref.version !== undefined ? { version: ref.version } : {}) }, ref.text);
      this.add(resolved);
      return boundTable(resolved);
    };
  }

  add(resolved: ResolvedFrame): void {
    this.reads.set(`${resolved.object.id}@${resolved.version.version}`, { objectId: resolved.object.id, version: resolved.version.version });
  }

  list(): VersionRead[] {
    return [...this.reads.values()];
  }
}
