/**
 * Every protocol method, declared once: its name, its params (the type of its zod schema in
 * schemas.ts, imported as a type only, so clients do not bundle zod) and its result, side by side.
 * Clients call `client.request(Methods.listFrames, params)`; the gateway dispatches on the same
 * constants (server/handlers).
 */
import type { z } from 'zod';
import type { AdminSessionsResult, AuditResult, CancelResult, KickResult, StorageResult } from './admin';
import type { AttachmentRef } from './attachments';
import type { GatewayEvent } from './events';
import type {
  ChartInfo,
  ChartOpenResult,
  DeleteObjectResult,
  GcResult,
  LineageResult,
  ListObjectsResult,
  NoteInfo,
  ObjectInfo,
  QueryInfo,
  QueryRunResult,
  RetentionResult,
  VersionsResult,
} from './objects';
import type * as S from './schemas';
import type { ChartData, ColumnInfo, ColumnProfile, FileEntry, FrameInfo, GroupInfo, ResultInfo, SqlCompletionItem, SqlProblem, UserInfo } from './types';

/** A request: method name, with its params and result types attached for the compiler. */
export interface RequestType<P, R> {
  readonly method: string;
  /** Type carriers only; never set. */
  readonly params?: P;
  readonly result?: R;
}

export interface NotificationType<P> {
  readonly method: string;
  readonly params?: P;
}

function request<Schema extends z.ZodType, R>(method: string): RequestType<z.input<Schema>, R> {
  return { method };
}

function notification<P>(method: string): NotificationType<P> {
  return { method };
}

/** What a client sends. */
export type ParamsOf<T> = T extends RequestType<infer P, unknown> ? P : never;
/** What the gateway answers. */
export type ResultOf<T> = T extends RequestType<unknown, infer R> ? R : never;

// ---------------------------------------------------------------------------------------------
// Gateway

export interface InfoResult {
  name: 'framegate';
  version: string;
  protocolVersion: number;
  engine: string;
  maxMessageBytes: number;
  /** Largest upload (an attachment assembled from several messages). */
  maxUploadBytes: number;
  queryTimeoutMs: number;
  importDirs: string[];
  /** The memory budget (--memory-limit), engine included. */
  memoryLimitBytes: number;
  /** Bytes the gateway holds now of its own share (uploads, windows, results being kept, caches). */
  memoryUsedBytes: number;
  /** Of those, the engine's caches of frame data, which give way to everything else. */
  memoryCachedBytes: number;
  /** Heavy requests (queries, saves, loads, uploads) one user may run at once. */
  maxQueriesPerUser: number;
}

export interface WhoAmIResult {
  user: string;
  admin: boolean;
  /** May save frames in the team namespace. */
  teamWriter: boolean;
  groups: string[];
  /** The caller's own namespace (their user name). */
  namespace: string;
  /** The team's shared namespace. */
  teamNamespace: string;
  /** Engine storage of the frame versions the caller saved that still have their data. */
  storage: { usedBytes: number; versions: number };
  /** The caller's limits; null: none. */
  limits: {
    storageBytes: number | null;
    /** Queries the caller may run at once. */
    concurrentQueries: number | null;
  };
}

export interface ShutdownResult {
  stopping: true;
  /** When running work is cancelled and connections close. */
  deadline: string;
  graceSeconds: number;
}

// ---------------------------------------------------------------------------------------------
// Frames

export interface ListFramesResult {
  frames: FrameInfo[];
}

export interface WindowResult extends AttachmentRef {
  /** Total rows in the (sorted, filtered) source, so a grid can size its scrollbar. */
  rowCount: number;
  /** With filters or a sort on a frame: the SQL the view amounts to (`SELECT * FROM "ns"."f" WHERE … ORDER BY …`), to show and copy. */
  sql?: string;
  offset: number;
  /** Rows in this window (≤ limit). */
  rows: number;
  columns: ColumnInfo[];
}

export interface ExportResult extends AttachmentRef {
  rows: number;
  bytes: number;
}

export interface ProfileResult {
  rowCount: number;
  columns: ColumnProfile[];
  /** ISO-8601 time it was computed. A frame version's profile is computed once and kept. */
  computedAt: string;
  /** Answered from the gateway's catalog (computed earlier), not computed for this call. */
  cached: boolean;
}

export interface ListFilesResult {
  /** The folder listed (absolute), or null for the list of import dirs. */
  path: string | null;
  /** The folder above it, when that is still inside an import dir. */
  parent?: string;
  /** Folders first, then files, each by name. */
  entries: FileEntry[];
  /** More entries than the gateway lists at once. */
  truncated: boolean;
}

export interface DeleteResult {
  deleted: string;
}

// ---------------------------------------------------------------------------------------------
// Users, tokens, groups

export interface ListUsersResult {
  users: UserInfo[];
  groups: GroupInfo[];
}

/** The token is shown this once; the gateway keeps only a slow salted hash of it. */
export interface TokenResult {
  user: string;
  token: string;
}

export interface AddUserResult extends TokenResult {
  info: UserInfo;
}

export interface RemovedResult {
  removed: string;
}

// ---------------------------------------------------------------------------------------------
// SQL assistance (editors): checked and completed by the engine's own parser, through the caller's access

export interface SqlCheckResult {
  /** Empty when the statement parses and binds. */
  problems: SqlProblem[];
  /** The columns it would return, when it binds. */
  columns?: ColumnInfo[];
}

export interface SqlCompleteResult {
  /** The text the items replace: the word being typed at the cursor (empty at a fresh position). */
  from: number;
  to: number;
  items: SqlCompletionItem[];
  /** More would match: ask again as the user types more. */
  incomplete: boolean;
}

export const Methods = {
  /** Gateway version, engine, limits. */
  info: request<typeof S.InfoParams, InfoResult>('gateway/info'),
  /** Who the caller's token says they are. */
  whoami: request<typeof S.WhoAmIParams, WhoAmIResult>('auth/whoami'),
  /** Stop the gateway gracefully (admins): tell every client, stop taking work, cancel what runs at the deadline. */
  shutdown: request<typeof S.ShutdownParams, ShutdownResult>('gateway/shutdown'),

  /** Frames the caller may read. */
  listFrames: request<typeof S.ListFramesParams, ListFramesResult>('frames/list'),
  schema: request<typeof S.SchemaParams, FrameInfo>('frames/schema'),
  /** Save a result handle, or a SQL query, as a frame. */
  save: request<typeof S.SaveParams, FrameInfo>('frames/save'),
  /** Load a file on the gateway's machine (inside an import dir) as a frame. */
  load: request<typeof S.LoadParams, FrameInfo>('frames/load'),
  /** Upload Arrow IPC bytes from the client as a frame. */
  upload: request<typeof S.UploadParams, FrameInfo>('frames/upload'),
  delete: request<typeof S.DeleteParams, DeleteResult>('frames/delete'),
  /** Share a frame with a user, a group or the team (owner or admin). */
  share: request<typeof S.ShareParams, FrameInfo>('frames/share'),
  unshare: request<typeof S.UnshareParams, FrameInfo>('frames/unshare'),

  /** A window of rows (and optionally columns) of a frame or result, as Arrow. */
  window: request<typeof S.WindowParams, WindowResult>('data/window'),
  /** The whole frame or result as Arrow, streamed in several attachment parts. */
  export: request<typeof S.ExportParams, ExportResult>('data/export'),
  /** Every column's type, nulls, distinct values, min/max/mean and histogram or top values. */
  profile: request<typeof S.ProfileParams, ProfileResult>('data/profile'),
  /** A quick chart's data (histogram, bar, line, scatter), aggregated on the gateway from all (filtered) rows. */
  chart: request<typeof S.ChartParams, ChartData>('data/chart'),
  /** Files and folders inside the gateway's import dirs (what Load File can load). */
  listFiles: request<typeof S.ListFilesParams, ListFilesResult>('files/list'),

  /** Run a select on one frame: columns, filter, sort, limit. Returns a result handle. */
  select: request<typeof S.SelectParams, ResultInfo>('query/select'),
  /** Run a read-only SQL query over frames. Returns a result handle. */
  sql: request<typeof S.SqlParams, ResultInfo>('query/sql'),
  /** Free a result handle. */
  closeResult: request<typeof S.CloseResultParams, { closed: boolean }>('query/close'),

  /** Parse and bind one statement without running it: problems with their places, or its columns. */
  sqlCheck: request<typeof S.SqlCheckParams, SqlCheckResult>('sql/check'),
  /** What may go at `offset` in one statement: namespaces, frames, columns, functions, keywords. */
  sqlComplete: request<typeof S.SqlCompleteParams, SqlCompleteResult>('sql/complete'),

  /** Users and groups (anyone: to choose whom to share with). */
  listUsers: request<typeof S.ListUsersParams, ListUsersResult>('users/list'),
  addUser: request<typeof S.AddUserParams, AddUserResult>('users/add'),
  removeUser: request<typeof S.RemoveUserParams, RemovedResult>('users/remove'),
  updateUser: request<typeof S.UpdateUserParams, UserInfo>('users/update'),
  /** A new token for the caller (or, for admins, any user); the old one stops working at once. */
  rotateToken: request<typeof S.RotateTokenParams, TokenResult>('tokens/rotate'),
  /** Create a group or add members to it (admins). */
  addGroup: request<typeof S.AddGroupParams, GroupInfo>('groups/add'),
  /** Remove members, or the whole group (admins). */
  removeGroup: request<typeof S.RemoveGroupParams, GroupInfo | RemovedResult>('groups/remove'),

  /** Objects of every kind the caller may read (or of one kind, in one namespace, attached to one frame). */
  listObjects: request<typeof S.ListObjectsParams, ListObjectsResult>('objects/list'),
  /** One object (`NAME@N` for a version) as the caller sees it; a note's text, a query's SQL. */
  getObject: request<typeof S.GetObjectParams, ObjectInfo>('objects/get'),
  /** Every version of an object: author, time, rows, size, how it was made, whether its data is kept. */
  versions: request<typeof S.VersionsParams, VersionsResult>('objects/versions'),
  /** A version's chain back to its sources; versions the caller may not read are opaque. */
  lineage: request<typeof S.LineageParams, LineageResult>('objects/lineage'),
  /** Share an object of any kind (owner or admin). */
  shareObject: request<typeof S.ObjectShareParams, ObjectInfo>('objects/share'),
  unshareObject: request<typeof S.ObjectUnshareParams, ObjectInfo>('objects/unshare'),
  /** Delete an object (`NAME`), or remove one version (`NAME@N`, not the latest while older ones remain). */
  deleteObject: request<typeof S.ObjectDeleteParams, DeleteObjectResult>('objects/delete'),
  /** Show or set how many versions of a frame keep their data (owner or admin). */
  retention: request<typeof S.RetentionParams, RetentionResult>('objects/retention'),
  /** Drop the data of versions retention no longer keeps: the caller's frames, or all for admins. */
  gc: request<typeof S.GcParams, GcResult>('objects/gc'),

  /** Save SQL (with a description) as a query, or a new version of one. */
  saveQuery: request<typeof S.SaveQueryParams, QueryInfo>('queries/save'),
  /** Run a saved query (`NAME@N` for a version) as the caller; returns a result handle to window or save. */
  runQuery: request<typeof S.RunQueryParams, QueryRunResult>('queries/run'),
  /** Save a quick chart (a frame version, chart kind, columns, filters) as an object, shareable like a query. */
  saveChart: request<typeof S.SaveChartParams, ChartInfo>('charts/save'),
  /** Open a saved chart (`NAME@N` for a version): its aggregate computed again, as the caller. */
  openChart: request<typeof S.OpenChartParams, ChartOpenResult>('charts/open'),
  /** Add a note: attached to a frame (`on`), or standing alone (`name`); `replace` adds a version. */
  addNote: request<typeof S.AddNoteParams, NoteInfo>('notes/add'),

  /** Who is connected, from where, since when, running what (admins). */
  sessions: request<typeof S.AdminSessionsParams, AdminSessionsResult>('admin/sessions'),
  /** Disconnect a session (admins); it sees close code 4003 and who did it. */
  kick: request<typeof S.KickParams, KickResult>('admin/kick'),
  /** Cancel a running request (admins): interrupts what its session runs. */
  cancel: request<typeof S.CancelParams, CancelResult>('admin/cancel'),
  /** Read the audit log (admins). */
  audit: request<typeof S.AuditParams, AuditResult>('admin/audit'),
  /** Storage per user (admins). */
  storage: request<typeof S.StorageParams, StorageResult>('admin/storage'),
} as const;

export type MethodKey = keyof typeof Methods;

// ---------------------------------------------------------------------------------------------
// Gateway → client notifications

export interface FramesChangedNotification {
  /** What happened, for a human. */
  action: 'saved' | 'loaded' | 'uploaded' | 'deleted' | 'shared' | 'unshared';
  /** Full frame name. */
  name: string;
  /** Who did it. */
  by: string;
}

/** Sent before the first part of an export asked for with `stream`: which attachment carries it. */
export interface ExportStartedNotification extends AttachmentRef {
  stream: string;
}

export const Notifications = {
  /** Something the receiver may see happened (see events.ts). Only sent to those. */
  event: notification<GatewayEvent>('events/event'),
  /**
   * A frame the receiver can see (or could, until now) changed. Only sent to those.
   * @deprecated `events/event` says more (queries, notes, versions, shutdown); kept for clients of protocol 2.
   */
  framesChanged: notification<FramesChangedNotification>('frames/changed'),
  exportStarted: notification<ExportStartedNotification>('data/exportStarted'),
} as const;
