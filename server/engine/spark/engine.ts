/**
 * The Spark engine: `Engine` (server/engine/engine.ts) on a Spark Connect server. Stored versions
 * are Parquet tables `<db>.t_…` named by their StorageId, each with a row-number column
 * (numbering.ts) and a record in the gateway's data dir (manifest.ts) from which tables are
 * re-registered when Spark forgot them (a restart with an in-memory catalog). Client sessions
 * (session.ts) hold results in `<db>_work`; sorted copies there are shared (sorted-copies.ts).
 * Nothing is cached in Spark memory: tables are read from Parquet, windows by row-id ranges.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCodes, FramegateError, type FileFormat } from '../../../protocol';
import type { BoundTable, Engine, EngineOptions, EngineSession, LegacyVersion, RunLimits, SqlVocabulary, StorageId, StoredFileInfo, StoredInfo, TableResolver } from '../engine';
import { STORAGE_ID_PATTERN } from '../engine';
import { bindQuery, dropViews } from './binder';
import { SparkConnectClient } from './connect-client';
import { SparkError } from './connect-errors';
import type { ConnectSession } from './connect-session';
import { ConnectSession as RawSession } from './connect-session';
import { Operation, toFramegateError } from './errors';
import { Manifest, type StoredRecord } from './manifest';
import type { Relation } from './messages';
import { localRelationBytes, sqlRelation, table } from './plans';
import type { NumberedTable } from './reader';
import { SessionHandle } from './session-handle';
import { SparkEngineSession } from './session';
import { SortedCopies, type SortedCopiesStats } from './sorted-copies';
import { quoteName, quoteString } from './spark-types';
import { databases, describe, writeNumbered, type Databases, type WrittenTable } from './tables';
import { arrowForSpark } from './upload';
import { readSparkVocabulary } from './sql-check';

export interface SparkEngineOptions extends EngineOptions {
  /** The Spark Connect server, `sc://HOST:PORT`. */
  remote: string;
  /** Names the engine's Spark databases: `<database>`, `<database>_work`, `<database>_empty`. One gateway per name. */
  database?: string;
  /** Bound on the rows held by sorted copies (default 30M). */
  sortCopyMaxRows?: number;
  /** How long opening waits for the server to accept a connection (default 120 s: a starting Spark takes a while). */
  connectTimeoutMs?: number;
}

export interface SparkEngine extends Engine {
  sortedCopyStats(): SortedCopiesStats;
  /** The Spark databases this engine uses. */
  readonly databases: Databases;
}

/** Local relations up to this size travel inline in the plan; larger ones as a cached artifact. */
const INLINE_UPLOAD_BYTES = 32 * 1024 * 1024;

/** Said to readers of dropped data: in the user's terms, without the engine's name for it. */
function gone(): FramegateError {
  return new FramegateError(ErrorCodes.FrameNotFound, 'the data of this frame version is gone: it was deleted or replaced; read the frame again');
}

function guessFormat(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') return 'json';
  throw new FramegateError(ErrorCodes.FileRefused, `cannot tell the format of ${path}; pass format csv, parquet or json`);
}

function firstByte(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(256);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8').trimStart().charAt(0);
  } finally {
    closeSync(fd);
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function openSparkEngine(options: SparkEngineOptions): Promise<SparkEngine> {
  // Database names go into DDL unquoted.
  if (options.database !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.database)) {
    throw new FramegateError(ErrorCodes.InternalError, `the Spark database prefix must be an identifier (letters, digits, _): ${options.database}`);
  }
  mkdirSync(options.dataDir, { recursive: true });
  const client = new SparkConnectClient(options.remote);
  const engine = new SparkEngineImpl(client, options);
  const connectTimeoutMs = options.connectTimeoutMs ?? 120_000;
  try {
    await client.waitUntilReady(connectTimeoutMs).catch((error: unknown) => {
      throw new FramegateError(ErrorCodes.InternalError, `cannot reach the Spark Connect server at ${options.remote} within ${connectTimeoutMs / 1000} s (${(error as Error).message})`);
    });
    await engine.start();
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error instanceof FramegateError ? error : new FramegateError(ErrorCodes.InternalError, `cannot open the Spark engine at ${options.remote}: ${(error as Error).message}`);
  }
  return engine;
}

class SparkEngineImpl implements SparkEngine {
  description = 'spark';
  readonly databases: Databases;
  readonly manifest: Manifest;
  readonly admin: SessionHandle;
  readonly sortedCopies: SortedCopies;
  private databaseLocation = '';
  private readonly sessions = new Set<SparkEngineSession>();
  private readonly running = new Set<Promise<unknown>>();
  /** What reads each stored id now: dropping it waits for these. */
  private readonly readers = new Map<StorageId, Set<Promise<void>>>();
  /** Ids being dropped: new readers of them get FrameNotFound at once. */
  private readonly dropping = new Set<StorageId>();
  private recovering: Promise<void> | null = null;
  private closing = false;
  private vocabularyRead: Promise<SqlVocabulary> | null = null;

  constructor(
    readonly client: SparkConnectClient,
    readonly options: SparkEngineOptions,
  ) {
    this.databases = databases(options.database ?? 'framegate');
    this.manifest = new Manifest(options.dataDir);
    this.admin = this.newSessionHandle();
    this.sortedCopies = new SortedCopies(
      (source, order) => this.buildSortedCopy(source, order),
      (copy) => this.admin.run((s) => s.sql(`DROP TABLE IF EXISTS ${copy}`)).then(() => undefined),
      options.sortCopyMaxRows ?? 30_000_000,
    );
  }

  newSessionHandle(): SessionHandle {
    const ours = new RegExp(`\`(${this.databases.stored}|${this.databases.work})\`\\.`, 'i');
    const forgotten = (error: unknown) => error instanceof SparkError && error.is('TABLE_OR_VIEW_NOT_FOUND') && ours.test(error.message);
    return new SessionHandle(this.client, this.databases.empty, () => this.recover(), forgotten);
  }

  async start(): Promise<void> {
    const version = await this.admin.run((s) => s.sparkVersion());
    this.description = `spark ${version}`;
    await this.admin.run(async (s) => {
      const { stored, work, empty } = this.databases;
      for (const db of [stored, work, empty]) await s.sql(`CREATE DATABASE IF NOT EXISTS ${db}`);
      // Results and sorted copies of an earlier run: dropping the database deletes its files too.
      await s.sql(`DROP DATABASE ${work} CASCADE`);
      await s.sql(`CREATE DATABASE ${work}`);
      const details = await describe(s, `DESCRIBE DATABASE EXTENDED ${stored}`, {});
      this.databaseLocation = (details.get('Location') ?? '').replace(/\/$/, '');
    });
    await this.reattach();
  }

  /** Re-registers stored tables Spark no longer knows (their Parquet files are still there). */
  private async reattach(session?: ConnectSession): Promise<void> {
    const work = async (s: ConnectSession) => {
      const known = await this.tablesIn(s, this.databases.stored);
      for (const record of this.manifest.all()) {
        if (record.state !== 'stored' || known.has(record.storage)) continue;
        await s.sql(`CREATE TABLE IF NOT EXISTS ${this.tableOf(record.storage)} USING parquet LOCATION ${quoteString(record.location)}`);
        this.manifest.write({ ...record, external: true });
      }
    };
    if (session) await work(session);
    else await this.admin.run(work);
  }

  /** A lost session (server restart, expiry): make sure the databases and tables are there again. */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      const session = new RawSession(this.client);
      try {
        for (const db of Object.values(this.databases)) await session.sql(`CREATE DATABASE IF NOT EXISTS ${db}`);
        await this.reattach(session);
        // Sorted copies Spark forgot (they were working data) are built again when next asked for.
        this.sortedCopies.retain(await this.tablesIn(session, this.databases.work), this.databases.work);
      } finally {
        await session.release();
      }
    })().finally(() => (this.recovering = null));
    return this.recovering;
  }

  private async tablesIn(session: ConnectSession, database: string): Promise<Set<string>> {
    const result = await session.collect(sqlRelation(`SHOW TABLES IN ${database}`));
    const names = new Set<string>();
    const { tableFromIPC } = await import('apache-arrow');
    for (const batch of result.batches) {
      const t = tableFromIPC(batch);
      const column = t.getChild('tableName')!;
      for (let i = 0; i < t.numRows; i++) names.add(String(column.get(i)));
    }
    return names;
  }

  tableOf = (storage: StorageId): string => {
    if (!STORAGE_ID_PATTERN.test(storage)) throw new FramegateError(ErrorCodes.InternalError, `not a storage id: ${storage}`);
    return `${this.databases.stored}.${storage}`;
  };

  sortedCopyStats(): SortedCopiesStats {
    return this.sortedCopies.getStats();
  }

  /** Starts work unless the engine is closing, and tracks it so `close` can wait for it. */
  track<T>(start: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new FramegateError(ErrorCodes.InternalError, 'the engine is closing'));
    const work = start();
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  }

  /**
   * Marks `storages` as being read until the returned release is called (idempotent): dropping
   * one of them waits for it. Throws FrameNotFound for ids being dropped.
   */
  hold(storages: StorageId[]): () => void {
    for (const storage of storages) if (this.dropping.has(storage)) throw gone();
    let settle!: () => void;
    const held = new Promise<void>((resolve) => (settle = resolve));
    const sets = storages.map((storage) => {
      let set = this.readers.get(storage);
      if (!set) this.readers.set(storage, (set = new Set()));
      set.add(held);
      return set;
    });
    return () => {
      for (const set of sets) set.delete(held);
      settle();
    };
  }

  /** Runs `task` while it reads `storages`: dropping one of them waits for it. */
  async reading<T>(storages: StorageId[], task: () => Promise<T>): Promise<T> {
    const release = this.hold(storages);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** The numbered table behind stored data the resolver returned. */
  stored(bound: BoundTable): NumberedTable {
    const record = this.manifest.read(bound.storage);
    if (record?.state !== 'stored' || this.dropping.has(bound.storage)) throw gone();
    return { table: this.tableOf(bound.storage), columns: record.columns, numbering: record.numbering };
  }

  /** Spark's functions and keywords, read once on the admin session (a failed read is tried again next time). */
  vocabulary(): Promise<SqlVocabulary> {
    this.vocabularyRead ??= (async () => {
      const op = this.operation(this.admin, 'fg-vocabulary');
      try {
        return await this.admin.run((s) => readSparkVocabulary(s, op.execute), true);
      } catch (error) {
        this.vocabularyRead = null;
        throw toFramegateError(error, op);
      } finally {
        op.done();
      }
    })();
    return this.vocabularyRead;
  }

  /**
   * An operation on `handle`, interrupted on Spark when it times out: after the query timeout, or
   * sooner when the caller has less time left (`limits`, the gateway's request deadline), so
   * work the caller gave up on stops on Spark then too.
   */
  operation(handle: SessionHandle, tag: string, limits: RunLimits = {}): Operation {
    const timeoutMs = Math.max(0, Math.min(limits.timeoutMs ?? Infinity, this.options.queryTimeoutMs));
    return new Operation(timeoutMs, tag, (op) => void handle.interruptTag(op.tag));
  }

  private async buildSortedCopy(source: NumberedTable, order: string): Promise<NumberedTable> {
    const target = `${this.databases.work}.s_${createHash('sha1').update(`${source.table}\n${order}\n${Math.random()}`).digest('hex').slice(0, 16)}`;
    const op = this.operation(this.admin, 'fg-sort');
    try {
      const columns = source.columns.map((c) => quoteName(c.name)).join(', ');
      const written = await this.admin.run((s) => writeNumbered(s, sqlRelation(`SELECT ${columns} FROM ${source.table} AS src ORDER BY ${order}`), target, op.execute), false);
      return { table: target, columns: written.columns, numbering: written.numbering };
    } catch (error) {
      await this.admin.run((s) => s.sql(`DROP TABLE IF EXISTS ${target}`)).catch(() => undefined);
      throw toFramegateError(error, op);
    } finally {
      op.done();
    }
  }

  /** Stores what `write` writes under `storage`: whole (recorded) or nothing. */
  async store(storage: StorageId, write: (session: ConnectSession, op: Operation) => Promise<WrittenTable>, options: { mapError?: (e: FramegateError) => FramegateError; limits?: RunLimits } = {}): Promise<StoredInfo> {
    const { mapError, limits } = options;
    const qualified = this.tableOf(storage);
    const pending: StoredRecord = { storage, state: 'pending', location: `${this.databaseLocation}/${storage}`, external: false, columns: [], numbering: { rowCount: 0, blocks: [] }, bytes: 0 };
    this.manifest.write(pending);
    const handle = this.newSessionHandle();
    const op = this.operation(handle, 'fg-store', limits);
    let settled = false;
    const work = handle.run((s) => write(s, op), false).finally(() => (settled = true));
    try {
      const written = await op.race(work);
      this.manifest.write({ ...pending, state: 'stored', location: written.location || pending.location, columns: written.columns, numbering: written.numbering, bytes: written.bytes });
      await handle.release();
      return { columns: written.columns, rowCount: written.numbering.rowCount, bytes: written.bytes };
    } catch (error) {
      // Nothing of a failed store may stay, also of one that timed out while Spark was still
      // writing: cleaned up once the write has stopped (it was interrupted), in the background
      // then, so the caller hears of the timeout at once.
      const cleanup = work
        .catch(() => undefined)
        .then(async () => {
          await handle.release();
          await this.admin.run((s) => s.sql(`DROP TABLE IF EXISTS ${qualified}`)).catch(() => undefined);
          this.manifest.remove(storage);
        });
      if (settled) await cleanup;
      else void this.track(() => cleanup).catch(() => undefined);
      const mapped = toFramegateError(error, op);
      throw mapError ? mapError(mapped) : mapped;
    } finally {
      op.done();
    }
  }

  /** Engine housekeeping on the admin session, bounded by the query timeout like client work. */
  private bounded<T>(task: (session: ConnectSession) => Promise<T>): Promise<T> {
    const op = this.operation(this.admin, 'fg-admin');
    return op.race(this.admin.run(task)).catch((error: unknown) => {
      throw toFramegateError(error, op);
    }).finally(() => op.done());
  }

  listStorage(): Promise<StorageId[]> {
    return this.track(async () => {
      const inSpark = await this.bounded((s) => this.tablesIn(s, this.databases.stored));
      const ids = new Set([...this.manifest.all().map((r) => r.storage), ...[...inSpark].filter((t) => STORAGE_ID_PATTERN.test(t))]);
      return [...ids].sort();
    });
  }

  storeQuery(storage: StorageId, sql: string, resolve: TableResolver, limits?: RunLimits): Promise<StoredInfo> {
    return this.track(() =>
      this.store(storage, async (session, op) => {
        const bound = await bindQuery(sql, { session, resolve, tableOf: this.tableOf, execute: op.execute });
        try {
          return await this.reading(
            bound.tables.map((t) => t.storage),
            () => writeNumbered(session, sqlRelation(bound.sql), this.tableOf(storage), op.execute),
          );
        } finally {
          await dropViews(session, bound.views);
        }
      }, { limits }),
    );
  }

  /** Stores a copy of a session's result table, keeping its row order and numbering. */
  storeCopy(storage: StorageId, source: NumberedTable): Promise<StoredInfo> {
    return this.track(() => this.store(storage, (session, op) => writeNumbered(session, table(source.table), this.tableOf(storage), op.execute, true)));
  }

  storeFile(storage: StorageId, path: string, format: FileFormat | undefined, limits?: RunLimits): Promise<StoredFileInfo> {
    return this.track(async () => {
      const real = this.options.importPolicy.resolveFile(path);
      const kind = format ?? guessFormat(real);
      // Spark expands glob characters in paths: a name holding them could reach other files.
      if (/[*?[\]{}\\]/.test(real)) throw new FramegateError(ErrorCodes.FileRefused, `${path}: file names with * ? [ ] { } or \\ cannot be loaded`);
      const options: Record<string, string> = {};
      if (kind === 'csv') Object.assign(options, { header: 'true', inferSchema: 'true' });
      if (kind === 'json' && firstByte(real) === '[') options.multiLine = 'true';
      const fileBytes = statSync(real).size;
      const digest = await sha256(real);
      const relation: Relation = { read: { data_source: { format: kind, paths: [pathToFileURL(real).href], options } } };
      const info = await this.store(
        storage,
        (session, op) => writeNumbered(session, relation, this.tableOf(storage), op.execute),
        { limits, mapError: (e) => (e.code === ErrorCodes.QueryFailed || e.code === ErrorCodes.InvalidSql ? new FramegateError(ErrorCodes.FileRefused, `cannot read ${path}: ${e.message}`) : e) },
      );
      return { ...info, path: real, fileBytes, sha256: digest };
    });
  }

  storeArrow(storage: StorageId, ipc: Uint8Array): Promise<StoredInfo> {
    return this.track(async () => {
      const { ipc: data } = arrowForSpark(ipc);
      return this.store(
        storage,
        async (session, op) => {
          let relation: Relation = { local_relation: { data } };
          if (data.byteLength > INLINE_UPLOAD_BYTES) {
            const bytes = localRelationBytes(data);
            const hash = createHash('sha256').update(bytes).digest('hex');
            await session.addArtifact(`cache/${hash}`, bytes);
            relation = { cached_local_relation: { hash } };
          }
          return writeNumbered(session, relation, this.tableOf(storage), op.execute);
        },
        { mapError: (e) => (e.code === ErrorCodes.QueryFailed || e.code === ErrorCodes.InvalidSql ? new FramegateError(ErrorCodes.BadAttachment, `cannot store these columns: ${e.message}`) : e) },
      );
    });
  }

  /** Spark caches in its own memory, none of the gateway's. */
  cachedBytes(): number {
    return 0;
  }

  dropStorage(storage: StorageId): Promise<void> {
    return this.track(async () => {
      const qualified = this.tableOf(storage);
      this.dropping.add(storage);
      try {
        await Promise.all([...(this.readers.get(storage) ?? [])]);
        const record = this.manifest.read(storage);
        await this.sortedCopies.forget(qualified);
        await this.bounded((s) => s.sql(`DROP TABLE IF EXISTS ${qualified}`));
        // Re-registered (external) or unfinished tables: Spark's DROP leaves their files.
        if (record && (record.external || record.state === 'pending')) await this.removeFiles(record);
        this.manifest.remove(storage);
        this.readers.delete(storage);
      } finally {
        this.dropping.delete(storage);
      }
    });
  }

  private async removeFiles(record: StoredRecord): Promise<void> {
    if (basename(record.location) !== record.storage) return; // never anything but the table's own folder
    if (record.location.startsWith('file:')) {
      const local = fileURLToPath(record.location);
      if (existsSync(local)) {
        rmSync(local, { recursive: true, force: true });
        return;
      }
    }
    // A location only the cluster sees: overwrite it with nothing (Spark deletes what was there).
    await this.admin
      .run((s) => s.sql(`INSERT OVERWRITE DIRECTORY ${quoteString(record.location)} USING parquet SELECT 1 AS x WHERE false`))
      .catch(() => undefined);
  }

  readLegacyCatalog(): Promise<LegacyVersion[] | null> {
    return Promise.resolve(null); // Framegate 0.1 never ran on Spark
  }

  dropLegacyCatalog(): Promise<void> {
    return Promise.resolve();
  }

  openSession(label: string): EngineSession {
    const session = new SparkEngineSession(this, label);
    this.sessions.add(session);
    session.onClose(() => this.sessions.delete(session));
    return session;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.sessions].map((s) => s.close()));
    await Promise.allSettled([...this.running]);
    await this.sortedCopies.clear();
    await this.admin.release();
    this.client.close();
  }
}

export type { SparkEngineImpl };
