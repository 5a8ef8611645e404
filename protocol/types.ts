/** Shapes shared by several methods: objects and frames, results, users, groups, grants. */

export interface ColumnInfo {
  name: string;
  /** The engine's type name, e.g. `BIGINT`, `VARCHAR`, `TIMESTAMP`, `DECIMAL(18,2)`. */
  type: string;
}

/** Who a frame is shared with: one user, the members of a group, or the whole team. */
export type Grantee = { kind: 'user'; name: string } | { kind: 'group'; name: string } | { kind: 'team' };

export interface GrantInfo {
  to: Grantee;
  /** They may also save new versions. */
  write: boolean;
  /** Who shared it. */
  by: string;
  /** ISO-8601 time of the share. */
  at: string;
}

/**
 * How a frame reaches the caller: `mine` (they own it), `shared` (shared with them or a group of
 * theirs), `team` (in the team namespace, or published), `admin` (visible only because they are
 * an admin).
 */
export type FrameScope = 'mine' | 'shared' | 'team' | 'admin';

/** What every kind of object reports: its name, owner, latest version, and the caller's access. */
export interface ObjectAccessInfo {
  /** Full name, `namespace.name`. */
  name: string;
  namespace: string;
  owner: string;
  /** ISO-8601 time this version was saved. */
  createdAt: string;
  /** Increases by one each time the name is saved again. */
  version: number;
  /** Versions recorded under this name, removed ones included. */
  versionCount: number;
  /** Who saved this version (the owner, or someone with write access). */
  author: string;
  scope: FrameScope;
  /** For scope `shared`: who shared it with the caller. */
  sharedBy?: string;
  /** Shared with the whole team (or in the team namespace). */
  published: boolean;
  /** The caller may save new versions. */
  canWrite: boolean;
  /** The caller may share, unshare and delete it (its owner or an admin). */
  canManage: boolean;
  /** Present for callers who may manage the object. */
  grants?: GrantInfo[];
}

export interface FrameInfo extends ObjectAccessInfo {
  kind: 'frame';
  columns: ColumnInfo[];
  rowCount: number;
  /** The SQL (or load/upload description) that produced this version. */
  source: string;
  /** Engine storage this version's data takes. */
  bytes: number;
  /** Engine storage of every version of this frame that still has its data. */
  storedBytes: number;
}

/** A query result held by the gateway for the session that ran it, until closed or saved. */
export interface ResultInfo {
  id: string;
  columns: ColumnInfo[];
  rowCount: number;
  sql: string;
}

export interface SortKey {
  column: string;
  descending?: boolean;
}

/** A per-column filter (see schemas.ts ColumnFilter): values, a range, or text. */
export type ColumnFilter =
  | { kind: 'values'; column: string; values: (string | null)[] }
  | { kind: 'range'; column: string; min?: number | string; max?: number | string }
  | { kind: 'text'; column: string; match: 'contains' | 'startsWith'; text: string };

export type ChartKind = 'histogram' | 'bar' | 'line' | 'scatter';
export type ChartAggregate = 'count' | 'sum' | 'avg';

/** What a quick chart shows (see schemas.ts ChartSpec). */
export type ChartSpec =
  | { kind: 'histogram'; column: string; bins?: number }
  | { kind: 'bar'; x: string; y?: string; aggregate?: ChartAggregate; limit?: number }
  | { kind: 'line'; x: string; y?: string; aggregate?: ChartAggregate; buckets?: number }
  | { kind: 'scatter'; x: string; y: string; limit?: number };

/**
 * A chart's data, aggregated on the gateway: `x` and `y` side by side. Histogram: `x` is each
 * bin's lower edge and `binWidth` its width; bar: `labels` are the values of x; line: `x` is each
 * bucket's start (seconds since 1970 when `temporal`); scatter: a sample of points.
 */
export interface ChartData {
  kind: ChartKind;
  x: number[];
  y: number[];
  labels?: string[];
  binWidth?: number;
  /** x holds times, as seconds since 1970 (UTC). */
  temporal?: boolean;
  /** Rows the chart was drawn from (after filters). */
  rowCount: number;
  /** The axis titles, e.g. `count`, `avg(amount)`. */
  xTitle: string;
  yTitle: string;
  /** The SQL the gateway ran, for the curious. */
  sql: string;
}

/** What a window reads from: a frame (`name` may carry `@version`) or a query result of this session. */
export type Source = { kind: 'frame'; name: string } | { kind: 'result'; id: string };

export interface UserInfo {
  name: string;
  admin: boolean;
  /** May save frames in the team namespace. */
  teamWriter: boolean;
  groups: string[];
  createdAt: string;
  /** Their own storage limit in bytes; null: the gateway's default applies. */
  storageLimitBytes: number | null;
}

export interface GroupInfo {
  name: string;
  members: string[];
}

export type FileFormat = 'csv' | 'parquet' | 'json';

/** One equal-width bin of a histogram, its edges as text (numbers, or ISO dates and times). */
export interface ProfileBin {
  lo: string;
  hi: string;
  count: number;
}

/** A value and how many rows hold it. */
export interface ProfileValue {
  value: string;
  count: number;
}

/** What one column holds, computed on the gateway over all its rows. */
export interface ColumnProfile {
  name: string;
  type: string;
  /** Rows whose value is not NULL. */
  count: number;
  nulls: number;
  /** Exact number of distinct non-NULL values; absent for nested types. */
  distinct?: number;
  /** Smallest and largest value as the engine writes them; absent for types without an order. */
  min?: string;
  max?: string;
  /** Numeric columns. */
  mean?: number;
  /** Numeric and temporal columns: equal-width bins from min to max (the last includes max). */
  histogram?: ProfileBin[];
  /** Other columns (text, booleans, …): the most frequent values, most frequent first. */
  top?: ProfileValue[];
}

/** A file or folder inside the gateway's import dirs. */
export interface FileEntry {
  name: string;
  /** Absolute path on the gateway machine (what frames/load takes). */
  path: string;
  kind: 'file' | 'dir';
  /** Files only. */
  bytes?: number;
  /** ISO-8601 time of the last change. */
  modifiedAt: string;
}

/**
 * What is wrong with a statement, and where: offsets (UTF-16, end exclusive) into the SQL that was
 * checked. `frame` is an unknown frame, or one the caller may not read (the two look the same).
 */
export interface SqlProblem {
  kind: 'syntax' | 'frame' | 'column' | 'function' | 'refused' | 'other';
  message: string;
  start: number;
  end: number;
}

export type SqlCompletionKind = 'namespace' | 'frame' | 'cte' | 'alias' | 'column' | 'function' | 'keyword';

export interface SqlCompletionItem {
  label: string;
  kind: SqlCompletionKind;
  /** One line: a frame's full name, owner and rows; a column's type and frame; a function's kind. */
  detail?: string;
  /** When it differs from the label (e.g. a name that needs quotes or its namespace). */
  insertText?: string;
  /** What typing matches against, when not the label (a frame's short name). */
  filterText?: string;
}
