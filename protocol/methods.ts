/**
 * Every protocol method, declared once: its name, its params (the type of its zod schema in
 * schemas.ts, imported as a type only, so clients do not bundle zod) and its result, side by side.
 * Clients call `client.request(Methods.listFrames, params)`; the gateway dispatches on the same
 * constants (server/handlers).
 */
import type { z } from 'zod';
import type { AttachmentRef } from './attachments';
import type * as S from './schemas';
import type { ColumnInfo, FrameInfo, GroupInfo, ResultInfo, UserInfo } from './types';

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
  /** Bytes the gateway holds now of its own share (uploads, windows, results being kept). */
  memoryUsedBytes: number;
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
}

export interface ShutdownResult {
  stopping: true;
}

// ---------------------------------------------------------------------------------------------
// Frames

export interface ListFramesResult {
  frames: FrameInfo[];
}

export interface WindowResult extends AttachmentRef {
  /** Total rows in the (sorted) source, so a grid can size its scrollbar. */
  rowCount: number;
  offset: number;
  /** Rows in this window (≤ limit). */
  rows: number;
  columns: ColumnInfo[];
}

export interface ExportResult extends AttachmentRef {
  rows: number;
  bytes: number;
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

export const Methods = {
  /** Gateway version, engine, limits. */
  info: request<typeof S.InfoParams, InfoResult>('gateway/info'),
  /** Who the caller's token says they are. */
  whoami: request<typeof S.WhoAmIParams, WhoAmIResult>('auth/whoami'),
  /** Stop the gateway (admins). */
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

  /** Run a select on one frame: columns, filter, sort, limit. Returns a result handle. */
  select: request<typeof S.SelectParams, ResultInfo>('query/select'),
  /** Run a read-only SQL query over frames. Returns a result handle. */
  sql: request<typeof S.SqlParams, ResultInfo>('query/sql'),
  /** Free a result handle. */
  closeResult: request<typeof S.CloseResultParams, { closed: boolean }>('query/close'),

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
  /** A frame the receiver can see (or could, until now) changed. Only sent to those. */
  framesChanged: notification<FramesChangedNotification>('frames/changed'),
  exportStarted: notification<ExportStartedNotification>('data/exportStarted'),
} as const;
