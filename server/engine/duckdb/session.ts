/**
 * A client's session on the DuckDB engine: three connections of its own (queries; windows, so a
 * grid keeps scrolling while the same client runs a long query), its query results materialized
 * once into the in-memory database, windows through the shared block cache and sort index
 * (windows.ts), and exports streamed on a connection each.
 */
import { ErrorCodes, FramegateError, type ColumnInfo, type ColumnProfile, type ResultInfo, type SortKey } from '../../../protocol';
import { encodeIpcParts } from '../arrow-encoder';
import { Mutex } from '../async-lock';
import { windowTooLarge, type ColumnBatch, type ColumnField } from '../columns';
import { profileTable, type ProfileDialect } from '../profile';
import type { ArrowExport, ArrowWindow, DataSource, EngineSession, HeldResult, RunLimits, SelectRequest, SqlCheck, SqlVocabulary, StorageId, StoredInfo, TableResolver, WindowRequest } from '../engine';
import type { WorkTracker } from '../work-tracker';
import { fieldOfColumn, type DuckConnection, type DuckDatabase } from './duckdb';
import { boundQueryError, filterError, interruptUntil, isMissingTable, storageGone, timed, timedUntil, toFramegateError } from './errors';
import type { ReadableSource } from './source-reads';
import { referenceKey, type BoundQuery, type SqlBinder } from './sql-binder';
import { autocompleteKeywords, checkSql } from './sql-check';
import { findColumn, MEMORY_DB, orderBy, pickColumns, projection, quoteIdent, SORT_SOURCE, storageTable, toColumnInfo } from './sql-text';
import { checkStorageId, inMemoryBytes, type Storage } from './storage';
import { hasValueColumns, valueExport } from './value-reads';
import type { WindowReader } from './windows';

/** DuckDB's spellings for the profile queries. */
const PROFILE_DIALECT: ProfileDialect = {
  quote: quoteIdent,
  text: (e) => `CAST(${e} AS VARCHAR)`,
  double: (e) => `CAST(${e} AS DOUBLE)`,
  epochSeconds: (e) => `epoch(${e})`,
};

/** What a session works with; owned by the engine. */
export interface SessionParts {
  db: DuckDatabase;
  storage: Storage;
  binder: SqlBinder;
  windows: WindowReader;
  work: WorkTracker;
  queryTimeoutMs: number;
  /** The engine's functions and keywords, read once. */
  vocabulary(): Promise<SqlVocabulary>;
}

interface ResultRecord {
  info: ResultInfo;
  table: string;
}

/** One DuckDB connection and the queue of work on it: one statement at a time. */
class Lane {
  private readonly mutex = new Mutex();
  private readonly connection: Promise<DuckConnection>;
  private current: DuckConnection | null = null;
  /** The task running now: an interrupt repeats until it has settled (see interruptUntil). */
  private running: Promise<unknown> | null = null;

  constructor(db: DuckDatabase) {
    this.connection = db.connect().then((conn) => (this.current = conn));
    this.connection.catch(() => undefined);
  }

  run<T>(task: (conn: DuckConnection) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const work = task(await this.connection);
      this.running = work;
      try {
        return await work;
      } finally {
        if (this.running === work) this.running = null;
      }
    });
  }

  interrupt(): void {
    if (this.current && this.running) interruptUntil(this.current, this.running);
    else this.current?.interrupt();
  }
}

/** The SQL of a select request, with the user's names (it goes through the binder like any SQL). */
function selectSql(request: SelectRequest, columns: ColumnInfo[], all: ColumnInfo[]): string {
  const { from } = request;
  let sql = `SELECT ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${from.namespace ? `${quoteIdent(from.namespace)}.` : ''}${quoteIdent(from.name)}`;
  if (from.version !== undefined) sql += ` AT (VERSION => ${from.version})`;
  if (request.filter) sql += ` WHERE (\n${request.filter}\n)`;
  if (request.sort?.length) {
    const keys = request.sort.map((k) => `${quoteIdent(findColumn(all, k.column).name)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`);
    sql += ` ORDER BY ${keys.join(', ')}`;
  }
  if (request.limit !== undefined) sql += ` LIMIT ${Math.max(0, Math.floor(request.limit))}`;
  return sql;
}

export class DuckDBSession implements EngineSession {
  private readonly queries: Lane;
  private readonly windows: Lane;
  /** Editor checks and completion: beside queries and windows, never behind a long query. */
  private readonly assist: Lane;
  /** Reading ahead of windows: beside them, so the next window never waits behind it. */
  private readonly ahead: Lane;
  private readonly results = new Map<string, ResultRecord>();
  private readonly streams = new Map<DuckConnection, () => void>();
  private resultCounter = 0;
  private closed = false;
  /** Bumped by interrupt(): work queued before that must not run any further statement. */
  private interruptEpoch = 0;

  constructor(
    private readonly parts: SessionParts,
    private readonly id: number,
    readonly label: string,
  ) {
    this.queries = new Lane(parts.db);
    this.windows = new Lane(parts.db);
    this.assist = new Lane(parts.db);
    this.ahead = new Lane(parts.db);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs one piece of work on one of this session's connections, after the previous one there. */
  private exclusive<T>(lane: Lane, task: (conn: DuckConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new FramegateError(ErrorCodes.InternalError, 'the session is closed'));
    const epoch = this.interruptEpoch;
    // Every step maps DuckDB's errors, not only the timed statements: an interrupt that lands
    // while the SQL is being bound must read as Cancelled, not as a raw "INTERRUPT Error".
    return this.parts.work.track(() =>
      lane.run((conn) => task(this.forTask(conn, epoch))).catch((error: unknown) => {
        throw toFramegateError(error);
      }),
    );
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

  /** When work given `limits` now must be done by: the time left, or the configured timeout. */
  private deadline(limits: RunLimits): number {
    return Date.now() + Math.min(limits.timeoutMs ?? Infinity, this.parts.queryTimeoutMs);
  }

  runSql(sql: string, resolve: TableResolver, limits: RunLimits = {}): Promise<HeldResult> {
    const deadline = this.deadline(limits);
    // The timeout covers everything from parsing and binding to the counted result.
    return this.exclusive(this.queries, (conn) =>
      timedUntil(conn, deadline, this.parts.queryTimeoutMs, async () => this.materialize(conn, await this.parts.binder.bind(conn, sql, resolve), sql)),
    );
  }

  runSelect(request: SelectRequest, resolve: TableResolver, limits: RunLimits = {}): Promise<HeldResult> {
    const deadline = this.deadline(limits);
    return this.exclusive(this.queries, (conn) =>
      timedUntil(conn, deadline, this.parts.queryTimeoutMs, async () => {
        const table = resolve(request.from);
        const columns = pickColumns(table.columns, request.columns);
        const sql = selectSql(request, columns, table.columns);
        // The frame resolves to what was checked above, whatever is saved meanwhile.
        const key = referenceKey(request.from);
        const once: TableResolver = (ref) => (referenceKey(ref) === key ? table : resolve(ref));
        try {
          return await this.materialize(conn, await this.parts.binder.bind(conn, sql, once), sql);
        } catch (error) {
          // The filter starts on the second line of the select (selectSql).
          throw request.filter ? filterError(toFramegateError(error), 2, request.filter) : error;
        }
      }),
    );
  }

  checkSql(sql: string, resolve: TableResolver): Promise<SqlCheck> {
    return this.exclusive(this.assist, (conn) => checkSql(conn, this.parts, sql, resolve));
  }

  sqlVocabulary(): Promise<SqlVocabulary> {
    return this.parts.vocabulary();
  }

  suggestKeywords(sql: string, offset: number): Promise<string[]> {
    return this.exclusive(this.assist, (conn) => autocompleteKeywords(conn, sql, offset));
  }

  /** Runs bound SQL once into a result table of the in-memory database (inside the caller's timeout). */
  private async materialize(conn: DuckConnection, bound: BoundQuery, sql: string): Promise<HeldResult> {
    const id = `r${this.id}_${++this.resultCounter}`;
    const table = `${MEMORY_DB}.${quoteIdent(id)}`;
    const query = bound.isShow ? `SELECT * FROM (\n${bound.sql}\n)` : bound.sql;
    await this.parts.storage.read(bound.storage, async () => {
      try {
        await conn.run(`CREATE TABLE ${table} AS\n${query}\n`);
      } catch (error) {
        throw boundQueryError(error, bound.storage);
      }
    });
    try {
      const columns = toColumnInfo(await conn.describe(`SELECT * FROM ${table}`));
      const count = await conn.rows(`SELECT count(*) AS n FROM ${table}`);
      const info: ResultInfo = { id, columns, rowCount: Number(count[0]?.n ?? 0), sql };
      const bytes = await inMemoryBytes(conn, `${MEMORY_DB}.${id}`);
      this.results.set(id, { info, table });
      return { ...info, bytes };
    } catch (error) {
      // Interrupted after the table was made: it must not outlive the failed request.
      await this.parts.db.withConnection((other) => other.run(`DROP TABLE IF EXISTS ${table}`)).catch(() => undefined);
      throw error;
    }
  }

  closeResult(id: string): boolean {
    const record = this.results.get(id);
    if (!record) return false;
    this.results.delete(id);
    void this.exclusive(this.queries, (conn) => conn.run(`DROP TABLE IF EXISTS ${record.table}`)).catch(() => undefined);
    this.forgetOnWindowLane(record.table);
    return true;
  }

  storeResult(storage: StorageId, resultId: string): Promise<StoredInfo> {
    const record = this.results.get(resultId);
    if (!record) return Promise.reject(this.resultNotFound(resultId));
    return this.parts.work.track(async () => {
      try {
        return await this.parts.storage.store(storage, (conn, table) => conn.run(`CREATE TABLE ${table} AS SELECT * FROM ${record.table}`));
      } catch (error) {
        throw isMissingTable(error) ? this.resultNotFound(resultId) : error;
      }
    });
  }

  private resultNotFound(id: string): FramegateError {
    return new FramegateError(ErrorCodes.ResultNotFound, `no result ${id}`, { id });
  }

  /**
   * Forgets what the caches hold of a result once the windows and reads ahead queued before now
   * are done (they could otherwise cache blocks of it after the forget).
   */
  private forgetOnWindowLane(table: string): void {
    this.parts.windows.forget(table);
    for (const lane of [this.windows, this.ahead]) void lane.run(() => Promise.resolve(this.parts.windows.forget(table))).catch(() => undefined);
  }

  private source(source: DataSource): ReadableSource {
    if (source.kind === 'stored') {
      checkStorageId(source.table.storage);
      const { storage, columns, rowCount } = source.table;
      return { table: storageTable(storage), columns, rowCount, storage: [storage] };
    }
    const record = this.results.get(source.id);
    if (!record) throw this.resultNotFound(source.id);
    return { table: record.table, columns: record.info.columns, rowCount: record.info.rowCount, storage: [] };
  }

  /** A missing table while reading a source: stored data dropped meanwhile, or a result closed. */
  private missing(source: DataSource, error: unknown): unknown {
    if (!isMissingTable(error)) return toFramegateError(error);
    return source.kind === 'stored' ? storageGone(source.table.storage) : this.resultNotFound(source.id);
  }

  window(request: WindowRequest): Promise<ArrowWindow> {
    return this.exclusive(this.windows, async (conn) => {
      const src = this.source(request.source);
      try {
        const window = await this.parts.storage.read(src.storage, () => this.parts.windows.read(conn, src, request, (task) => this.later(src, task)));
        // Windows come out of cached blocks in one copy; one that holds more than it may is refused whole.
        if (request.maxBytes !== undefined && window.ipc.byteLength > request.maxBytes) throw windowTooLarge(request.maxBytes);
        return window;
      } catch (error) {
        throw this.missing(request.source, error);
      }
    });
  }

  /** Reading ahead: on a connection of its own, one read at a time, after the request is answered. */
  private later(src: ReadableSource, task: (conn: DuckConnection) => Promise<unknown>): void {
    void this.exclusive(this.ahead, (conn) => this.parts.storage.read(src.storage, () => task(conn))).catch(() => undefined);
  }

  async export(source: DataSource, sort?: SortKey[], columnNames?: string[]): Promise<ArrowExport> {
    if (this.closed) throw new FramegateError(ErrorCodes.InternalError, 'the session is closed');
    const src = this.source(source);
    const columns = pickColumns(src.columns, columnNames);
    // Held until the stream ends, fails, is abandoned with return(), or the session closes.
    const hold = this.parts.storage.hold(src.storage);
    let conn: DuckConnection;
    try {
      conn = await this.parts.db.connect();
    } catch (error) {
      hold();
      throw toFramegateError(error);
    }
    const release = () => {
      if (!this.streams.delete(conn)) return;
      conn.close();
      hold();
    };
    this.streams.set(conn, release);
    try {
      const encoded = hasValueColumns(columns) ? await valueExport(conn, src, columns, sort) : await this.flatExport(conn, src, columns, sort);
      const missing = (error: unknown) => this.missing(source, error);
      const parts = async function* (): AsyncGenerator<Uint8Array> {
        try {
          yield* encoded;
        } catch (error) {
          throw missing(error);
        } finally {
          release();
        }
      };
      return { columns, rowCount: src.rowCount, parts: parts() };
    } catch (error) {
      release();
      throw this.missing(source, error);
    }
  }

  profile(source: DataSource): Promise<ColumnProfile[]> {
    return this.exclusive(this.queries, async (conn) => {
      const src = this.source(source);
      try {
        return await this.parts.storage.read(src.storage, () =>
          timed(conn, this.parts.queryTimeoutMs, () => profileTable(src.table, src.columns, PROFILE_DIALECT, (sql) => conn.rows(sql))),
        );
      } catch (error) {
        throw this.missing(source, error);
      }
    });
  }

  /** Columns of flat types only: encoded straight from column batches. */
  private async flatExport(conn: DuckConnection, src: ReadableSource, columns: ColumnInfo[], sort?: SortKey[]): Promise<AsyncGenerator<Uint8Array>> {
    const { fields, batches } = sort?.length ? await this.sortedExport(conn, src, columns, sort) : await this.blockExport(conn, src, columns);
    return encodeIpcParts(fields, batches);
  }

  /** A sorted export is one ORDER BY query, streamed. */
  private async sortedExport(conn: DuckConnection, src: ReadableSource, columns: ColumnInfo[], sort: SortKey[]): Promise<{ fields: ColumnField[]; batches: AsyncIterable<ColumnBatch> }> {
    const sql = `SELECT ${projection(columns)} FROM ${src.table} AS ${SORT_SOURCE} ORDER BY ${orderBy(src.columns, sort)}`;
    const { columns: resultColumns, batches } = await conn.streamBatches(sql);
    return { fields: resultColumns.map(fieldOfColumn), batches };
  }

  /** An unsorted export is the source's blocks in order (cached, or read in pieces). */
  private async blockExport(conn: DuckConnection, src: ReadableSource, columns: ColumnInfo[]): Promise<{ fields: ColumnField[]; batches: AsyncIterable<ColumnBatch> }> {
    const blocks = this.parts.windows.exportBlocks(conn, src, columns);
    const first = await blocks.next();
    if (first.done) {
      const described = await conn.describe(`SELECT ${projection(columns)} FROM ${src.table}`);
      return { fields: described.map(fieldOfColumn), batches: blocks };
    }
    const rest = async function* (): AsyncGenerator<ColumnBatch> {
      yield first.value;
      yield* blocks;
    };
    return { fields: first.value.fields, batches: rest() };
  }

  interrupt(): void {
    this.interruptEpoch++;
    this.queries.interrupt();
    this.windows.interrupt();
    this.assist.interrupt();
    this.ahead.interrupt();
    for (const stream of this.streams.keys()) stream.interrupt();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.interrupt();
    const tables = [...this.results.values()].map((r) => r.table);
    this.results.clear();
    const { windows } = this.parts;
    await Promise.all([
      this.queries
        .run(async (conn) => {
          for (const table of tables) await conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
          conn.close();
        })
        .catch(() => undefined),
      this.windows
        .run((conn) => {
          for (const table of tables) windows.forget(table);
          conn.close();
          return Promise.resolve();
        })
        .catch(() => undefined),
      this.assist.run((conn) => Promise.resolve(conn.close())).catch(() => undefined),
      this.ahead
        .run((conn) => {
          for (const table of tables) windows.forget(table);
          conn.close();
          return Promise.resolve();
        })
        .catch(() => undefined),
    ]);
    for (const release of [...this.streams.values()]) release();
  }
}
