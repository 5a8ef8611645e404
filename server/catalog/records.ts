/** The catalog's records as stored (objects, versions, grants), and their row mappings. */
import type { ColumnInfo, ObjectKind } from '../../protocol';

export type { ObjectKind };

export interface ObjectRecord {
  id: number;
  kind: ObjectKind;
  namespace: string;
  name: string;
  ownerId: number;
  createdAt: string;
  deletedAt: string | null;
  /** A note's frame. */
  attachedTo: number | null;
  /** This frame's own retention (versions that keep their data); null: the gateway's. */
  keepVersions: number | null;
}

/** How a version was made, for programs (lineage). */
export type Origin =
  | { kind: 'sql'; sql: string }
  | { kind: 'select'; sql: string }
  /** Run from a saved query (object id and version), with the SQL as it ran. */
  | { kind: 'query'; sql: string; queryId: number; queryVersion: number }
  | { kind: 'file'; path: string; bytes: number; sha256: string }
  | { kind: 'upload' }
  | { kind: 'demo' }
  /** Imported from a Framegate 0.1 data dir; `source` is what that release recorded. */
  | { kind: 'legacy'; source: string }
  /** A query or note version, written by its author. */
  | { kind: 'written' };

export type RemovedReason = 'removed' | 'retention' | 'deleted';

export interface VersionRecord {
  objectId: number;
  version: number;
  authorId: number;
  createdAt: string;
  /** Engine storage of a frame version's data; null for other kinds and once the data is gone. */
  storage: string | null;
  columns: ColumnInfo[];
  rowCount: number;
  bytes: number;
  source: string;
  origin: Origin;
  /** A query's or a note's content (JSON as the kind defines it); null once removed. */
  body: unknown;
  /** Set once the data or content was dropped; null when that happened before the reason was recorded. */
  removed: { reason: RemovedReason | null; at: string | null; by: number | null } | null;
}

export interface NewVersion {
  authorId: number;
  storage: string | null;
  columns: ColumnInfo[];
  rowCount: number;
  bytes: number;
  source: string;
  origin: Origin;
  body?: unknown;
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

/** A version another was made from. `pinned`: the SQL named that version itself. */
export interface VersionRead {
  objectId: number;
  version: number;
  pinned?: boolean;
}

export interface ObjectRow {
  id: number;
  kind: ObjectKind;
  namespace: string;
  name: string;
  owner_id: number;
  created_at: string;
  deleted_at: string | null;
  attached_to: number | null;
  keep_versions: number | null;
}

export interface VersionRow {
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
  body: string | null;
  removed_reason: RemovedReason | null;
  removed_at: string | null;
  removed_by: number | null;
}

export interface GrantRow {
  object_id: number;
  grantee_kind: GranteeKind;
  grantee_id: number;
  write: number;
  granted_by: number;
  granted_at: string;
}

export const toObject = (row: ObjectRow): ObjectRecord => ({
  id: row.id,
  kind: row.kind,
  namespace: row.namespace,
  name: row.name,
  ownerId: row.owner_id,
  createdAt: row.created_at,
  deletedAt: row.deleted_at,
  attachedTo: row.attached_to,
  keepVersions: row.keep_versions,
});

export function toVersion(row: VersionRow): VersionRecord {
  const origin = JSON.parse(row.origin) as Origin;
  // Frame data that went before reasons were recorded (0.1 replacements, deletions) counts as removed too.
  const removed = row.removed_at !== null || row.removed_reason !== null || (row.storage === null && origin.kind !== 'written');
  return {
    objectId: row.object_id,
    version: row.version,
    authorId: row.author_id,
    createdAt: row.created_at,
    storage: row.storage,
    columns: row.columns ? (JSON.parse(row.columns) as ColumnInfo[]) : [],
    rowCount: row.row_count ?? 0,
    bytes: row.bytes,
    source: row.source,
    origin,
    body: row.body === null ? null : (JSON.parse(row.body) as unknown),
    removed: removed ? { reason: row.removed_reason, at: row.removed_at, by: row.removed_by } : null,
  };
}

export const toGrant = (row: GrantRow): GrantRecord => ({
  objectId: row.object_id,
  granteeKind: row.grantee_kind,
  granteeId: row.grantee_id,
  write: row.write === 1,
  grantedBy: row.granted_by,
  grantedAt: row.granted_at,
});
