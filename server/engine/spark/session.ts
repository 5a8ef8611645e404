/**
 * A client's session on the Spark engine: a Spark session of its own (temp views bound per query,
 * one query at a time), its results as numbered Parquet tables in `<db>_work` (dropped when
 * closed), windows and exports read concurrently with queries. Every Spark execution carries the
 * session's tag, so `interrupt()` stops them on Spark; work queued before an interrupt fails with
 * Cancelled instead of starting.
 */
import { randomBytes } from 'node:crypto';
import { tableFromIPC } from 'apache-arrow';
import { ErrorCodes, FramegateError, tokenize as sqlTokens, type ColumnInfo, type ColumnProfile, type ResultInfo, type SortKey } from '../../../protocol';
import { Mutex } from '../async-lock';
import { profileTable, type ProfileDialect } from '../profile';
import type { ArrowExport, ArrowWindow, BoundTable, DataSource, EngineSession, HeldResult, RunLimits, SelectRequest, SqlCheck, SqlVocabulary, StorageId, StoredInfo, TableResolver, WindowRequest } from '../engine';
import { bindQuery, dropViews } from './binder';
import type { ConnectSession } from './connect-session';
import { Operation, toFramegateError } from './errors';
import { ROW_COLUMN } from './numbering';
import { sqlRelation } from './plans';
import { exportParts, readTopN, readWindow, type NumberedTable } from './reader';
import type { SessionHandle } from './session-handle';
import type { SortedCopies } from './sorted-copies';
import { columnsOf, quoteName } from './spark-types';
import { locateSparkProblem } from './sql-check';
import { tokenize } from './sql-lexer';
import { writeNumbered, type Databases } from './tables';

/** Spark SQL's spellings for the profile queries. */
const PROFILE_DIALECT: ProfileDialect = {
  quote: quoteName,
  text: (e) => `CAST(${e} AS STRING)`,
  double: (e) => `CAST(${e} AS DOUBLE)`,
  epochSeconds: (e) => `(CAST(unix_micros(CAST(${e} AS TIMESTAMP)) AS DOUBLE) / 1000000)`,
};

/** The rows of collected Arrow batches as plain objects. */
function rowObjects(batches: Uint8Array[]): Record<string, unknown>[] {
  return batches.flatMap((batch) => tableFromIPC(batch).toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON()));
}

/** Windows of a sort not yet copied that end before this row are answered by a top-N query. */
const TOP_N_ROWS = 10_000;

export interface SessionHost {
  readonly databases: Databases;
  readonly sortedCopies: SortedCopies;
  /** Spark's functions and keywords, read once for the engine. */
  vocabulary(): Promise<SqlVocabulary>;
  newSessionHandle(): SessionHandle;
  operation(handle: SessionHandle, tag: string, limits?: RunLimits): Operation;
  track<T>(start: () => Promise<T>): Promise<T>;
  reading<T>(storages: StorageId[], task: () => Promise<T>): Promise<T>;
  hold(storages: StorageId[]): () => void;
  stored(bound: BoundTable): NumberedTable;
  tableOf(storage: StorageId): string;
  storeCopy(storage: StorageId, source: NumberedTable): Promise<StoredInfo>;
}

interface ResultRecord {
  info: ResultInfo;
  table: NumberedTable;
}

function findColumn(columns: ColumnInfo[], name: string): ColumnInfo {
  const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new FramegateError(ErrorCodes.ColumnNotFound, `no column named ${name}`, { column: name, columns: columns.map((c) => c.name) });
  return found;
}

function pickColumns(columns: ColumnInfo[], names: string[] | undefined): ColumnInfo[] {
  return names ? names.map((n) => findColumn(columns, n)) : columns;
}

/** ORDER BY keys over the source aliased `src`, nulls last, ending with the row id (ties keep row order). */
export function orderBy(columns: ColumnInfo[], sort: SortKey[]): string {
  const keys = sort.map((k) => `src.${quoteName(findColumn(columns, k.column).name)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`);
  return [...keys, `src.${ROW_COLUMN}`].join(', ');
}

/** A filter must be one expression: it may not close the parentheses it is put in. */
function checkFilter(filter: string): void {
  let depth = 0;
  for (const token of tokenize(filter)) {
    if (token.kind !== 'punct') continue;
    if (token.value === '(') depth++;
    if (token.value === ')' && --depth < 0) throw new FramegateError(ErrorCodes.InvalidSql, 'the filter has an unmatched )');
    if (token.value === ';') throw new FramegateError(ErrorCodes.InvalidSql, 'the filter must be one expression');
  }
  if (depth !== 0) throw new FramegateError(ErrorCodes.InvalidSql, 'the filter has an unmatched (');
}

function newSessionTag(): string {
  return `fg-s-${randomBytes(6).toString('hex')}`;
}

/** A Spark result as the gateway holds it: none of its bytes are in the gateway's memory. */
function held(info: ResultInfo): HeldResult {
  return { ...info, bytes: 0 };
}

export class SparkEngineSession implements EngineSession {
  private readonly spark: SessionHandle;
  /** Carried by every execution of this session; a new one after each interrupt (see interrupt). */
  private tag = newSessionTag();
  private readonly queries = new Mutex();
  private readonly results = new Map<string, ResultRecord>();
  private readonly closeListeners: (() => void)[] = [];
  private readonly background = new Set<Promise<unknown>>();
  private readonly live = new Set<Operation>();
  /** Releases of the stored data held by exports not yet finished (released at close too). */
  private readonly exportHolds = new Set<() => void>();
  private epoch = 0;
  private closed = false;
  private counter = 0;

  constructor(
    private readonly host: SessionHost,
    readonly label: string,
  ) {
    this.spark = host.newSessionHandle();
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /**
   * Runs one operation on this session's Spark session. Its query timeout counts from the call,
   * waiting in the queue included, and fails the call when it fires even if Spark does not answer.
   */
  private run<T>(task: (session: ConnectSession, op: Operation) => Promise<T>, options: { queued?: boolean; retry?: boolean; limits?: RunLimits } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new FramegateError(ErrorCodes.InternalError, 'the session is closed'));
    const epoch = this.epoch;
    return this.host.track(async () => {
      const op = this.host.operation(this.spark, this.tag, options.limits);
      this.live.add(op);
      const body = () => {
        if (this.epoch !== epoch) throw new FramegateError(ErrorCodes.Cancelled, 'query was cancelled');
        op.check();
        return this.spark.run((session) => task(session, op), options.retry ?? false);
      };
      try {
        return await op.race(options.queued ? this.queries.run(body) : body());
      } catch (error) {
        throw toFramegateError(error, op);
      } finally {
        op.done();
        this.live.delete(op);
      }
    });
  }

  private resultTable(): string {
    return `${this.host.databases.work}.r_${randomBytes(8).toString('hex')}`;
  }

  /** The id of this session's Spark Connect session (opened if need be): for logs and diagnostics. */
  async sparkSessionId(): Promise<string> {
    return (await this.spark.session()).id;
  }

  /** Binds, runs and materializes client SQL as a result. */
  private materialize(sql: string, resolve: TableResolver, shownSql: string, limits: RunLimits | undefined, prebound?: Map<string, BoundTable>): Promise<ResultInfo> {
    return this.run(
      async (session, op) => {
        const bound = await bindQuery(sql, { session, resolve, tableOf: (s) => this.host.tableOf(s), prebound, execute: op.execute });
        const target = this.resultTable();
        try {
          const written = await this.host.reading(
            bound.tables.map((t) => t.storage),
            () => writeNumbered(session, sqlRelation(bound.sql), target, op.execute),
          );
          const id = `r${++this.counter}_${randomBytes(3).toString('hex')}`;
          const info: ResultInfo = { id, columns: written.columns, rowCount: written.numbering.rowCount, sql: shownSql };
          this.results.set(id, { info, table: { table: target, columns: written.columns, numbering: written.numbering } });
          return info;
        } catch (error) {
          await session.sql(`DROP TABLE IF EXISTS ${target}`).catch(() => undefined);
          throw error;
        } finally {
          await dropViews(session, bound.views);
        }
      },
      { queued: true, limits },
    );
  }

  /** Results are cached by Spark, in its own memory: they hold nothing of the gateway's budget. */
  runSql(sql: string, resolve: TableResolver, limits?: RunLimits): Promise<HeldResult> {
    return this.materialize(sql, resolve, sql, limits).then(held);
  }

  runSelect(request: SelectRequest, resolve: TableResolver, limits?: RunLimits): Promise<HeldResult> {
    try {
      const from = resolve(request.from);
      const columns = pickColumns(from.columns, request.columns);
      const name = `__fg_from_${randomBytes(6).toString('hex')}`;
      let sql = `SELECT ${columns.map((c) => quoteName(c.name)).join(', ')} FROM ${name}`;
      if (request.filter) {
        checkFilter(request.filter);
        sql += ` WHERE (\n${request.filter}\n)`;
      }
      if (request.sort?.length) sql += ` ORDER BY ${request.sort.map((k) => `${quoteName(findColumn(from.columns, k.column).name)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`).join(', ')}`;
      if (request.limit !== undefined) sql += ` LIMIT ${Math.max(0, Math.floor(request.limit))}`;
      return this.materialize(sql, resolve, sql.replace(name, request.from.text), limits, new Map([[name.toLowerCase(), from]])).then(held);
    } catch (error) {
      return Promise.reject(toFramegateError(error));
    }
  }

  /**
   * Binds like a query (temp views, access through `resolve`) and asks AnalyzePlan for the schema.
   * Queued behind this session's queries: the views of a bare name are shared with them.
   */
  checkSql(sql: string, resolve: TableResolver): Promise<SqlCheck> {
    const problem = (error: unknown): SqlCheck => {
      const converted = toFramegateError(error);
      const expected: number[] = [ErrorCodes.InvalidSql, ErrorCodes.SqlRefused, ErrorCodes.FrameNotFound, ErrorCodes.AmbiguousName, ErrorCodes.ColumnNotFound];
      if (!expected.includes(converted.code)) throw converted;
      return { ok: false, problem: locateSparkProblem(converted, sql) };
    };
    if (sqlTokens(sql).length === 0) return Promise.resolve({ ok: false, problem: { kind: 'syntax', message: 'no statement given', start: 0, end: sql.length } });
    return this.run(
      async (session, op) => {
        let bound;
        try {
          bound = await bindQuery(sql, { session, resolve, tableOf: (s) => this.host.tableOf(s), execute: op.execute });
        } catch (error) {
          return problem(error);
        }
        try {
          const schema = await session.schema(sqlRelation(bound.sql), { timeoutMs: op.timeoutMs });
          return { ok: true, columns: columnsOf(schema) };
        } catch (error) {
          return problem(error);
        } finally {
          await dropViews(session, bound.views);
        }
      },
      { queued: true },
    );
  }

  sqlVocabulary(): Promise<SqlVocabulary> {
    return this.host.vocabulary();
  }

  /** Spark Connect has no completion call; the gateway's own context analysis serves. */
  suggestKeywords(): Promise<string[]> {
    return Promise.resolve([]);
  }

  closeResult(id: string): boolean {
    const record = this.results.get(id);
    if (!record) return false;
    this.results.delete(id);
    this.dropInBackground(record.table.table);
    return true;
  }

  private dropInBackground(table: string): void {
    const work = (async () => {
      await this.host.sortedCopies.forget(table);
      await this.spark.run((s) => s.sql(`DROP TABLE IF EXISTS ${table}`));
    })().catch(() => undefined);
    this.background.add(work);
    void work.then(() => this.background.delete(work));
  }

  storeResult(storage: StorageId, resultId: string): Promise<StoredInfo> {
    const record = this.results.get(resultId);
    if (!record) return Promise.reject(new FramegateError(ErrorCodes.ResultNotFound, `no result ${resultId}`, { id: resultId }));
    return this.host.storeCopy(storage, record.table);
  }

  private source(source: DataSource): { table: NumberedTable; storages: StorageId[] } {
    if (source.kind === 'stored') return { table: this.host.stored(source.table), storages: [source.table.storage] };
    const record = this.results.get(source.id);
    if (!record) throw new FramegateError(ErrorCodes.ResultNotFound, `no result ${source.id}`, { id: source.id });
    return { table: record.table, storages: [] };
  }

  window(request: WindowRequest): Promise<ArrowWindow> {
    let src: { table: NumberedTable; storages: StorageId[] };
    let columns: ColumnInfo[];
    try {
      src = this.source(request.source);
      columns = pickColumns(src.table.columns, request.columns);
    } catch (error) {
      return Promise.reject(toFramegateError(error));
    }
    const rowCount = src.table.numbering.rowCount;
    const first = request.offset;
    const last = Math.min(request.offset + request.limit, rowCount) - 1;
    return this.run(async (session, op) => {
      const read = await this.host.reading(src.storages, async () => {
        if (!request.sort?.length || last < first) return readWindow(session, src.table, columns, first, last, op.execute);
        const order = orderBy(src.table.columns, request.sort);
        const copies = this.host.sortedCopies;
        const built = copies.built(src.table.table, order);
        if (built) return readWindow(session, built, columns, first, last, op.execute);
        if (last < TOP_N_ROWS) {
          // The first rows of a new sort at once; the copy later windows read is built meanwhile.
          void this.host.track(() => copies.get(src.table, order)).catch(() => undefined);
          return readTopN(session, src.table, columns, order, first, last, op.execute);
        }
        const copy = await copies.get(src.table, order);
        op.check();
        return readWindow(session, copy, columns, first, last, op.execute);
      });
      return { rowCount, offset: request.offset, rows: read.rows, columns, ipc: read.ipc };
    }, { retry: true });
  }

  async export(source: DataSource, sort?: SortKey[], columnNames?: string[]): Promise<ArrowExport> {
    if (this.closed) throw new FramegateError(ErrorCodes.InternalError, 'the session is closed');
    const src = this.source(source);
    const columns = pickColumns(src.table.columns, columnNames);
    // Held from here until the stream ends, fails, is abandoned or the session closes: dropping
    // the frame meanwhile waits for it.
    const held = this.host.hold(src.storages);
    const release = () => {
      this.exportHolds.delete(release);
      held();
    };
    this.exportHolds.add(release);
    let table: NumberedTable;
    try {
      table = sort?.length ? await this.run(() => this.host.sortedCopies.get(src.table, orderBy(src.table.columns, sort))) : src.table;
    } catch (error) {
      release();
      throw error;
    }
    const spark = this.spark;
    const tag = this.tag;
    // An export is bounded by its reader (backpressure), not by the query timeout; abandoning it
    // aborts its executions (the next chunk is fetched ahead), each then interrupted on Spark by
    // its operation id until Spark ends it, and interrupts its tag for any not yet registered.
    const parts = async function* (): AsyncGenerator<Uint8Array> {
      const exportTag = `fg-export-${randomBytes(6).toString('hex')}`;
      const abandoned = new AbortController();
      let finished = false;
      try {
        const session = await spark.session();
        yield* exportParts(session, table, columns, { tags: [tag, exportTag], signal: abandoned.signal });
        finished = true;
      } catch (error) {
        throw toFramegateError(error);
      } finally {
        if (!finished) {
          abandoned.abort();
          await spark.interruptTag(exportTag);
        }
        release();
      }
    };
    return { columns, rowCount: table.numbering.rowCount, parts: parts() };
  }

  profile(source: DataSource): Promise<ColumnProfile[]> {
    let src: { table: NumberedTable; storages: StorageId[] };
    try {
      src = this.source(source);
    } catch (error) {
      return Promise.reject(toFramegateError(error));
    }
    return this.run(
      (session, op) =>
        this.host.reading(src.storages, () =>
          profileTable(src.table.table, src.table.columns, PROFILE_DIALECT, async (sql) => rowObjects((await session.collect(sqlRelation(sql), op.execute)).batches)),
        ),
      { queued: true },
    );
  }

  /**
   * Cancels the running and queued work (aborted executions are interrupted by id until Spark
   * ends them) and interrupts by tag what else carries the session's tag (exports). Work started
   * from now on gets a new tag: the tag interrupt may reach Spark late (after the session opened),
   * and must not stop that work.
   */
  interrupt(): void {
    this.epoch++;
    for (const op of this.live) op.cancel();
    const interrupted = this.tag;
    this.tag = newSessionTag();
    const work = this.spark.interruptTag(interrupted);
    this.background.add(work);
    void work.then(() => this.background.delete(work));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.interrupt();
    this.closed = true;
    await Promise.allSettled([this.queries.run(() => Promise.resolve())]);
    for (const release of [...this.exportHolds]) release();
    for (const record of this.results.values()) this.dropInBackground(record.table.table);
    this.results.clear();
    await Promise.allSettled([...this.background]);
    await this.spark.release();
    for (const listener of this.closeListeners) listener();
  }
}
