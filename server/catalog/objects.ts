/**
 * Namespaces, objects (frames now; other kinds later), their immutable versions, grants and
 * lineage, as stored. No access rules here (access.ts) and no engine calls (the gateway stores
 * data first, then records it here).
 */
import type { ColumnInfo } from '../../protocol';
import { now, type Db } from './store';

export type ObjectKind = 'frame';

export interface ObjectRecord {
  id: number;
  kind: ObjectKind;
  namespace: string;
  name: string;
  ownerId: number;
  createdAt: string;
  deletedAt: string | null;
}

/** How a version was made, for programs (lineage). */
export type Origin =
  | { kind: 'sql'; sql: string }
  | { kind: 'select'; sql: string }
  | { kind: 'file'; path: string; bytes: number; sha256: string }
  | { kind: 'upload' }
  | { kind: 'demo' }
  /** Imported from a Framegate 0.1 data dir; `source` is what that release recorded. */
  | { kind: 'legacy'; source: string };

export interface VersionRecord {
  objectId: number;
  version: number;
  authorId: number;
  createdAt: string;
  /** Engine storage of a frame version's data; null once it is gone. */
  storage: string | null;
  columns: ColumnInfo[];
  rowCount: number;
  bytes: number;
  source: string;
  origin: Origin;
}

export interface NewVersion {
  authorId: number;
  storage: string | null;
  columns: ColumnInfo[];
  rowCount: number;
  bytes: number;
  source: string;
  origin: Origin;
  createdAt?: string;
}

export type GranteeKind = 'user' | 'group' | 'team';

export interface GrantRecord {
  objectId: number;
  granteeKind: GranteeKind;
  /** User or group id; 0 for the team. */
  granteeId: number;
  write: boolean;
  grantedBy: number;
  grantedAt: string;
}

interface ObjectRow {
  id: number;
  kind: ObjectKind;
  namespace: string;
  name: string;
  owner_id: number;
  created_at: string;
  deleted_at: string | null;
}

interface VersionRow {
  object_id: number;
  version: number;
  author_id: number;
  created_at: string;
  storage: string | null;
  columns: string | null;
  row_count: number | null;
  bytes: number;
  source: string;
  origin: string;
}

interface GrantRow {
  object_id: number;
  grantee_kind: GranteeKind;
  grantee_id: number;
  write: number;
  granted_by: number;
  granted_at: string;
}

const toObject = (row: ObjectRow): ObjectRecord => ({
  id: row.id,
  kind: row.kind,
  namespace: row.namespace,
  name: row.name,
  ownerId: row.owner_id,
  createdAt: row.created_at,
  deletedAt: row.deleted_at,
});

const toVersion = (row: VersionRow): VersionRecord => ({
  objectId: row.object_id,
  version: row.version,
  authorId: row.author_id,
  createdAt: row.created_at,
  storage: row.storage,
  columns: row.columns ? (JSON.parse(row.columns) as ColumnInfo[]) : [],
  rowCount: row.row_count ?? 0,
  bytes: row.bytes,
  source: row.source,
  origin: JSON.parse(row.origin) as Origin,
});

const toGrant = (row: GrantRow): GrantRecord => ({
  objectId: row.object_id,
  granteeKind: row.grantee_kind,
  granteeId: row.grantee_id,
  write: row.write === 1,
  grantedBy: row.granted_by,
  grantedAt: row.granted_at,
});

/** A live object with its latest version, as listings need them. */
export interface ObjectWithVersion {
  object: ObjectRecord;
  latest: VersionRecord;
}

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

  findLive(kind: ObjectKind, namespace: string, name: string): ObjectRecord | undefined {
    const row = this.db.prepare('SELECT * FROM objects WHERE kind = ? AND namespace = ? AND name = ? AND deleted_at IS NULL').get(kind, namespace, name) as
      | ObjectRow
      | undefined;
    return row && toObject(row);
  }

  /** Live objects of this short name in any namespace (candidates for a bare name). */
  liveNamed(kind: ObjectKind, name: string): ObjectRecord[] {
    return (this.db.prepare('SELECT * FROM objects WHERE kind = ? AND name = ? AND deleted_at IS NULL ORDER BY namespace').all(kind, name) as ObjectRow[]).map(toObject);
  }

  /** Every live object of a kind with its latest version. */
  listLive(kind: ObjectKind): ObjectWithVersion[] {
    const rows = this.db
      .prepare(
        `SELECT o.*, v.object_id AS v_object_id, v.version, v.author_id, v.created_at AS v_created_at, v.storage, v.columns, v.row_count, v.bytes, v.source, v.origin
         FROM objects o JOIN versions v ON v.object_id = o.id
         WHERE o.kind = ? AND o.deleted_at IS NULL AND v.version = (SELECT max(version) FROM versions WHERE object_id = o.id)
         ORDER BY o.namespace, o.name`,
      )
      .all(kind) as (ObjectRow & VersionRow & { v_object_id: number; v_created_at: string })[];
    return rows.map((row) => ({ object: toObject(row), latest: toVersion({ ...row, object_id: row.v_object_id, created_at: row.v_created_at }) }));
  }

  create(kind: ObjectKind, namespace: string, name: string, ownerId: number, createdAt = now()): ObjectRecord {
    const info = this.db.prepare('INSERT INTO objects (kind, namespace, name, owner_id, created_at) VALUES (?, ?, ?, ?, ?)').run(kind, namespace, name, ownerId, createdAt);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** Adds the next version; returns it. */
  addVersion(objectId: number, version: NewVersion, number?: number): VersionRecord {
    const next = number ?? Number((this.db.prepare('SELECT coalesce(max(version), 0) + 1 AS n FROM versions WHERE object_id = ?').get(objectId) as { n: number }).n);
    this.db
      .prepare(
        `INSERT INTO versions (object_id, version, author_id, created_at, storage, columns, row_count, bytes, source, origin)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

  /** Marks an object deleted and forgets its versions' data; returns the storage ids to drop. */
  markDeleted(objectId: number): string[] {
    const storage = (this.db.prepare('SELECT storage FROM versions WHERE object_id = ? AND storage IS NOT NULL').all(objectId) as { storage: string }[]).map((r) => r.storage);
    this.db.prepare('UPDATE versions SET storage = NULL WHERE object_id = ?').run(objectId);
    this.db.prepare('UPDATE objects SET deleted_at = ? WHERE id = ?').run(now(), objectId);
    this.db.prepare('DELETE FROM grants WHERE object_id = ?').run(objectId);
    return storage;
  }

  grants(objectId: number): GrantRecord[] {
    return (this.db.prepare('SELECT * FROM grants WHERE object_id = ? ORDER BY granted_at').all(objectId) as GrantRow[]).map(toGrant);
  }

  /** Grants that reach a principal: to them, to any of their groups, or to the team. */
  grantsReaching(userId: number, groupIds: readonly number[]): GrantRecord[] {
    const groups = groupIds.length ? `OR (grantee_kind = 'group' AND grantee_id IN (${groupIds.map(() => '?').join(', ')}))` : '';
    return (
      this.db.prepare(`SELECT * FROM grants WHERE (grantee_kind = 'user' AND grantee_id = ?) OR grantee_kind = 'team' ${groups}`).all(userId, ...groupIds) as GrantRow[]
    ).map(toGrant);
  }

  setGrant(objectId: number, kind: GranteeKind, granteeId: number, write: boolean, grantedBy: number): void {
    this.db
      .prepare(
        `INSERT INTO grants (object_id, grantee_kind, grantee_id, write, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (object_id, grantee_kind, grantee_id) DO UPDATE SET write = excluded.write, granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      )
      .run(objectId, kind, granteeId, Number(write), grantedBy, now());
  }

  /** True when there was such a grant. */
  removeGrant(objectId: number, kind: GranteeKind, granteeId: number): boolean {
    return this.db.prepare('DELETE FROM grants WHERE object_id = ? AND grantee_kind = ? AND grantee_id = ?').run(objectId, kind, granteeId).changes > 0;
  }

  addReads(objectId: number, version: number, reads: { objectId: number; version: number }[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO reads (object_id, version, read_object_id, read_version) VALUES (?, ?, ?, ?)');
    for (const read of reads) insert.run(objectId, version, read.objectId, read.version);
  }

  readsOf(objectId: number, version: number): { objectId: number; version: number }[] {
    return (
      this.db.prepare('SELECT read_object_id, read_version FROM reads WHERE object_id = ? AND version = ? ORDER BY read_object_id, read_version').all(objectId, version) as {
        read_object_id: number;
        read_version: number;
      }[]
    ).map((r) => ({ objectId: r.read_object_id, version: r.read_version }));
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
}
