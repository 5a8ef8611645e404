/**
 * Imports the catalog of a Framegate 0.1 data dir (which lived inside DuckDB) into the gateway's
 * catalog, once, with nothing lost:
 * - every owner named there becomes a user (without a token until an admin rotates one), with
 *   their namespace; other namespaces keep their frames, owned by whoever saved them first;
 * - every recorded version becomes a version, those whose data 0.1 had already dropped (replaced)
 *   included, marked as having no data;
 * - 0.1 had no privacy (everyone read everything), so imported frames outside the team namespace
 *   are published to the team: nobody loses sight of what they could see.
 */
import { normalizeIdentifier, TEAM_NAMESPACE } from '../../protocol';
import type { LegacyVersion } from '../engine/engine';
import type { Grants } from './grants';
import type { Objects } from './objects';
import { inTransaction, type Db } from './store';
import { reservedNameReason, type Users } from './users';

export interface LegacyImportSummary {
  frames: number;
  versions: number;
  users: string[];
}

/** A 0.1 owner name as a user name: identifiers, lower case; anything else maps to `legacy_…`. */
function userNameOf(owner: string): string {
  const clean = owner.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1').slice(0, 63) || 'anonymous';
  return reservedNameReason(clean) ? `legacy_${clean}`.slice(0, 63) : normalizeIdentifier(clean);
}

export function importLegacyCatalog(db: Db, users: Users, objects: Objects, grants: Grants, versions: LegacyVersion[]): LegacyImportSummary {
  return inTransaction(db, () => {
    // Users first (each with their own namespace), then the frames.
    const userIds = new Map<string, number>();
    for (const v of versions) {
      const name = userNameOf(v.owner);
      if (!userIds.has(name)) userIds.set(name, users.byName(name)?.id ?? users.add(name, { admin: false, teamWriter: false }).id);
    }
    const userFor = (owner: string): number => userIds.get(userNameOf(owner))!;
    const byFrame = new Map<string, LegacyVersion[]>();
    for (const v of versions) {
      const key = `${v.namespace.toLowerCase()}.${v.name.toLowerCase()}`;
      byFrame.set(key, [...(byFrame.get(key) ?? []), v]);
    }
    objects.ensureNamespace(TEAM_NAMESPACE, null);
    let count = 0;
    for (const history of byFrame.values()) {
      history.sort((a, b) => a.version - b.version);
      const first = history[0]!;
      const live = history.find((v) => v.live);
      const namespace = first.namespace.toLowerCase();
      // A namespace named after a user is theirs; any other is owned by whoever saved there first.
      if (!objects.namespace(namespace)) objects.ensureNamespace(namespace, userFor(first.owner));
      const namespaceOwner = namespace === TEAM_NAMESPACE ? null : objects.namespace(namespace)!.ownerId;
      const owner = namespaceOwner ?? userFor(first.owner);
      const object = objects.create('frame', namespace, (live ?? first).name, owner, { createdAt: first.createdAt });
      for (const v of history) {
        objects.addVersion(
          object.id,
          {
            authorId: userFor(v.owner),
            storage: v.live ? v.storage : null,
            columns: v.columns,
            rowCount: v.rowCount,
            bytes: 0,
            source: v.source,
            origin: { kind: 'legacy', source: v.source },
            createdAt: v.createdAt,
          },
          v.version,
        );
        count++;
      }
      if (!live) objects.markDeleted(object.id, null);
      else if (namespace !== TEAM_NAMESPACE) grants.set(object.id, 'team', 0, false, owner);
    }
    return { frames: byFrame.size, versions: count, users: [...userIds.keys()] };
  });
}
