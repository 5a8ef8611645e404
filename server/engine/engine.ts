/**
 * The engine interface: everything the gateway needs from a data engine. The embedded DuckDB
 * engine implements it (`duckdb-engine.ts`, through `duckdb/duckdb.ts`, the only module that imports `@duckdb/node-api`);
 * a second engine (Spark Connect) can implement it without touching the gateway.
 *
 * Errors: implementations throw `FramegateError` with protocol codes (FrameNotFound,
 * InvalidSql, SqlRefused, QueryTimeout, …) so the gateway can pass them on unchanged.
 */
import type { ColumnInfo, FileFormat, FrameInfo, ResultInfo, SelectParams, SortKey, Source } from '../../protocol';

export interface EngineOptions {
  /** Folder holding the persistent catalog; created if missing. */
  dataDir: string;
  /** Absolute folders whose files clients may load (and SQL may read). */
  importDirs: string[];
  /** Queries running longer are interrupted and fail with QueryTimeout. */
  queryTimeoutMs: number;
  /** Engine memory cap, e.g. "4GB"; engine default when omitted. */
  memoryLimit?: string;
  /** Engine worker threads; engine default when omitted. */
  threads?: number;
}

/** Who is asking, and the name they want saved. */
export interface WriteOptions {
  owner: string;
  /** Replace an existing frame of that name; otherwise FrameExists. */
  replace: boolean;
}

export interface WindowRequest {
  source: Source;
  offset: number;
  limit: number;
  columns?: string[];
  sort?: SortKey[];
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

export interface Engine {
  /** Human-readable engine name and version, e.g. "duckdb 1.5.0". */
  readonly description: string;

  listFrames(): Promise<FrameInfo[]>;
  /** Throws FrameNotFound. */
  getFrame(name: string): Promise<FrameInfo>;

  /** Runs read-only `sql` (sandboxed like any client SQL) and saves the result atomically. */
  saveQuery(name: string, sql: string, options: WriteOptions): Promise<FrameInfo>;
  /** Loads a file inside an import dir. Throws FileRefused / FileNotFound. */
  loadFile(name: string, path: string, format: FileFormat | undefined, options: WriteOptions): Promise<FrameInfo>;
  /** Saves Arrow IPC stream bytes (from a client) as a frame. Throws BadAttachment. */
  saveArrow(name: string, ipc: Uint8Array, options: WriteOptions): Promise<FrameInfo>;
  /** Throws FrameNotFound. */
  deleteFrame(name: string): Promise<void>;

  /** A client's own workspace: its query results and a connection of its own. */
  openSession(): EngineSession;

  /** Waits for running work to stop and closes the catalog cleanly. */
  close(): Promise<void>;
}

export interface EngineSession {
  /** Runs read-only SQL over named frames; the result is held until closed. */
  runSql(sql: string): Promise<ResultInfo>;
  /** Runs a select on one frame. Throws FrameNotFound, ColumnNotFound, InvalidSql. */
  runSelect(params: SelectParams): Promise<ResultInfo>;
  /** Frees a result; false if it did not exist. */
  closeResult(id: string): boolean;
  /** Saves one of this session's results as a frame. Throws ResultNotFound. */
  saveResult(name: string, resultId: string, options: WriteOptions): Promise<FrameInfo>;

  /** A window of rows of a frame or result, sorted if asked (without a full sort per call). */
  window(request: WindowRequest): Promise<ArrowWindow>;
  /** The whole source as a stream of Arrow bytes. */
  export(source: Source, sort?: SortKey[], columns?: string[]): Promise<ArrowExport>;

  /** Stops whatever this session is running (client went away). */
  interrupt(): void;
  /** Frees all results and the connection. */
  close(): Promise<void>;
}
