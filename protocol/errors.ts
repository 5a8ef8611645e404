/**
 * Errors. JSON-RPC reserves -32768..-32000; spec-defined failures (parse error, invalid request,
 * method not found, invalid params) keep their standard codes, Framegate's own are positive.
 */

export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,

  /**
   * No such frame (or query, or note), or one the caller may not read (the two are never told
   * apart); also a version whose data was removed.
   */
  FrameNotFound: 1001,
  FrameExists: 1002,
  ResultNotFound: 1003,
  ColumnNotFound: 1004,
  /** A bare frame name matches frames in several namespaces; `detail.candidates` lists them. */
  AmbiguousName: 1005,
  UserNotFound: 1006,
  GroupNotFound: 1007,
  /** A user or group of that name exists already. */
  NameTaken: 1008,
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
  /** The gateway's memory budget (--memory-limit) cannot hold what this request needs; others go on. */
  OutOfMemory: 1032,
  /** A per-user limit was reached (concurrent queries, storage). */
  LimitReached: 1033,
  /** The caller is known but may not do this (admin only; read but not write; not the owner). */
  Forbidden: 1040,
  /** No valid token. Normally refused at the WebSocket upgrade with HTTP 401. */
  Unauthorized: 1041,
  /** Concurrent writers on the same name (retry); or a version a saved query pins. */
  Conflict: 1050,
  /** The gateway is shutting down: it takes no new work (`framegate shutdown`). */
  ShuttingDown: 1060,
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Data carried in a JSON-RPC error's `data` member. */
export interface ErrorData {
  /** Symbolic name of the code, e.g. `FrameNotFound`. */
  kind: string;
  /** Extra detail (validation issues, the refused function name, candidates, …). */
  detail?: unknown;
}

export function errorKind(code: number): string {
  for (const [kind, value] of Object.entries(ErrorCodes)) if (value === code) return kind;
  return 'Unknown';
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

/**
 * The body of the gateway's HTTP 401/403/429 answer to a WebSocket upgrade it refuses, as JSON:
 * clients show `message` as it is.
 */
export interface UpgradeRefusal {
  error: 'Unauthorized' | 'Forbidden' | 'Unavailable';
  message: string;
}
