/**
 * The engine interface: what the gateway needs from a data engine. The engine stores the data of
 * frame versions and runs queries; it knows nothing of users, names, grants or versions. Those
 * belong to the gateway's catalog (server/catalog), which is why a second engine (Spark Connect)
 * inherits identities, sharing and lineage by implementing only this.
 *
 * - Stored data is keyed by a `StorageId` the gateway chooses (`t_` + 16 hex digits). A store call
 *   either leaves complete data under that id or nothing; the gateway records the version in its
 *   catalog only afterwards, and drops ids it has no record of at start (crash leftovers).
 * - Client SQL names frames; the engine parses it with its own parser, hands every table name it
 *   finds to the caller's `TableResolver` (the gateway's access-checked lookup) and runs the query
 *   against the stored data the resolver returned, never against anything else. A name the
 *   resolver refuses fails the query.
 * - Errors: `FramegateError` with protocol codes (InvalidSql, SqlRefused, QueryTimeout, …); errors
 *   thrown by the resolver (FrameNotFound, AmbiguousName) pass through unchanged.
 */
import type { ColumnInfo, ColumnProfile, FileFormat, ResultInfo, SortKey, SqlProblem } from '../../protocol';
import type { MemoryBudget } from '../memory/budget';
import type { ImportPolicy } from './import-policy';

export type StorageId = string;

export const STORAGE_ID_PATTERN = /^t_[0-9a-f]{16}$/;

export interface EngineOptions {
  /** The gateway's data dir: the engine keeps its files in it (0.1 kept its catalog there too); created if missing. */
  dataDir: string;
  /** Which files loads and SQL file readers may read. */
  importPolicy: ImportPolicy;
  /** Queries running longer are interrupted and fail with QueryTimeout. */
  queryTimeoutMs: number;
  /** Engine memory cap, e.g. "4GB"; engine default when omitted. */
  memoryLimit?: string;
  /** Engine worker threads; engine default when omitted. */
  threads?: number;
  /** The gateway's memory budget: what the engine caches (blocks, sort orders) reserves from it. */
  memoryBudget?: MemoryBudget;
}

/** What is stored under one id. */
export interface StoredInfo {
  columns: ColumnInfo[];
  rowCount: number;
  /** Bytes the engine uses to hold it (an estimate where the engine gives no exact figure). */
  bytes: number;
}

export interface StoredFileInfo extends StoredInfo {
  /** The file's real path (links resolved), its size and SHA-256, for lineage. */
  path: string;
  fileBytes: number;
  sha256: string;
}

/** A table name as written in client SQL. */
export interface TableReference {
  /** Absent when the SQL gave a bare name. */
  namespace?: string;
  name: string;
  /** Set by `name@3` or `AT (VERSION => 3)`. */
  version?: number;
  /** As the SQL spelled it, for messages. */
  text: string;
}

/** Stored data a reference resolved to: what the engine reads instead of the name. */
export interface BoundTable {
  storage: StorageId;
  columns: ColumnInfo[];
  rowCount: number;
}

/** The gateway's access-checked name lookup. Throws FrameNotFound (also when the caller may not read it). */
export type TableResolver = (ref: TableReference) => BoundTable;

/** What a window or export reads: stored data the gateway resolved, or a result of this session. */
export type DataSource = { kind: 'stored'; table: BoundTable } | { kind: 'result'; id: string };

export interface WindowRequest {
  source: DataSource;
  offset: number;
  limit: number;
  columns?: string[];
  sort?: SortKey[];
  /** Most bytes the window's rows may take; past it the window fails with OutOfMemory instead of growing. */
  maxBytes?: number;
}

export interface ArrowWindow {
  /** Rows in the whole (sorted) source. */
  rowCount: number;
  offset: number;
  /** Rows in this window. */
  rows: number;
  columns: ColumnInfo[];
  /** One Arrow IPC stream (schema + record batches). */
  ipc: Uint8Array;
}

export interface ArrowExport {
  columns: ColumnInfo[];
  rowCount: number;
  /** The bytes of one Arrow IPC stream, in parts of bounded size, produced as they are read. */
  parts: AsyncIterable<Uint8Array>;
}

export interface SelectRequest {
  /** The one frame selected from; resolved through the same resolver as any SQL. */
  from: TableReference;
  columns?: string[];
  /** A SQL boolean expression over the frame's columns (client text: checked like any SQL). */
  filter?: string;
  sort?: SortKey[];
  limit?: number;
}

/** A version as an earlier Framegate release recorded it inside the engine's own storage. */
export interface LegacyVersion {
  namespace: string;
  name: string;
  version: number;
  /** Where its data is stored; null when that release had already dropped it (replaced). */
  storage: StorageId | null;
  owner: string;
  createdAt: string;
  source: string;
  columns: ColumnInfo[];
  rowCount: number;
  live: boolean;
}

/** A statement checked without running it: the columns it would return, or its first problem. */
export type SqlCheck = { ok: true; columns: ColumnInfo[] } | { ok: false; problem: SqlProblem };

export type SqlFunctionKind = 'scalar' | 'aggregate' | 'window' | 'table';

/** What client SQL may use besides frames: the functions the engine's guard allows, and its keywords. */
export interface SqlVocabulary {
  functions: { name: string; kind: SqlFunctionKind }[];
  /** Upper case. */
  keywords: string[];
}

export interface Engine {
  /** Human-readable engine name and version, e.g. "duckdb 1.5.0". */
  readonly description: string;

  /** Every id the engine holds data under (the gateway drops those its catalog does not know). */
  listStorage(): Promise<StorageId[]>;
  /** Runs read-only client SQL (sandboxed, names through `resolve`) and stores its result. */
  storeQuery(storage: StorageId, sql: string, resolve: TableResolver, limits?: RunLimits): Promise<StoredInfo>;
  /** Stores a file inside an import dir. Throws FileRefused / FileNotFound. */
  storeFile(storage: StorageId, path: string, format: FileFormat | undefined, limits?: RunLimits): Promise<StoredFileInfo>;
  /** Stores Arrow IPC stream bytes from a client (whole, or in the parts they came in). Throws BadAttachment. */
  storeArrow(storage: StorageId, ipc: Uint8Array | Uint8Array[]): Promise<StoredInfo>;
  /** Removes stored data; absent ids are fine. Waits for readers of it to finish. */
  /** Bytes of the gateway's memory budget the engine holds in caches of frame data (they give way to other uses). */
  cachedBytes(): number;
  dropStorage(storage: StorageId): Promise<void>;

  /**
   * The catalog of a Framegate 0.1 data dir, which the engine itself held, or null when there is
   * none. The gateway imports it once, then calls `dropLegacyCatalog`.
   */
  readLegacyCatalog(): Promise<LegacyVersion[] | null>;
  /** Removes what is left of the 0.1 catalog (its tables and views), keeping the stored data. */
  dropLegacyCatalog(): Promise<void>;

  /** A client's workspace: its query results and connections of its own. `label` names it in logs. */
  openSession(label: string): EngineSession;

  /** Waits for running work to stop and closes cleanly. */
  close(): Promise<void>;
}

/**
 * Bounds the gateway puts on one piece of work, beside the engine's own configuration.
 * `timeoutMs`: the time left of the request's timeout (it may have waited its turn); the work
 * fails with QueryTimeout once it is up, from parsing to the last row.
 */
export interface RunLimits {
  timeoutMs?: number;
}

/** A result the session holds, with about how many bytes holding it takes (the gateway charges them to its budget). */
export interface HeldResult extends ResultInfo {
  bytes: number;
}

export interface EngineSession {
  /** Runs read-only client SQL (names through `resolve`); the result is held until closed. */
  runSql(sql: string, resolve: TableResolver, limits?: RunLimits): Promise<HeldResult>;
  /** Runs a select on one frame. Throws ColumnNotFound, InvalidSql, and what `resolve` throws. */
  runSelect(request: SelectRequest, resolve: TableResolver, limits?: RunLimits): Promise<HeldResult>;
  /** Frees a result; false if it did not exist. */
  closeResult(id: string): boolean;
  /** Stores one of this session's results. Throws ResultNotFound. */
  storeResult(storage: StorageId, resultId: string): Promise<StoredInfo>;

  /** A window of rows, sorted if asked (without a full sort per call). */
  window(request: WindowRequest): Promise<ArrowWindow>;
  /** The whole source as a stream of Arrow bytes. */
  export(source: DataSource, sort?: SortKey[], columns?: string[]): Promise<ArrowExport>;
  /**
   * Every column's profile (profile.ts: counts, exact distinct counts, min/max/mean, histogram or
   * top values), over all rows, within the query timeout. The gateway caches it per version.
   */
  profile(source: DataSource): Promise<ColumnProfile[]>;

  /**
   * Parses and binds read-only client SQL (names through `resolve`, like `runSql`) without running
   * it. Problems come back as values with offsets into `sql`; only failures of the engine throw.
   * Runs beside this session's queries, so an editor is not kept waiting by a long one.
   */
  checkSql(sql: string, resolve: TableResolver): Promise<SqlCheck>;
  /** The engine's functions (those its guard allows) and keywords; the same for every call. */
  sqlVocabulary(): Promise<SqlVocabulary>;
  /** Keywords the engine's own parser expects at `offset` in `sql`; empty if it cannot tell. */
  suggestKeywords(sql: string, offset: number): Promise<string[]>;

  /** Stops whatever this session is running or has queued (cancel, client gone). */
  interrupt(): void;
  /** Frees all results and connections. */
  close(): Promise<void>;
}
