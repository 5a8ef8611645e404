/**
 * A client's session on the DuckDB engine: its own connection (one query at a time), its query
 * results materialized once into the in-memory database, windows as rowid ranges (sorted ones
 * through the shared sort cache), and exports streamed on a connection of their own.
 */
import {
  ErrorCodes,
  FramegateError,
  splitFrameName,
  type ColumnInfo,
  type FrameInfo,
  type ResultInfo,
  type SelectParams,
  type SortKey,
  type Source,
} from '../../protocol';
import { encodeIpc, encodeIpcParts } from './arrow-encoder';
import { Mutex } from './async-lock';
import type { ColumnBatch, ColumnField } from './columns';
import type { DuckConnection, DuckDatabase } from './duckdb/duckdb';
import type { ArrowExport, ArrowWindow, EngineOptions, EngineSession, WindowRequest, WriteOptions } from './engine';
import { isMissingTable, timed, toFramegateError } from './errors';
import type { SortCache } from './sort-cache';
import { findColumn, MEMORY_DB, orderBy, pickColumns, projection, quoteIdent, SORT_SOURCE, toColumnInfo } from './sql-text';

/** Windows ending before this row of a not-yet-sorted source are answered by a top-N query. */
const TOP_N_ROWS = 10_000;

/** A readable table: a frame's live version, a result, or a sorted copy. */
export interface TableSource {
  /** Qualified, quoted table name. */
  table: string;
  columns: ColumnInfo[];
  rowCount: number;
}

/** What a session needs from its engine. */
export interface SessionHost {
  readonly db: DuckDatabase;
  readonly options: EngineOptions;
  readonly sortCache: SortCache;
  track<T>(start: () => Promise<T>): Promise<T>;
  /** Checks client SQL; returns the SQL to materialize. */
  guard(conn: DuckConnection, sql: string): Promise<string>;
  findFrame(name: string): { info: FrameInfo };
  frameSource(name: string): TableSource;
  writeFrame(
    name: string,
    options: WriteOptions,
    source: string,
    create: (conn: DuckConnection, qualifiedTable: string, tableName: string) => Promise<void>,
  ): Promise<FrameInfo>;
}

interface ResultRecord {
  info: ResultInfo;
  /** Qualified, quoted table in the in-memory database. */
  table: string;
}

/** One DuckDB connection and the queue of work on it: one statement at a time. */
class Lane {
  private readonly mutex = new Mutex();
  private readonly connection: Promise<DuckConnection>;
  private current: DuckConnection | null = null;

  constructor(db: SessionHost['db']) {
    this.connection = db.connect().then((conn) => (this.current = conn));
    this.connection.catch(() => undefined);
  }

  run<T>(task: (conn: DuckConnection) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => task(await this.connection));
  }

  interrupt(): void {
    this.current?.interrupt();
  }
}

export class DuckDBSessionImpl implements EngineSession {
  /** Queries and the bookkeeping of their results. */
  private readonly queries: Lane;
  /**
   * Windows, on a connection of their own: they read immutable tables, and a grid must keep
   * scrolling while the same client runs a long query.
   */
  private readonly windows: Lane;
  private readonly results = new Map<string, ResultRecord>();
  private readonly streams = new Set<DuckConnection>();
  private readonly closeListeners: (() => void)[] = [];
  private resultCounter = 0;
  private closed = false;
  /** Bumped by interrupt(): work queued before that must not run any further statement. */
  private interruptEpoch = 0;

  constructor(
    private readonly engine: SessionHost,
    private readonly id: number,
  ) {
    this.queries = new Lane(engine.db);
    this.windows = new Lane(engine.db);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Runs one piece of work on one of this session's connections, after the previous one there. */
  private exclusive<T>(lane: Lane, task: (conn: DuckConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new FramegateError(ErrorCodes.InternalError, 'the session is closed'));
    const epoch = this.interruptEpoch;
    return this.engine.track(() => lane.run((conn) => task(this.forTask(conn, epoch))));
  }

  /**
   * The connection as one task sees it: once the session is interrupted, every further call fails.
   * DuckDB's interrupt only stops the statement running at that moment; without this, work that
   * was queued, or between two statements, would carry on as if nothing had happened.
   */
  private forTask(conn: DuckConnection, epoch: number): DuckConnection {
    return new Proxy(conn, {
      get: (target, key, receiver) => {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function' || key === 'interrupt') return value;
        return (...args: unknown[]): unknown => {
          if (this.interruptEpoch !== epoch) throw new FramegateError(ErrorCodes.Cancelled, 'query was cancelled');
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  private timeoutMs(): number {
    return this.engine.options.queryTimeoutMs;
  }

  runSql(sql: string): Promise<ResultInfo> {
    return this.exclusive(this.queries, async (conn) => {
      return this.materialize(conn, await this.engine.guard(conn, sql), sql);
    });
  }

  runSelect(params: SelectParams): Promise<ResultInfo> {
    return this.exclusive(this.queries, async (conn) => {
      const record = this.engine.findFrame(params.from);
      const { namespace, name } = splitFrameName(params.from);
      const columns = pickColumns(record.info.columns, params.columns);
      let sql = `SELECT ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${quoteIdent(namespace)}.${quoteIdent(name)}`;
      if (params.filter) sql += ` WHERE (\n${params.filter}\n)`;
      if (params.sort?.length) {
        // Over the view (no rowid): the user's keys only.
        const keys = params.sort.map((k) => `${quoteIdent(findColumn(record.info.columns, k.column).name)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`);
        sql += ` ORDER BY ${keys.join(', ')}`;
      }
      if (params.limit) sql += ` LIMIT ${params.limit}`;
      return this.materialize(conn, await this.engine.guard(conn, sql), sql);
    });
  }

  /** Runs guarded SQL once into a result table of the in-memory database. */
  private async materialize(conn: DuckConnection, checkedSql: string, sql: string): Promise<ResultInfo> {
    const id = `r${this.id}_${++this.resultCounter}`;
    const table = `${MEMORY_DB}.${quoteIdent(id)}`;
    await timed(conn, this.timeoutMs(), () => conn.run(`CREATE TABLE ${table} AS\n${checkedSql}\n`));
    const columns = toColumnInfo(await conn.describe(`SELECT * FROM ${table}`));
    const count = await conn.rows(`SELECT count(*) AS n FROM ${table}`);
    const info: ResultInfo = { id, columns, rowCount: Number(count[0]?.n ?? 0), sql };
    this.results.set(id, { info, table });
    return info;
  }

  closeResult(id: string): boolean {
    const record = this.results.get(id);
    if (!record) return false;
    this.results.delete(id);
    void this.exclusive(this.queries, async (conn) => {
      await this.engine.sortCache.forget(record.table);
      await conn.run(`DROP TABLE IF EXISTS ${record.table}`);
    }).catch(() => undefined);
    return true;
  }

  saveResult(name: string, resultId: string, options: WriteOptions): Promise<FrameInfo> {
    const record = this.results.get(resultId);
    if (!record) return Promise.reject(new FramegateError(ErrorCodes.ResultNotFound, `no result ${resultId}`, { id: resultId }));
    return this.engine.track(() =>
      this.engine.writeFrame(name, options, record.info.sql, (conn, table) => conn.run(`CREATE TABLE ${table} AS SELECT * FROM ${record.table}`)),
    );
  }

  private source(source: Source): TableSource {
    if (source.kind === 'frame') return this.engine.frameSource(source.name);
    const record = this.results.get(source.id);
    if (!record) throw new FramegateError(ErrorCodes.ResultNotFound, `no result ${source.id}`, { id: source.id });
    return { table: record.table, columns: record.info.columns, rowCount: record.info.rowCount };
  }

  window(request: WindowRequest): Promise<ArrowWindow> {
    return this.exclusive(this.windows, async (conn) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.readWindow(conn, request);
        } catch (error) {
          // The frame was replaced between resolving and reading: resolve again.
          if (attempt < 3 && request.source.kind === 'frame' && isMissingTable(error)) continue;
          // The result was closed while this window waited.
          if (request.source.kind === 'result' && isMissingTable(error)) {
            throw new FramegateError(ErrorCodes.ResultNotFound, `no result ${request.source.id}`, { id: request.source.id });
          }
          throw toFramegateError(error);
        }
      }
    });
  }

  private async readWindow(conn: DuckConnection, request: WindowRequest): Promise<ArrowWindow> {
    const src = this.source(request.source);
    const columns = pickColumns(src.columns, request.columns);
    const first = request.offset;
    const last = Math.min(request.offset + request.limit, src.rowCount) - 1;
    const read = async (table: string): Promise<{ fields: ColumnField[]; batches: ColumnBatch[] }> => {
      // Tables: a rowid range. A top-N subquery: already just the window's rows.
      const sql = table.startsWith('(')
        ? `SELECT ${projection(columns)} FROM ${table} AS top`
        : `SELECT ${projection(columns)} FROM ${table} WHERE rowid BETWEEN ${first} AND ${last}`;
      const { columns: resultColumns, batches } = await timed(conn, this.timeoutMs(), () => conn.readBatches(sql, Math.max(1, last - first + 1)));
      return { fields: resultColumns.map((c) => ({ name: c.name, kind: c.kind ?? 'utf8' })), batches };
    };
    const order = request.sort?.length ? orderBy(src.columns, request.sort) : null;
    let result: { fields: ColumnField[]; batches: ColumnBatch[] };
    if (!order || last < first) {
      result = await read(src.table); // unsorted, or past the end (empty either way)
    } else if (!this.engine.sortCache.isBuilt(src.table, order) && last < TOP_N_ROWS) {
      // The first rows of a new sort: a top-N query answers at once while the sorted copy, which
      // later windows read, is built in the background. Both order by the same keys and rowid.
      void this.engine.track(() => this.engine.sortCache.prefetch(src.table, order, src.rowCount)).catch(() => undefined);
      result = await read(`(SELECT * FROM ${src.table} AS ${SORT_SOURCE} ORDER BY ${order} LIMIT ${last - first + 1} OFFSET ${first})`);
    } else {
      result = await this.engine.sortCache.withSorted(src.table, order, src.rowCount, (t) => read(`${MEMORY_DB}.${t}`));
    }
    const { fields, batches } = result;
    const rows = batches.reduce((n, b) => n + b.rowCount, 0);
    return { rowCount: src.rowCount, offset: request.offset, rows, columns, ipc: encodeIpc(fields, batches) };
  }

  async export(source: Source, sort?: SortKey[], columnNames?: string[]): Promise<ArrowExport> {
    const src = this.source(source);
    const columns = pickColumns(src.columns, columnNames);
    let sql = `SELECT ${projection(columns)} FROM ${src.table} AS ${SORT_SOURCE}`;
    sql += sort?.length ? ` ORDER BY ${orderBy(src.columns, sort)}` : '';
    const conn = await this.engine.db.connect();
    this.streams.add(conn);
    const release = () => {
      if (this.streams.delete(conn)) conn.close();
    };
    try {
      const { columns: resultColumns, batches } = await conn.streamBatches(sql);
      const fields = resultColumns.map((c) => ({ name: c.name, kind: c.kind ?? 'utf8' }));
      const parts = async function* (): AsyncGenerator<Uint8Array> {
        try {
          yield* encodeIpcParts(fields, batches);
        } catch (error) {
          throw toFramegateError(error);
        } finally {
          release();
        }
      };
      return { columns, rowCount: src.rowCount, parts: parts() };
    } catch (error) {
      release();
      throw toFramegateError(error);
    }
  }

  interrupt(): void {
    this.interruptEpoch++;
    this.queries.interrupt();
    this.windows.interrupt();
    for (const stream of this.streams) stream.interrupt();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.interrupt();
    const tables = [...this.results.values()].map((r) => r.table);
    this.results.clear();
    await Promise.all([
      this.queries
        .run(async (conn) => {
          for (const table of tables) {
            await this.engine.sortCache.forget(table);
            await conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
          }
          conn.close();
        })
        .catch(() => undefined),
      this.windows.run((conn) => Promise.resolve(conn.close())).catch(() => undefined),
    ]);
    for (const stream of this.streams) stream.close();
    this.streams.clear();
    for (const listener of this.closeListeners) listener();
  }
}
