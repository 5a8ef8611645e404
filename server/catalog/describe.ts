/**
 * Objects as a principal sees them: the protocol's info of each kind, listings, and version
 * histories. Access is decided by access.ts (through the resolver) for every object described.
 */
import {
  qualifiedName,
  type Grantee,
  type GrantInfo,
  type ObjectAccessInfo,
  type ObjectInfo,
  type ObjectKind,
  type OriginInfo,
  type VersionInfo,
  type VersionState,
} from '../../protocol';
import { isPublished, type Principal } from './access';
import type { Grants } from './grants';
import { KIND_PARTS } from './kinds';
import type { Objects } from './objects';
import type { Reads } from './reads';
import type { GrantRecord, ObjectRecord, Origin, VersionRecord } from './records';
import type { ObjectResolver } from './resolve';
import type { Groups, Users } from './users';

export interface ListFilter {
  kind?: ObjectKind;
  namespace?: string;
  /** Only notes attached to this object. */
  attachedTo?: number;
}

export class ObjectDescriber {
  constructor(
    private readonly objects: Objects,
    private readonly grants: Grants,
    private readonly reads: Reads,
    private readonly resolver: ObjectResolver,
    private readonly users: Users,
    private readonly groups: Groups,
  ) {}

  userName(id: number | null | undefined): string {
    if (id === null || id === undefined) return 'unknown';
    return this.users.byId(id)?.name ?? `user ${id}`;
  }

  /** The info of an object at a version (its latest by default) as `principal` sees it. */
  info(
    principal: Principal,
    object: ObjectRecord,
    version: VersionRecord = this.objects.latest(object.id)!,
    grants: readonly GrantRecord[] = this.grants.of(object.id),
    counts?: { versionCount: number; storedBytes: number },
  ): ObjectInfo {
    const access = this.resolver.access(principal, object, grants);
    const all = counts ?? this.counts(object.id);
    const base: ObjectAccessInfo = {
      name: qualifiedName(object.namespace, object.name),
      namespace: object.namespace,
      owner: this.userName(object.ownerId),
      createdAt: version.createdAt,
      version: version.version,
      versionCount: all.versionCount,
      author: this.userName(version.authorId),
      scope: access.scope,
      published: isPublished(object, grants),
      canWrite: access.write,
      canManage: access.manage,
    };
    if (access.via) base.sharedBy = this.userName(access.via.grantedBy);
    if (access.manage) base.grants = grants.filter((g) => g.objectId === object.id).map((g) => this.grantInfo(g));
    return KIND_PARTS[object.kind].info(base, version, {
      object,
      storedBytes: all.storedBytes,
      pinned: () => this.reads.of(object.id, version.version).filter((r) => r.pinned),
      objectOf: (id) => this.objects.byId(id),
    });
  }

  private counts(objectId: number): { versionCount: number; storedBytes: number } {
    const versions = this.objects.versions(objectId);
    return { versionCount: versions.length, storedBytes: versions.reduce((sum, v) => sum + (v.storage === null ? 0 : v.bytes), 0) };
  }

  grantInfo(grant: GrantRecord): GrantInfo {
    return { to: this.granteeOf(grant), write: grant.write, by: this.userName(grant.grantedBy), at: grant.grantedAt };
  }

  granteeOf(grant: Pick<GrantRecord, 'granteeKind' | 'granteeId'>): Grantee {
    if (grant.granteeKind === 'team') return { kind: 'team' };
    if (grant.granteeKind === 'user') return { kind: 'user', name: this.userName(grant.granteeId) };
    return { kind: 'group', name: this.groups.nameOf(grant.granteeId) };
  }

  /** Every object `principal` may read (matching the filter), with its latest version. */
  list(principal: Principal, filter: ListFilter = {}): ObjectInfo[] {
    // By object, once: filtering all grants reaching the caller per object is quadratic (10,000
    // team frames made a listing take 700 ms).
    const reaching = new Map<number, GrantRecord[]>();
    for (const grant of this.grants.reaching(principal.userId, principal.groupIds)) {
      const of = reaching.get(grant.objectId);
      if (of) of.push(grant);
      else reaching.set(grant.objectId, [grant]);
    }
    const infos: ObjectInfo[] = [];
    for (const { object, latest, versionCount, storedBytes } of this.objects.listLive(filter.kind)) {
      if (filter.namespace !== undefined && object.namespace !== filter.namespace.toLowerCase()) continue;
      if (filter.attachedTo !== undefined && object.attachedTo !== filter.attachedTo) continue;
      // Owners and admins see all grants of an object; others only need the ones reaching them.
      const mayManage = principal.admin || object.ownerId === principal.userId;
      const grants = mayManage ? this.grants.of(object.id) : (reaching.get(object.id) ?? []);
      if (!this.resolver.access(principal, object, grants).read) continue;
      infos.push(this.info(principal, object, latest, grants, { versionCount, storedBytes }));
    }
    return infos;
  }

  /** How a version was made, as `principal` may be told (a query they cannot see goes unnamed). */
  originInfo(principal: Principal, origin: Origin, authorId: number): OriginInfo {
    switch (origin.kind) {
      case 'upload':
        return { kind: 'upload', by: this.userName(authorId) };
      case 'query': {
        const query = this.objects.byId(origin.queryId);
        const visible = query !== undefined && this.resolver.access(principal, query).read;
        return visible
          ? { kind: 'query', sql: origin.sql, query: qualifiedName(query.namespace, query.name), queryVersion: origin.queryVersion }
          : { kind: 'query', sql: origin.sql };
      }
      default:
        return origin;
    }
  }

  state(version: VersionRecord): VersionState {
    if (!version.removed) return { kind: 'present' };
    const { reason, at, by } = version.removed;
    return { kind: 'removed', reason: reason ?? 'unknown', ...(at ? { at } : {}), ...(by !== null ? { by: this.userName(by) } : {}) };
  }

  /** Every version of an object, oldest first. */
  versions(principal: Principal, object: ObjectRecord): VersionInfo[] {
    const all = this.objects.versions(object.id);
    const kept = object.kind === 'frame' ? this.reads.kept(object.id) : new Map<number, ('lineage' | 'pinned')[]>();
    const latest = all.at(-1)?.version;
    return all.map((v) => {
      const why = kept.get(v.version);
      return {
        version: v.version,
        author: this.userName(v.authorId),
        createdAt: v.createdAt,
        rowCount: v.rowCount,
        bytes: v.storage === null ? 0 : v.bytes,
        source: v.source,
        origin: this.originInfo(principal, v.origin, v.authorId),
        state: this.state(v),
        latest: v.version === latest,
        ...(why && !v.removed ? { keptFor: why } : {}),
      };
    });
  }
}
