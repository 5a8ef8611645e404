/**
 * Retention: a frame keeps the data of its last N versions (its own setting, else the gateway's
 * `--keep-versions`; none set: all). Older versions lose their data, never their record, unless
 * retention must keep them: read by a version of another frame that still has its data (its
 * lineage), or pinned (`"sales@3"`) by a saved query. The latest version is always kept.
 */
import type { GcResult } from '../../protocol';
import { qualifiedName } from '../../protocol';
import type { Principal } from './access';
import type { AuditLog } from './audit';
import type { Objects } from './objects';
import type { Reads } from './reads';
import type { ObjectRecord, VersionRecord } from './records';
import { inTransaction, type Db } from './store';

export interface Dropped {
  object: ObjectRecord;
  version: number;
  bytes: number;
  storage: string;
}

export class Retention {
  constructor(
    private readonly db: Db,
    private readonly objects: Objects,
    private readonly reads: Reads,
    private readonly audit: AuditLog,
    readonly defaultKeep: number | null,
  ) {}

  keepFor(object: ObjectRecord): number | null {
    return object.keepVersions ?? this.defaultKeep;
  }

  /** Versions of a frame whose data retention would drop now, oldest first. */
  plan(object: ObjectRecord): VersionRecord[] {
    const keep = this.keepFor(object);
    if (keep === null || object.kind !== 'frame' || object.deletedAt !== null) return [];
    const versions = this.objects.versions(object.id);
    const latest = versions.at(-1)?.version ?? 0;
    const kept = this.reads.kept(object.id);
    return versions.filter((v) => v.storage !== null && v.version <= latest - keep && !kept.has(v.version));
  }

  /**
   * Drops the data retention no longer keeps, of `objects` (default: every frame over its
   * retention that `principal` manages; all for admins), in one transaction with an audit line per
   * version. Returns what was dropped; the caller drops the storage in the engine.
   */
  collect(principal: Principal, options: { objects?: ObjectRecord[]; dryRun?: boolean; cause?: string } = {}): Dropped[] {
    const run = () => {
      const candidates = options.objects ?? this.objects.framesOverRetention(this.defaultKeep).filter((o) => principal.admin || o.ownerId === principal.userId);
      const dropped: Dropped[] = [];
      for (const object of candidates) {
        for (const version of this.plan(object)) {
          dropped.push({ object, version: version.version, bytes: version.bytes, storage: version.storage! });
          if (options.dryRun) continue;
          this.objects.removeVersion(object.id, version.version, 'retention', principal.userId);
          this.audit.record({ principal, action: 'gc', object, version: version.version, detail: { bytes: version.bytes, ...(options.cause ? { after: options.cause } : {}) } });
        }
      }
      return dropped;
    };
    return options.dryRun ? run() : inTransaction(this.db, run);
  }
}

export function gcResult(dropped: readonly Dropped[], dryRun: boolean): GcResult {
  return {
    dropped: dropped.map((d) => ({ name: qualifiedName(d.object.namespace, d.object.name), version: d.version, bytes: d.bytes })),
    bytes: dropped.reduce((sum, d) => sum + d.bytes, 0),
    dryRun,
  };
}
