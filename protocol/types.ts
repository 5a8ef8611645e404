/** Shapes shared by several methods: frames, results, users, groups, grants. */

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

export interface FrameInfo {
  /** Full name, `namespace.name`. */
  name: string;
  namespace: string;
  owner: string;
  columns: ColumnInfo[];
  rowCount: number;
  /** ISO-8601 time this version was saved. */
  createdAt: string;
  /** Increases by one each time the name is saved again. */
  version: number;
  /** Who saved this version (the owner, or someone with write access). */
  author: string;
  /** The SQL (or load/upload description) that produced this version. */
  source: string;
  scope: FrameScope;
  /** For scope `shared`: who shared it with the caller. */
  sharedBy?: string;
  /** Shared with the whole team (or in the team namespace). */
  published: boolean;
  /** The caller may save new versions. */
  canWrite: boolean;
  /** The caller may share, unshare and delete it (its owner or an admin). */
  canManage: boolean;
  /** Present for callers who may manage the frame. */
  grants?: GrantInfo[];
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

/** What a window reads from: a frame (`name` may carry `@version`) or a query result of this session. */
export type Source = { kind: 'frame'; name: string } | { kind: 'result'; id: string };

export interface UserInfo {
  name: string;
  admin: boolean;
  /** May save frames in the team namespace. */
  teamWriter: boolean;
  groups: string[];
  createdAt: string;
}

export interface GroupInfo {
  name: string;
  members: string[];
}

export type FileFormat = 'csv' | 'parquet' | 'json';

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
