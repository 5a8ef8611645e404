/**
 * The Framegate wire protocol: the one place that defines method names, parameter schemas,
 * result types, error codes and the binary attachment framing. Server, extension, CLI and
 * webview all import it; it imports nothing of ours.
 *
 * Transport: one WebSocket per client. Text frames carry JSON-RPC 2.0 messages. Binary frames
 * carry Arrow IPC stream bytes as *attachments*, referenced from JSON by attachment id (see
 * `attachment` below). Rows never travel as JSON.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
export const DEFAULT_PORT = 7878;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_URL = `ws://${DEFAULT_HOST}:${DEFAULT_PORT}`;
/** Largest window of rows one `data/window` call may ask for. */
export const MAX_WINDOW_ROWS = 100_000;

// ---------------------------------------------------------------------------------------------
// Names

/**
 * A frame name: `name` (the team's shared namespace) or `namespace.name`. Both parts are
 * identifiers, so a frame name is also what SQL uses to refer to it (`SELECT * FROM alice.sales`).
 */
export const FRAME_NAME_PATTERN = /^(?:[A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const DEFAULT_NAMESPACE = 'main';

export const FrameName = z
  .string()
  .regex(
    FRAME_NAME_PATTERN,
    'a frame name is an identifier (letters, digits, _; not starting with a digit), optionally prefixed by a namespace: "sales" or "alice.sales"',
  );

/** Splits `alice.sales` into its namespace and name; a bare name is in the default namespace. */
export function splitFrameName(name: string): { namespace: string; name: string } {
  const dot = name.indexOf('.');
  return dot < 0
    ? { namespace: DEFAULT_NAMESPACE, name }
    : { namespace: name.slice(0, dot), name: name.slice(dot + 1) };
}

// ---------------------------------------------------------------------------------------------
// Shared shapes

export interface ColumnInfo {
  name: string;
  /** The engine's type name, e.g. `BIGINT`, `VARCHAR`, `TIMESTAMP`, `DECIMAL(18,2)`. */
  type: string;
}

export interface FrameInfo {
  /** Full name, `namespace.name` or a bare name in the default namespace. */
  name: string;
  namespace: string;
  owner: string;
  columns: ColumnInfo[];
  rowCount: number;
  /** ISO-8601 time this version of the frame was saved. */
  createdAt: string;
  /** Increases by one each time the name is saved again. */
  version: number;
  /** The SQL (or load/upload description) that produced this version. */
  source: string;
}

/** A query result held by the gateway for the session that ran it, until closed or saved. */
export interface ResultInfo {
  id: string;
  columns: ColumnInfo[];
  rowCount: number;
  sql: string;
}

export const SortKey = z.object({
  column: z.string().min(1),
  descending: z.boolean().default(false),
});
export type SortKey = z.infer<typeof SortKey>;

/** What a window reads from: a named frame or a query result of this session. */
export const Source = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('frame'), name: FrameName }),
  z.object({ kind: z.literal('result'), id: z.string().min(1) }),
]);
export type Source = z.infer<typeof Source>;

/** A reference to binary data carried beside the JSON message (see attachment framing). */
export const AttachmentRef = z.object({ attachment: z.number().int().nonnegative() });
export type AttachmentRef = z.infer<typeof AttachmentRef>;

// ---------------------------------------------------------------------------------------------
// Methods: name, params schema, result type

export const Methods = {
  /** Gateway version, engine, limits. */
  info: 'gateway/info',
  listFrames: 'frames/list',
  schema: 'frames/schema',
  /** A window of rows (and optionally columns) of a frame or result, as Arrow. */
  window: 'data/window',
  /** Run a select on one frame: columns, filter, sort, limit. Returns a result handle. */
  select: 'query/select',
  /** Run a read-only SQL query over named frames. Returns a result handle. */
  sql: 'query/sql',
  /** Free a result handle. */
  closeResult: 'query/close',
  /** Save a result handle, or a SQL query, as a named frame. */
  save: 'frames/save',
  /** Load a file on the gateway's machine (inside an import dir) as a named frame. */
  load: 'frames/load',
  /** Upload Arrow IPC bytes from the client as a named frame. */
  upload: 'frames/upload',
  /** The whole frame or result as Arrow, streamed in several attachment parts. */
  export: 'data/export',
  delete: 'frames/delete',
  /** Stop the gateway (admin). */
  shutdown: 'gateway/shutdown',
} as const;
export type MethodName = (typeof Methods)[keyof typeof Methods];

/** Server → client notifications. */
export const Notifications = {
  /** The catalog changed: a frame was saved, loaded, uploaded or deleted. */
  framesChanged: 'frames/changed',
} as const;

export const InfoParams = z.object({}).strict();
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
}

export const ListFramesParams = z.object({ namespace: z.string().optional() }).strict();
export interface ListFramesResult {
  frames: FrameInfo[];
}

export const SchemaParams = z.object({ name: FrameName }).strict();
export type SchemaResult = FrameInfo;

export const WindowParams = z
  .object({
    source: Source,
    offset: z.number().int().nonnegative(),
    limit: z.number().int().positive().max(MAX_WINDOW_ROWS),
    /** Columns to return, in order; all when omitted. */
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** Sort applied to the whole frame before windowing. */
    sort: z.array(SortKey).optional(),
  })
  .strict();
export type WindowParams = z.infer<typeof WindowParams>;
export interface WindowResult extends AttachmentRef {
  /** Total rows in the (sorted) source, so a grid can size its scrollbar. */
  rowCount: number;
  offset: number;
  /** Rows in this window (≤ limit). */
  rows: number;
  columns: ColumnInfo[];
}

export const SelectParams = z
  .object({
    from: FrameName,
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** A SQL boolean expression over the frame's columns, e.g. `region = 'EU' AND amount > 10`. */
    filter: z.string().min(1).max(10_000).optional(),
    sort: z.array(SortKey).optional(),
    limit: z.number().int().positive().optional(),
  })
  .strict();
export type SelectParams = z.infer<typeof SelectParams>;

export const SqlParams = z.object({ sql: z.string().min(1).max(1_000_000) }).strict();
export type SqlParams = z.infer<typeof SqlParams>;
/** Result of `query/select` and `query/sql`. */
export type QueryResult = ResultInfo;

export const CloseResultParams = z.object({ id: z.string().min(1) }).strict();

export const SaveParams = z
  .object({
    name: FrameName,
    /** A result handle of this session, or a SQL query to run and save. */
    from: z.union([z.object({ result: z.string().min(1) }).strict(), z.object({ sql: z.string().min(1).max(1_000_000) }).strict()]),
    /** Replace an existing frame of that name; otherwise saving over one is an error. */
    replace: z.boolean().default(false),
  })
  .strict();
export type SaveParams = z.infer<typeof SaveParams>;
export type SaveResult = FrameInfo;

export const FileFormat = z.enum(['csv', 'parquet', 'json']);
export type FileFormat = z.infer<typeof FileFormat>;
export const LoadParams = z
  .object({
    /** Path on the gateway's machine; relative paths resolve against the first import dir. */
    path: z.string().min(1),
    name: FrameName,
    /** Guessed from the file extension when omitted. */
    format: FileFormat.optional(),
    replace: z.boolean().default(false),
  })
  .strict();
export type LoadParams = z.infer<typeof LoadParams>;

export const UploadParams = z
  .object({ name: FrameName, replace: z.boolean().default(false) })
  .merge(AttachmentRef)
  .strict();
export type UploadParams = z.infer<typeof UploadParams>;

export const ExportParams = z
  .object({ source: Source, sort: z.array(SortKey).optional(), columns: z.array(z.string().min(1)).min(1).optional() })
  .strict();
export type ExportParams = z.infer<typeof ExportParams>;
export interface ExportResult extends AttachmentRef {
  rows: number;
  bytes: number;
}

export const DeleteParams = z.object({ name: FrameName }).strict();
export interface DeleteResult {
  deleted: string;
}

export const ShutdownParams = z.object({ token: z.string().optional() }).strict();
export interface ShutdownResult {
  stopping: true;
}

export interface FramesChangedNotification {
  /** What happened, for a human: "saved", "loaded", "uploaded", "deleted". */
  action: 'saved' | 'loaded' | 'uploaded' | 'deleted';
  name: string;
  /** Who did it (the owner of the session). */
  by: string;
}

/** Param schema of each method: the server validates every request against it. */
export const ParamSchemas = {
  [Methods.info]: InfoParams,
  [Methods.listFrames]: ListFramesParams,
  [Methods.schema]: SchemaParams,
  [Methods.window]: WindowParams,
  [Methods.select]: SelectParams,
  [Methods.sql]: SqlParams,
  [Methods.closeResult]: CloseResultParams,
  [Methods.save]: SaveParams,
  [Methods.load]: LoadParams,
  [Methods.upload]: UploadParams,
  [Methods.export]: ExportParams,
  [Methods.delete]: DeleteParams,
  [Methods.shutdown]: ShutdownParams,
} as const satisfies Record<MethodName, z.ZodType>;

/** Input (pre-default) param type of a method, what a client sends. */
export type ParamsOf<M extends MethodName> = z.input<(typeof ParamSchemas)[M]>;

/** Result type of each method. */
export interface ResultTypes {
  [Methods.info]: InfoResult;
  [Methods.listFrames]: ListFramesResult;
  [Methods.schema]: SchemaResult;
  [Methods.window]: WindowResult;
  [Methods.select]: QueryResult;
  [Methods.sql]: QueryResult;
  [Methods.closeResult]: { closed: boolean };
  [Methods.save]: SaveResult;
  [Methods.load]: FrameInfo;
  [Methods.upload]: FrameInfo;
  [Methods.export]: ExportResult;
  [Methods.delete]: DeleteResult;
  [Methods.shutdown]: ShutdownResult;
}
export type ResultOf<M extends MethodName> = ResultTypes[M];

// ---------------------------------------------------------------------------------------------
// Errors. JSON-RPC reserves -32768..-32000; spec-defined failures (parse error, invalid request,
// method not found, invalid params) keep their standard codes, Framegate's own are positive.

export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,

  FrameNotFound: 1001,
  FrameExists: 1002,
  ResultNotFound: 1003,
  ColumnNotFound: 1004,
  /** The SQL (or filter expression) does not parse or bind. */
  InvalidSql: 1010,
  /** The SQL parses but is not allowed: not a read-only query, or it uses a refused function/table. */
  SqlRefused: 1011,
  /** The query ran longer than the gateway's timeout and was interrupted. */
  QueryTimeout: 1012,
  /** The engine failed while running a valid query (out of memory, conversion error, …). */
  QueryFailed: 1013,
  /** The request was cancelled (`$/cancelRequest`) or its client went away. */
  Cancelled: 1014,
  /** A file path outside the gateway's import directories, or a file that cannot be read. */
  FileRefused: 1020,
  FileNotFound: 1021,
  /** A message or attachment larger than the gateway's configured cap. */
  TooLarge: 1030,
  /** A referenced attachment never arrived or is not valid Arrow. */
  BadAttachment: 1031,
  /** Admin-only method called without the admin token. */
  Forbidden: 1040,
  /** Concurrent writers on the same name; retry. */
  Conflict: 1050,
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Data carried in a JSON-RPC error's `data` member. */
export interface ErrorData {
  /** Symbolic name of the code, e.g. `FrameNotFound`. */
  kind: string;
  /** Extra detail (validation issues, the refused function name, …). */
  detail?: unknown;
}

export function errorKind(code: number): string {
  for (const [kind, value] of Object.entries(ErrorCodes)) if (value === code) return kind;
  return 'Unknown';
}

// ---------------------------------------------------------------------------------------------
// Binary attachment framing.
//
// A binary WebSocket frame is: u32 LE attachment id, u32 LE flags, then payload bytes. An
// attachment may span several frames (parts) with the same id; the last part has FLAG_FINAL.
// Parts of an attachment are sent *before* the JSON message that references it, and WebSocket
// keeps order, so the receiver has the whole attachment when the reference arrives. Each side
// numbers the attachments it sends.

export const ATTACHMENT_HEADER_BYTES = 8;
export const FLAG_FINAL = 1;

export function encodeAttachmentFrame(id: number, payload: Uint8Array, final: boolean): Uint8Array {
  const frame = new Uint8Array(ATTACHMENT_HEADER_BYTES + payload.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, id, true);
  view.setUint32(4, final ? FLAG_FINAL : 0, true);
  frame.set(payload, ATTACHMENT_HEADER_BYTES);
  return frame;
}

export interface AttachmentFrame {
  id: number;
  final: boolean;
  payload: Uint8Array;
}

export function decodeAttachmentFrame(frame: Uint8Array): AttachmentFrame {
  if (frame.byteLength < ATTACHMENT_HEADER_BYTES) throw new Error(`binary frame of ${frame.byteLength} bytes is shorter than the attachment header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return {
    id: view.getUint32(0, true),
    final: (view.getUint32(4, true) & FLAG_FINAL) !== 0,
    payload: frame.subarray(ATTACHMENT_HEADER_BYTES),
  };
}

/** An error with a protocol code. Thrown by the server's handlers, rebuilt by clients. */
export class FramegateError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'FramegateError';
  }

  get kind(): string {
    return errorKind(this.code);
  }

  toErrorData(): ErrorData {
    return this.detail === undefined ? { kind: this.kind } : { kind: this.kind, detail: this.detail };
  }
}
