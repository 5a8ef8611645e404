/**
 * Frames in the catalog as a principal sees them: resolving names for reading and writing,
 * recording versions, listing, sharing and deleting. Access is decided by access.ts on every call.
 *
 * Bare names (see README "Names"): reading `sales` means, in order, your own `you.sales`, the team's
 * `main.sales`, or the one frame named `sales` shared with you; several of the last kind is an
 * AmbiguousName error listing them. Saving `sales` means `you.sales`.
 */
import {
  ErrorCodes,
  FramegateError,
  parseFrameRef,
  qualifiedName,
  TEAM_NAMESPACE,
  type FrameInfo,
  type FrameRef,
  type Grantee,
  type GrantInfo,
} from '../../protocol';
import { accessTo, canCreateIn, isPublished, type Access, type Principal } from './access';
import type { GrantRecord, NewVersion, ObjectRecord, Objects, VersionRecord } from './objects';
import { inTransaction, type Db } from './store';
import type { Groups, Users } from './users';

/** A readable frame version a name resolved to. */
export interface ResolvedFrame {
  object: ObjectRecord;
  version: VersionRecord;
  access: Access;
}

/** Where a save goes: checked before any data is written, and again when it is recorded. */
export interface WriteTarget {
  namespace: string;
  name: string;
  /** The live frame of that name, if any (a save then adds a version). */
  existing?: ObjectRecord;
}

function notFound(text: string): FramegateError {
  return new FramegateError(ErrorCodes.FrameNotFound, `no frame named ${text}`, { name: text });
}

export class FrameCatalog {
  constructor(
    private readonly db: Db,
    private readonly objects: Objects,
    private readonly users: Users,
    private readonly groups: Groups,
  ) {}

  private access(principal: Principal, object: ObjectRecord): Access {
    return accessTo(principal, object, this.objects.grants(object.id));
  }

  /** The frame version `ref` names for `principal`. FrameNotFound also when they may not read it. */
  resolveRead(principal: Principal, ref: FrameRef, text = ''): ResolvedFrame {
    const display = text || (ref.namespace ? qualifiedName(ref.namespace, ref.name) : ref.name);
    const object = ref.namespace ? this.readableIn(principal, ref.namespace, ref.name) : this.readableBare(principal, ref.name);
    if (!object) throw notFound(display);
    const access = this.access(principal, object);
    const version = ref.version === undefined ? this.objects.latest(object.id) : this.objects.version(object.id, ref.version);
    const full = qualifiedName(object.namespace, object.name);
    if (!version) throw new FramegateError(ErrorCodes.FrameNotFound, `${full} has no version ${ref.version}`, { name: display });
    if (version.storage === null) throw new FramegateError(ErrorCodes.FrameNotFound, `the data of ${full}@${version.version} was removed`, { name: display });
    return { object, version, access };
  }

  /** Parses and resolves a frame reference given as text (`alice.sales@3`). */
  resolveText(principal: Principal, text: string): ResolvedFrame {
    return this.resolveRead(principal, parseFrameRef(text), text);
  }

  private readableIn(principal: Principal, namespace: string, name: string): ObjectRecord | undefined {
    const object = this.objects.findLive('frame', namespace, name);
    return object && this.access(principal, object).read ? object : undefined;
  }

  private readableBare(principal: Principal, name: string): ObjectRecord | undefined {
    const candidates = this.objects.liveNamed('frame', name).filter((o) => this.access(principal, o).read);
    const own = candidates.find((o) => o.namespace === principal.name);
    if (own) return own;
    const team = candidates.find((o) => o.namespace === TEAM_NAMESPACE);
    if (team) return team;
    if (candidates.length > 1) {
      const names = candidates.map((o) => qualifiedName(o.namespace, o.name));
      throw new FramegateError(ErrorCodes.AmbiguousName, `${name} could be ${names.join(' or ')}: write the namespace`, { name, candidates: names });
    }
    return candidates[0];
  }

  /** Checks that `principal` may save `text` (a frame name) and says where it goes. */
  planWrite(principal: Principal, text: string): WriteTarget {
    const ref = parseFrameRef(text);
    if (ref.version !== undefined) throw new FramegateError(ErrorCodes.InvalidParams, `save a frame by name, without a version: ${text}`);
    const namespace = ref.namespace ?? principal.name;
    const existing = this.objects.findLive('frame', namespace, ref.name);
    const full = qualifiedName(namespace, ref.name);
    const refused = () =>
      new FramegateError(
        ErrorCodes.Forbidden,
        namespace === TEAM_NAMESPACE
          ? `only admins and team writers may save in the team namespace ${TEAM_NAMESPACE}`
          : `you may not save in namespace ${namespace}: save in your own (${qualifiedName(principal.name, ref.name)}), or ask for a write share of ${full}`,
      );
    if (existing) {
      const access = this.access(principal, existing);
      if (!access.read) throw refused();
      if (!access.write) {
        const owner = this.users.byId(existing.ownerId)?.name ?? 'its owner';
        throw new FramegateError(ErrorCodes.Forbidden, `you may read ${full} but not save new versions of it: ask ${owner} to share it with you --write`);
      }
      return { namespace: existing.namespace, name: existing.name, existing };
    }
    if (!canCreateIn(principal, namespace, this.objects.namespace(namespace)?.ownerId)) throw refused();
    return { namespace, name: ref.name };
  }

  /**
   * Records a stored version under `target`, atomically. A frame that appeared meanwhile is
   * FrameExists unless `replace`; one that vanished is created anew.
   */
  recordVersion(
    principal: Principal,
    target: WriteTarget,
    version: Omit<NewVersion, 'authorId'>,
    reads: { objectId: number; version: number }[],
    replace: boolean,
  ): { info: FrameInfo; object: ObjectRecord } {
    return inTransaction(this.db, () => {
      const checked = this.planWrite(principal, qualifiedName(target.namespace, target.name));
      let object = checked.existing;
      if (object && !replace) {
        throw new FramegateError(ErrorCodes.FrameExists, `a frame named ${qualifiedName(object.namespace, object.name)} exists; save with replace to add a new version`, {
          name: qualifiedName(object.namespace, object.name),
        });
      }
      if (!object) {
        const namespaceOwner = this.objects.namespace(checked.namespace)?.ownerId ?? null;
        this.objects.ensureNamespace(checked.namespace, namespaceOwner);
        object = this.objects.create('frame', checked.namespace, checked.name, namespaceOwner ?? principal.userId);
      }
      const added = this.objects.addVersion(object.id, { ...version, authorId: principal.userId });
      this.objects.addReads(object.id, added.version, reads);
      return { info: this.info(principal, object, added), object };
    });
  }

  /** FrameInfo of a version as `principal` sees it. */
  info(principal: Principal, object: ObjectRecord, version: VersionRecord, grants: GrantRecord[] = this.objects.grants(object.id)): FrameInfo {
    const access = accessTo(principal, object, grants);
    const name = (id: number) => this.users.byId(id)?.name ?? `user ${id}`;
    const info: FrameInfo = {
      name: qualifiedName(object.namespace, object.name),
      namespace: object.namespace,
      owner: name(object.ownerId),
      columns: version.columns,
      rowCount: version.rowCount,
      createdAt: version.createdAt,
      version: version.version,
      author: name(version.authorId),
      source: version.source,
      scope: access.scope,
      published: isPublished(object, grants),
      canWrite: access.write,
      canManage: access.manage,
    };
    if (access.via) info.sharedBy = name(access.via.grantedBy);
    if (access.manage) info.grants = grants.filter((g) => g.objectId === object.id).map((g) => this.grantInfo(g));
    return info;
  }

  private grantInfo(grant: GrantRecord): GrantInfo {
    const by = this.users.byId(grant.grantedBy)?.name ?? `user ${grant.grantedBy}`;
    const to: Grantee =
      grant.granteeKind === 'team'
        ? { kind: 'team' }
        : grant.granteeKind === 'user'
          ? { kind: 'user', name: this.users.byId(grant.granteeId)?.name ?? `user ${grant.granteeId}` }
          : { kind: 'group', name: this.groupName(grant.granteeId) };
    return { to, write: grant.write, by, at: grant.grantedAt };
  }

  private groupName(id: number): string {
    return (this.db.prepare('SELECT name FROM groups WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? `group ${id}`;
  }

  /** Every frame `principal` may read, with its latest version. */
  list(principal: Principal, namespace?: string): FrameInfo[] {
    const reaching = this.objects.grantsReaching(principal.userId, principal.groupIds);
    const frames: FrameInfo[] = [];
    for (const { object, latest } of this.objects.listLive('frame')) {
      if (namespace !== undefined && object.namespace !== namespace.toLowerCase()) continue;
      // Owners and admins see all grants of a frame; others only need the ones reaching them.
      const mayManage = principal.admin || object.ownerId === principal.userId;
      const grants = mayManage ? this.objects.grants(object.id) : reaching.filter((g) => g.objectId === object.id);
      if (!accessTo(principal, object, grants).read) continue;
      frames.push(this.info(principal, object, latest, grants));
    }
    return frames;
  }

  /** A frame `principal` may manage (share, unshare, delete): FrameNotFound if they cannot read it. */
  private manageable(principal: Principal, text: string): ResolvedFrame {
    const resolved = this.resolveText(principal, text);
    if (!resolved.access.manage) {
      const full = qualifiedName(resolved.object.namespace, resolved.object.name);
      throw new FramegateError(ErrorCodes.Forbidden, `only the owner of ${full} (${this.users.byId(resolved.object.ownerId)?.name ?? '?'}) or an admin may do that`);
    }
    return resolved;
  }

  /** Deletes a frame (all its versions); returns it as it was and the storage ids to drop. */
  delete(principal: Principal, text: string): { object: ObjectRecord; storage: string[] } {
    return inTransaction(this.db, () => {
      const { object } = this.manageable(principal, text);
      return { object, storage: this.objects.markDeleted(object.id) };
    });
  }

  share(principal: Principal, text: string, grantee: Grantee, write: boolean): { info: FrameInfo; object: ObjectRecord } {
    return inTransaction(this.db, () => {
      const { object, version } = this.manageable(principal, text);
      const { kind, id } = this.granteeId(grantee);
      this.objects.setGrant(object.id, kind, id, write, principal.userId);
      return { info: this.info(principal, object, version), object };
    });
  }

  /** The frame `principal` may manage under that name (FrameNotFound / Forbidden otherwise). */
  findManageable(principal: Principal, text: string): ObjectRecord {
    return this.manageable(principal, text).object;
  }

  unshare(principal: Principal, text: string, grantee: Grantee): { info: FrameInfo; object: ObjectRecord } {
    return inTransaction(this.db, () => {
      const { object, version } = this.manageable(principal, text);
      const { kind, id } = this.granteeId(grantee);
      if (!this.objects.removeGrant(object.id, kind, id)) {
        const who = grantee.kind === 'team' ? 'the team' : `${grantee.kind} ${grantee.name}`;
        throw new FramegateError(ErrorCodes.InvalidParams, `${qualifiedName(object.namespace, object.name)} is not shared with ${who}`);
      }
      return { info: this.info(principal, object, version), object };
    });
  }

  private granteeId(grantee: Grantee): { kind: Grantee['kind']; id: number } {
    if (grantee.kind === 'team') return { kind: 'team', id: 0 };
    if (grantee.kind === 'user') return { kind: 'user', id: this.users.active(grantee.name).id };
    return { kind: 'group', id: this.groups.require(grantee.name).id };
  }
}
