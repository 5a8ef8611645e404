/**
 * Namespaces, objects of every kind and their immutable versions, as stored. No access rules here
 * (access.ts) and no engine calls (the gateway stores a frame's data first, then records it here).
 */
import { now, type Db } from './store';
import { toObject, toVersion, type NewVersion, type ObjectKind, type ObjectRecord, type ObjectRow, type RemovedReason, type VersionRecord, type VersionRow } from './records';

export type { GrantRecord, GranteeKind, NewVersion, ObjectKind, ObjectRecord, Origin, VersionRecord } from './records';

/** A live object with its latest version and what all its versions hold, as listings need them. */
export interface ObjectWithVersion {
  object: ObjectRecord;
  latest: VersionRecord;
  versionCount: number;
  /** Engine bytes of every version that still has its data. */
  storedBytes: number;
}

/** Storage a user's saves take: versions with data, by author. */
export interface StorageUse {
  userId: number;
  bytes: number;
  versions: number;
}

type ListedRow = ObjectRow &
  VersionRow & { v_object_id: number; v_created_at: string; version_count: number; stored_bytes: number };

export class Objects {
  constructor(private readonly db: Db) {}

  namespace(name: string): { name: string; ownerId: number | null } | undefined {
    const row = this.db.prepare('SELECT name, owner_id FROM namespaces WHERE name = ?').get(name) as { name: string; owner_id: number | null } | undefined;
    return row && { name: row.name, ownerId: row.owner_id };
  }

  ensureNamespace(name: string, ownerId: number | null): void {
    this.db.prepare('INSERT OR IGNORE INTO namespaces (name, owner_id, created_at) VALUES (?, ?, ?)').run(name.toLowerCase(), ownerId, now());
  }

  byId(id: number): ObjectRecord | undefined {
    const row = this.db.prepare('SELECT * FROM objects WHERE id = ?').get(id) as ObjectRow | undefined;
    return row && toObject(row);
  }

  /** The live object of that name, whatever its kind (names are unique across kinds). */
  findLive(namespace: string, name: string): ObjectRecord | undefined {
    const row = this.db.prepare('SELECT * FROM objects WHERE namespace = ? AND name = ? AND deleted_at IS NULL').get(namespace, name) as ObjectRow | undefined;
    return row && toObject(row);
  }

  /** Live objects of this short name in any namespace (candidates for a bare name). */
  liveNamed(name: string): ObjectRecord[] {
    return (this.db.prepare('SELECT * FROM objects WHERE name = ? AND deleted_at IS NULL ORDER BY namespace').all(name) as ObjectRow[]).map(toObject);
  }

  /** Every live object (of a kind) with its latest version. */
  listLive(kind?: ObjectKind): ObjectWithVersion[] {
    const rows = this.db
      .prepare(
        `SELECT o.*, v.object_id AS v_object_id, v.version, v.author_id, v.created_at AS v_created_at, v.storage, v.columns, v.row_count, v.bytes,
                v.source, v.origin, v.body, v.removed_reason, v.removed_at, v.removed_by,
                (SELECT count(*) FROM versions c WHERE c.object_id = o.id) AS version_count,
                (SELECT coalesce(sum(s.bytes), 0) FROM versions s WHERE s.object_id = o.id AND s.storage IS NOT NULL) AS stored_bytes
         FROM objects o JOIN versions v ON v.object_id = o.id
         WHERE (? IS NULL OR o.kind = ?) AND o.deleted_at IS NULL AND v.version = (SELECT max(version) FROM versions WHERE object_id = o.id)
         ORDER BY o.namespace, o.name`,
      )
      .all(kind ?? null, kind ?? null) as ListedRow[];
    return rows.map((row) => ({
      object: toObject(row),
      latest: toVersion({ ...row, object_id: row.v_object_id, created_at: row.v_created_at }),
      versionCount: row.version_count,
      storedBytes: row.stored_bytes,
    }));
  }

  /** Live notes attached to an object. */
  attachedTo(objectId: number): ObjectRecord[] {
    return (this.db.prepare('SELECT * FROM objects WHERE attached_to = ? AND deleted_at IS NULL ORDER BY created_at, id').all(objectId) as ObjectRow[]).map(toObject);
  }

  create(kind: ObjectKind, namespace: string, name: string, ownerId: number, options: { createdAt?: string; attachedTo?: number } = {}): ObjectRecord {
    const info = this.db
      .prepare('INSERT INTO objects (kind, namespace, name, owner_id, created_at, attached_to) VALUES (?, ?, ?, ?, ?, ?)')
      .run(kind, namespace, name, ownerId, options.createdAt ?? now(), options.attachedTo ?? null);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** Adds the next version (or the given number, for imports); returns it. */
  addVersion(objectId: number, version: NewVersion, number?: number): VersionRecord {
    const next = number ?? Number((this.db.prepare('SELECT coalesce(max(version), 0) + 1 AS n FROM versions WHERE object_id = ?').get(objectId) as { n: number }).n);
    this.db
      .prepare(
        `INSERT INTO versions (object_id, version, author_id, created_at, storage, columns, row_count, bytes, source, origin, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        objectId,
        next,
        version.authorId,
        version.createdAt ?? now(),
        version.storage,
        JSON.stringify(version.columns),
        version.rowCount,
        version.bytes,
        version.source,
        JSON.stringify(version.origin),
        version.body === undefined ? null : JSON.stringify(version.body),
      );
    return this.version(objectId, next)!;
  }

  latest(objectId: number): VersionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM versions WHERE object_id = ? ORDER BY version DESC LIMIT 1').get(objectId) as VersionRow | undefined;
    return row && toVersion(row);
  }

  version(objectId: number, version: number): VersionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM versions WHERE object_id = ? AND version = ?').get(objectId, version) as VersionRow | undefined;
    return row && toVersion(row);
  }

  versions(objectId: number): VersionRecord[] {
    return (this.db.prepare('SELECT * FROM versions WHERE object_id = ? ORDER BY version').all(objectId) as VersionRow[]).map(toVersion);
  }

  /**
   * Marks an object deleted and forgets its versions' data and content (the records stay: the
   * lineage of others may point at them); returns the storage ids to drop.
   */
  markDeleted(objectId: number, by: number | null): string[] {
    const storage = (this.db.prepare('SELECT storage FROM versions WHERE object_id = ? AND storage IS NOT NULL').all(objectId) as { storage: string }[]).map((r) => r.storage);
    const at = now();
    this.db
      .prepare(
        `UPDATE versions SET removed_reason = 'deleted', removed_at = ?, removed_by = ?
         WHERE object_id = ? AND removed_at IS NULL AND (storage IS NOT NULL OR body IS NOT NULL)`,
      )
      .run(at, by, objectId);
    this.db.prepare('UPDATE versions SET storage = NULL, body = NULL WHERE object_id = ?').run(objectId);
    this.db.prepare('UPDATE objects SET deleted_at = ? WHERE id = ?').run(at, objectId);
    this.db.prepare('DELETE FROM grants WHERE object_id = ?').run(objectId);
    return storage;
  }

  /** Drops one version's data and content, keeping its record; returns the storage id to drop. */
  removeVersion(objectId: number, version: number, reason: RemovedReason, by: number | null): string | null {
    const row = this.db.prepare('SELECT storage FROM versions WHERE object_id = ? AND version = ?').get(objectId, version) as { storage: string | null } | undefined;
    this.db
      .prepare('UPDATE versions SET storage = NULL, body = NULL, removed_reason = ?, removed_at = ?, removed_by = ? WHERE object_id = ? AND version = ?')
      .run(reason, now(), by, objectId, version);
    return row?.storage ?? null;
  }

  setKeepVersions(objectId: number, keep: number | null): void {
    this.db.prepare('UPDATE objects SET keep_versions = ? WHERE id = ?').run(keep, objectId);
  }

  /** Notes that a save is about to store data under `storage` (before the engine writes it). */
  addPending(storage: string): void {
    this.db.prepare('INSERT OR IGNORE INTO pending_storage (storage, created_at) VALUES (?, ?)').run(storage, now());
  }

  removePending(storage: string): void {
    this.db.prepare('DELETE FROM pending_storage WHERE storage = ?').run(storage);
  }

  /** Storage of saves that had started and not finished (a crash between storing and recording). */
  pendingStorage(): Set<string> {
    return new Set((this.db.prepare('SELECT storage FROM pending_storage').all() as { storage: string }[]).map((r) => r.storage));
  }

  /** Frame versions recorded with this storage, as `namespace.name@version`. */
  versionsStoredIn(storage: string): string[] {
    return (
      this.db.prepare('SELECT o.namespace, o.name, v.version FROM versions v JOIN objects o ON o.id = v.object_id WHERE v.storage = ?').all(storage) as { namespace: string; name: string; version: number }[]
    ).map((r) => `${r.namespace}.${r.name}@${r.version}`);
  }

  /** Every storage id the catalog points at. */
  referencedStorage(): Set<string> {
    return new Set((this.db.prepare('SELECT storage FROM versions WHERE storage IS NOT NULL').all() as { storage: string }[]).map((r) => r.storage));
  }

  /** Storage by author, for every user who has some. */
  storageByUser(): StorageUse[] {
    return (
      this.db.prepare('SELECT author_id, sum(bytes) AS bytes, count(*) AS versions FROM versions WHERE storage IS NOT NULL GROUP BY author_id').all() as {
        author_id: number;
        bytes: number;
        versions: number;
      }[]
    ).map((r) => ({ userId: r.author_id, bytes: r.bytes, versions: r.versions }));
  }

  storageOf(userId: number): StorageUse {
    const row = this.db.prepare('SELECT coalesce(sum(bytes), 0) AS bytes, count(*) AS versions FROM versions WHERE storage IS NOT NULL AND author_id = ?').get(userId) as {
      bytes: number;
      versions: number;
    };
    return { userId, bytes: row.bytes, versions: row.versions };
  }

  /**
   * Live frames holding data in versions older than their last `keep` (their own setting, else
   * `defaultKeep`): candidates for retention.
   */
  framesOverRetention(defaultKeep: number | null): ObjectRecord[] {
    return (
      this.db
        .prepare(
          `SELECT o.* FROM objects o
           WHERE o.kind = 'frame' AND o.deleted_at IS NULL AND coalesce(o.keep_versions, ?) IS NOT NULL
             AND EXISTS (SELECT 1 FROM versions v WHERE v.object_id = o.id AND v.storage IS NOT NULL
                         AND v.version <= (SELECT max(version) FROM versions m WHERE m.object_id = o.id) - coalesce(o.keep_versions, ?))
           ORDER BY o.id`,
        )
        .all(defaultKeep, defaultKeep) as ObjectRow[]
    ).map(toObject);
  }
}
