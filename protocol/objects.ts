/**
 * Shared objects of every kind: frames (data), saved queries (SQL) and notes (Markdown). One
 * object store holds them all: an object has a kind, a `namespace.name` (unique across kinds), an
 * owner, grants, and immutable versions, each with its author, time and lineage. A new kind (charts)
 * is a new member of `ObjectKind` and of `ObjectInfo`, not a new subsystem.
 */
import type { ChartData, ChartSpec, ColumnFilter, ColumnInfo, FrameInfo, ObjectAccessInfo } from './types';

export type ObjectKind = 'frame' | 'query' | 'note' | 'chart';
export const OBJECT_KINDS: readonly ObjectKind[] = ['frame', 'query', 'note', 'chart'];

/** A saved query: SQL over frames, run again on demand (`queries/run`). */
export interface QueryInfo extends ObjectAccessInfo {
  kind: 'query';
  sql: string;
  description: string;
  /** The result's columns when the version was saved (names there may have changed since). */
  columns: ColumnInfo[];
  /** Frames the SQL names with a version (`"sales@3"`): those versions are kept for it. */
  pinned: string[];
}

/** A note: Markdown, standing alone or attached to a frame. */
export interface NoteInfo extends ObjectAccessInfo {
  kind: 'note';
  text: string;
  /** The frame it is attached to (full name); absent for a note standing alone. */
  attachedTo?: string;
}

/** A saved quick chart: which frame version, which chart, which filters; opening it aggregates again. */
export interface ChartInfo extends ObjectAccessInfo {
  kind: 'chart';
  /** The frame version it is drawn from: `alice.sales@3`. */
  from: string;
  chart: ChartSpec;
  filters: ColumnFilter[];
}

/** A saved chart opened (`charts/open`): what it is, and its data aggregated now, as the caller. */
export interface ChartOpenResult {
  info: ChartInfo;
  data: ChartData;
}

export type ObjectInfo = FrameInfo | QueryInfo | NoteInfo | ChartInfo;

/** How a version was made, for people and programs (lineage). */
export type OriginInfo =
  | { kind: 'sql'; sql: string }
  | { kind: 'select'; sql: string }
  /** Run from a saved query; `query` is absent when the caller cannot see that query. */
  | { kind: 'query'; sql: string; query?: string; queryVersion?: number }
  | { kind: 'file'; path: string; bytes: number; sha256: string }
  | { kind: 'upload'; by: string }
  | { kind: 'demo' }
  /** Imported from a Framegate 0.1 data dir: what that release recorded. */
  | { kind: 'legacy'; source: string }
  /** A query or note version: written by hand. */
  | { kind: 'written' };

/** What happened to a version's data (frames) or content (queries, notes). */
export type VersionState =
  | { kind: 'present' }
  /** Dropped by `framegate rm NAME@N`, by retention (`gc`), or with the whole object. */
  | { kind: 'removed'; reason: 'removed' | 'retention' | 'deleted' | 'unknown'; at?: string; by?: string };

export interface VersionInfo {
  version: number;
  author: string;
  createdAt: string;
  /** Rows of a frame version; 0 for other kinds. */
  rowCount: number;
  /** Storage its data takes in the engine (0 once dropped, and for other kinds). */
  bytes: number;
  /** The SQL, "load /path", "upload by …", or a note's first line. */
  source: string;
  origin: OriginInfo;
  state: VersionState;
  latest: boolean;
  /** Why retention keeps it: read by a version of another frame, or pinned by a saved query. */
  keptFor?: Array<'lineage' | 'pinned'>;
}

export interface VersionsResult {
  name: string;
  kind: ObjectKind;
  /** Oldest first. */
  versions: VersionInfo[];
  /** Versions kept per frame: this frame's own setting, else the gateway's (null: all). */
  keep: number | null;
  /** Whether `keep` is this frame's own setting. */
  keepIsOwn: boolean;
}

/**
 * One version in a lineage chain. `visible: false` is a version the caller may not read: nothing
 * else about it is told (nor about what it was made from).
 */
export type LineageNode =
  | {
      visible: true;
      kind: ObjectKind;
      /** Full name and version: `alice.sales@3`. */
      ref: string;
      name: string;
      version: number;
      author: string;
      createdAt: string;
      origin: OriginInfo;
      state: VersionState;
      /** The object was deleted since (its versions stay, for lineage). */
      deleted: boolean;
      /** The versions it read, in name order. */
      reads: LineageNode[];
      /** Shown in full earlier in this tree (a version read twice); its reads are not repeated. */
      repeated?: boolean;
      /** The tree grew past the gateway's bound here; ask for this version's lineage on its own. */
      truncated?: boolean;
    }
  | { visible: false; kind: ObjectKind };

export interface LineageResult {
  root: LineageNode;
}

export interface GcResult {
  /** Versions whose data was dropped (or would be, with dryRun). */
  dropped: Array<{ name: string; version: number; bytes: number }>;
  bytes: number;
  dryRun: boolean;
}

export interface RetentionResult {
  name: string;
  keep: number | null;
  keepIsOwn: boolean;
}

export interface DeleteObjectResult {
  deleted: string;
  kind: ObjectKind;
  /** Set when one version was removed rather than the whole object. */
  version?: number;
}

export interface ListObjectsResult {
  objects: ObjectInfo[];
}

/** A saved query's run: a result handle (as `query/sql`), and which query version ran. */
export interface QueryRunResult {
  id: string;
  columns: ColumnInfo[];
  rowCount: number;
  sql: string;
  query: string;
  version: number;
}
