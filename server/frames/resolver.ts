/**
 * The bridge between the catalog's names and an engine's stored data: a `TableResolver` for one
 * principal, which resolves every name an engine finds in client SQL through the catalog's access
 * rules (frames only) and remembers which versions were read, and which the SQL named itself
 * (`"sales@3"`): the lineage of what the query makes.
 */
import type { Principal } from '../catalog/access';
import type { VersionRead } from '../catalog/records';
import type { ObjectResolver, ResolvedVersion } from '../catalog/resolve';
import type { BoundTable, TableResolver } from '../engine/engine';

export type { VersionRead };

/** The stored data of a resolved frame version, as an engine reads it. */
export function boundTable(resolved: ResolvedVersion): BoundTable {
  return { storage: resolved.version.storage!, columns: resolved.version.columns, rowCount: resolved.version.rowCount };
}

export class ReadTracker {
  private readonly reads = new Map<string, VersionRead>();

  /** A resolver for `principal` that records what it resolves here. */
  resolver(names: ObjectResolver, principal: Principal): TableResolver {
    return (ref) => {
      // `"main.sales@3"` is one quoted identifier: names never hold a dot, so it is namespace.name.
      const dot = ref.namespace === undefined ? ref.name.indexOf('.') : -1;
      const namespace = dot > 0 ? ref.name.slice(0, dot) : ref.namespace;
      const name = dot > 0 ? ref.name.slice(dot + 1) : ref.name;
      const resolved = names.resolveRead(
        principal,
        { ...(namespace ? { namespace: namespace.toLowerCase() } : {}), name, ...(ref.version !== undefined ? { version: ref.version } : {}) },
        'frame',
        ref.text,
      );
      this.add(resolved, ref.version !== undefined);
      return boundTable(resolved);
    };
  }

  add(resolved: ResolvedVersion, pinned = false): void {
    const key = `${resolved.object.id}@${resolved.version.version}`;
    const known = this.reads.get(key);
    this.reads.set(key, { objectId: resolved.object.id, version: resolved.version.version, pinned: pinned || (known?.pinned ?? false) });
  }

  list(): VersionRead[] {
    return [...this.reads.values()];
  }
}
