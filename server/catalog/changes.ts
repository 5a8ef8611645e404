/**
 * Changes to objects of every kind, each one transaction that checks access again, makes the
 * change and appends its audit line: recording a version, sharing, unsharing, deleting, removing
 * one version, setting a frame's retention. Engine data is not touched here: what is to be dropped
 * is returned for the caller to drop once the change is committed.
 */
import { ErrorCodes, FramegateError, parseFrameRef, qualifiedName, type Grantee, type ObjectKind } from '../../protocol';
import { formatBytes } from '../memory/budget';
import type { Principal } from './access';
import type { AuditLog } from './audit';
import type { Grants } from './grants';
import type { Objects } from './objects';
import type { Reads } from './reads';
import type { NewVersion, ObjectRecord, VersionRead, VersionRecord } from './records';
import { KIND_NOUNS, type ObjectResolver, type WriteTarget } from './resolve';
import { inTransaction, type Db } from './store';
import type { Groups, Users } from './users';

/** A principal's storage limit in bytes (their own, else the gateway's); null: none. */
export type StorageLimitOf = (userId: number) => number | null;

export interface Recorded {
  object: ObjectRecord;
  version: VersionRecord;
  /** This version created the object. */
  created: boolean;
}

export class ObjectChanges {
  constructor(
    private readonly db: Db,
    private readonly objects: Objects,
    private readonly grants: Grants,
    private readonly reads: Reads,
    private readonly resolver: ObjectResolver,
    private readonly users: Users,
    private readonly groups: Groups,
    private readonly audit: AuditLog,
    private readonly storageLimitOf: StorageLimitOf,
  ) {}

  /** Refuses a save before anything is stored when the principal's storage is full already. */
  checkStorageRoom(principal: Principal): void {
    this.checkStorage(principal, 0);
  }

  private checkStorage(principal: Principal, extra: number): void {
    const limit = this.storageLimitOf(principal.userId);
    if (limit === null) return;
    const used = this.objects.storageOf(principal.userId).bytes;
    if (used + extra <= limit && (extra > 0 || used < limit)) return;
    const what = extra > 0 ? `saving this (${formatBytes(extra)}) would take your storage to ${formatBytes(used + extra)}` : `you use ${formatBytes(used)} of storage`;
    throw new FramegateError(
      ErrorCodes.LimitReached,
      `${what}, past your limit of ${formatBytes(limit)}: remove versions you no longer need (framegate versions NAME, framegate rm NAME@N, framegate gc) or ask an admin for more`,
      { limit: 'storage', usedBytes: used, limitBytes: limit, neededBytes: extra },
    );
  }

  /**
   * Records a version under `target`, atomically. An object that appeared meanwhile is FrameExists
   * unless `replace`; one that vanished is created anew.
   */
  record(principal: Principal, target: WriteTarget, version: Omit<NewVersion, 'authorId'>, reads: readonly VersionRead[], options: { replace: boolean; attachedTo?: number }): Recorded {
    return inTransaction(this.db, () => {
      const checked = this.resolver.planWrite(principal, qualifiedName(target.namespace, target.name), target.kind);
      let object = checked.existing;
      if (object && !options.replace) {
        const full = qualifiedName(object.namespace, object.name);
        throw new FramegateError(ErrorCodes.FrameExists, `a ${KIND_NOUNS[object.kind]} named ${full} exists; save with replace to add a new version`, { name: full });
      }
      if (version.bytes > 0) this.checkStorage(principal, version.bytes);
      const created = !object;
      if (!object) {
        const namespaceOwner = this.objects.namespace(checked.namespace)?.ownerId ?? null;
        this.objects.ensureNamespace(checked.namespace, namespaceOwner);
        object = this.objects.create(target.kind, checked.namespace, checked.name, namespaceOwner ?? principal.userId, {
          ...(options.attachedTo !== undefined ? { attachedTo: options.attachedTo } : {}),
        });
      }
      const added = this.objects.addVersion(object.id, { ...version, authorId: principal.userId });
      this.reads.add(object.id, added.version, reads);
      this.audit.record({ principal, action: 'save', object, version: added.version, detail: { origin: version.origin.kind, ...(reads.length ? { reads: reads.length } : {}) } });
      return { object, version: added, created };
    });
  }

  share(principal: Principal, text: string, kind: ObjectKind | undefined, grantee: Grantee, write: boolean): ObjectRecord {
    return inTransaction(this.db, () => {
      const { object } = this.resolver.manageable(principal, text, kind);
      const { kind: granteeKind, id } = this.granteeId(grantee);
      this.grants.set(object.id, granteeKind, id, write, principal.userId);
      this.audit.record({ principal, action: 'share', object, detail: { to: grantee, write } });
      return object;
    });
  }

  unshare(principal: Principal, text: string, kind: ObjectKind | undefined, grantee: Grantee): ObjectRecord {
    return inTransaction(this.db, () => {
      const { object } = this.resolver.manageable(principal, text, kind);
      const { kind: granteeKind, id } = this.granteeId(grantee);
      if (!this.grants.remove(object.id, granteeKind, id)) {
        const who = grantee.kind === 'team' ? 'the team' : `${grantee.kind} ${grantee.name}`;
        throw new FramegateError(ErrorCodes.InvalidParams, `${qualifiedName(object.namespace, object.name)} is not shared with ${who}`);
      }
      this.audit.record({ principal, action: 'unshare', object, detail: { from: grantee } });
      return object;
    });
  }

  /** Deletes an object (every version); returns it as it was and the storage ids to drop. */
  delete(principal: Principal, text: string, kind: ObjectKind | undefined): { object: ObjectRecord; storage: string[] } {
    return inTransaction(this.db, () => {
      const { object } = this.resolver.manageable(principal, text, kind);
      const storage = this.objects.markDeleted(object.id, principal.userId);
      this.audit.record({ principal, action: 'delete', object });
      return { object, storage };
    });
  }

  /**
   * Removes one version's data or content, keeping its record for lineage. Not the latest (remove
   * the object, or save a newer version first), and not a version a saved query pins.
   */
  removeVersion(principal: Principal, text: string, kind: ObjectKind | undefined): { object: ObjectRecord; version: number; storage: string | null } {
    const ref = parseFrameRef(text);
    if (ref.version === undefined) throw new FramegateError(ErrorCodes.InvalidParams, `name the version to remove: ${text}@N`);
    return inTransaction(this.db, () => {
      const { object } = this.resolver.manageable(principal, text, kind);
      const full = qualifiedName(object.namespace, object.name);
      const version = this.objects.version(object.id, ref.version!);
      if (!version) throw new FramegateError(ErrorCodes.FrameNotFound, `${full} has no version ${ref.version}`, { name: text });
      if (version.removed) throw new FramegateError(ErrorCodes.FrameNotFound, `${full}@${version.version} was removed already`, { name: text });
      const latest = this.objects.latest(object.id)!;
      if (latest.version === version.version) {
        throw new FramegateError(
          ErrorCodes.InvalidParams,
          `${full}@${version.version} is the latest version, which "${full}" reads: remove the whole ${KIND_NOUNS[object.kind]} (framegate rm ${full}), or save a newer version first`,
        );
      }
      const pinning = this.reads.pinnedBy(object.id, version.version).map((id) => this.objects.byId(id)!);
      if (pinning.length) {
        const visible = pinning.filter((q) => this.resolver.access(principal, q).read).map((q) => qualifiedName(q.namespace, q.name));
        const hidden = pinning.length - visible.length;
        const names = [...visible, ...(hidden ? [`${hidden} ${hidden === 1 ? 'query' : 'queries'} you cannot see`] : [])].join(', ');
        throw new FramegateError(ErrorCodes.Conflict, `${full}@${version.version} is pinned by saved queries (${names}): they read that very version`, { pinnedBy: visible });
      }
      const storage = this.objects.removeVersion(object.id, version.version, 'removed', principal.userId);
      this.audit.record({ principal, action: 'remove-version', object, version: version.version });
      return { object, version: version.version, storage };
    });
  }

  /** Sets (or, with null, clears) a frame's own retention. */
  setRetention(principal: Principal, text: string, keep: number | null): ObjectRecord {
    return inTransaction(this.db, () => {
      const { object } = this.resolver.manageable(principal, text, 'frame');
      this.objects.setKeepVersions(object.id, keep);
      this.audit.record({ principal, action: 'retention', object, detail: { keep } });
      return { ...object, keepVersions: keep };
    });
  }

  private granteeId(grantee: Grantee): { kind: Grantee['kind']; id: number } {
    if (grantee.kind === 'team') return { kind: 'team', id: 0 };
    if (grantee.kind === 'user') return { kind: 'user', id: this.users.active(grantee.name).id };
    return { kind: 'group', id: this.groups.require(grantee.name).id };
  }
}
