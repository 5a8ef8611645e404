/**
 * The DuckDB engine: composes the opened instance (open.ts), stored data by id (storage.ts), the
 * SQL binder (sql-binder.ts), file access, the shared block cache, sort index and warmer behind
 * the windows (windows.ts), and the sessions. Each part gets what it needs when it is made;
 * nothing calls back into this class.
 */
import { extname } from 'node:path';
import type { DataType, Table } from 'apache-arrow';
import { ErrorCodes, FramegateError, type FileFormat } from '../../../protocol';
import { decodeIpc, fieldsOf, toBatches } from '../arrow-decoder';
import type { Engine, EngineOptions, EngineSession, LegacyVersion, RunLimits, SqlVocabulary, StorageId, StoredFileInfo, StoredInfo, TableResolver } from '../engine';
import { createMemoryBudget } from '../../memory/budget';
import { BlockCache, type BlockCacheStats } from '../block-cache';
import { Foreground } from '../foreground';
import { SortIndex, type SortIndexStats } from '../sort-index';
import { WorkTracker } from '../work-tracker';
import { duckdbTypeOfArrow, hasNestedColumns } from './arrow-duckdb';
import { BackgroundReads } from './background';
import { dataFiles } from './data-files';
import { DecimalRangeError, duckdbTypeOf, type DuckDatabase } from './duckdb';
import { boundQueryError } from './errors';
import { digestFile, FileAccess } from './file-access';
import { dropLegacyCatalog, readLegacyCatalog } from './legacy-catalog';
import { openDatabase } from './open';
import { DuckDBSession, type SessionParts } from './session';
import { DEFAULT_LOCATE_TUNING, type LocateTuning } from './sort-locate';
import { SqlBinder } from './sql-binder';
import { readVocabulary } from './sql-check';
import { DATA_DB, fileReader, quoteIdent, STORAGE_SCHEMA, storageTable } from './sql-text';
import { Storage } from './storage';
import { WindowReader } from './windows';

export interface EngineTuning {
  /** Rows per cached block (default 32,768). */
  blockRows?: number;
  /** Bound on the bytes of cached blocks (default 1 GiB). */
  blockCacheBytes?: number;
  /** Bound on the bytes of located sort orders (default 256 MiB). */
  sortIndexBytes?: number;
  /** How sorted positions are located (sort-locate.ts). */
  locate?: Partial<LocateTuning>;
  /** Blocks per query when a whole source is exported; default 32. */
  pieceBlocks?: number;
  /** Blocks per query when a source is warmed into the cache in the background; default 4. */
  backgroundPieceBlocks?: number;
  /** Windows in flight, which background reads wait for (given by tests to hold one open). */
  foreground?: Foreground;
}

export interface EngineCacheStats {
  blocks: BlockCacheStats;
  sortIndex: SortIndexStats;
  /** Whole sources read into the block cache in the background. */
  warmed: number;
  /** Sort orders found whole in the background. */
  wholeSorts: number;
}

/** What the DuckDB engine offers beyond the Engine interface, for tests and benchmarks. */
export interface DuckDBEngine extends Engine {
  cacheStats(): EngineCacheStats;
}

const MiB = 1024 * 1024;

function guessFormat(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') return 'json';
  throw new FramegateError(ErrorCodes.FileRefused, `cannot tell the format of ${path}; pass format csv, parquet or json`);
}

export async function openDuckDBEngine(options: EngineOptions, tuning: EngineTuning = {}): Promise<DuckDBEngine> {
  const { db, description } = await openDatabase(options);
  return new DuckDBEngineImpl(db, description, options, tuning);
}

class DuckDBEngineImpl implements DuckDBEngine {
  private readonly work = new WorkTracker();
  private readonly storage: Storage;
  private readonly files: FileAccess;
  private readonly parts: SessionParts;
  private readonly blocks: BlockCache;
  private readonly sortIndex: SortIndex;
  private readonly background: BackgroundReads;
  private readonly sessions = new Set<DuckDBSession>();
  private sessionCounter = 0;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly db: DuckDatabase,
    readonly description: string,
    options: EngineOptions,
    tuning: EngineTuning,
  ) {
    this.storage = new Storage(db, options.queryTimeoutMs);
    this.files = new FileAccess(options.importPolicy, dataFiles(options.dataDir));
    // Caches take at most a share of the gateway's budget, so results, uploads and windows keep room.
    const budgetBytes = options.memoryBudget?.limitBytes ?? Infinity;
    const blockCacheBytes = tuning.blockCacheBytes ?? Math.min(1024 * MiB, Math.floor(budgetBytes * 0.4));
    const sortIndexBytes = tuning.sortIndexBytes ?? Math.min(256 * MiB, Math.floor(budgetBytes * 0.1));
    // Without the gateway's budget the caches still answer to one: their own bounds together.
    const budget = options.memoryBudget ?? createMemoryBudget(blockCacheBytes + sortIndexBytes);
    this.blocks = new BlockCache({ blockRows: tuning.blockRows ?? 32_768, maxBytes: blockCacheBytes, budget });
    this.sortIndex = new SortIndex({ maxBytes: sortIndexBytes, budget });
    const pieceBlocks = tuning.pieceBlocks ?? 32;
    const backgroundPieceBlocks = tuning.backgroundPieceBlocks ?? Math.min(4, pieceBlocks);
    const foreground = tuning.foreground ?? new Foreground();
    const locate = { ...DEFAULT_LOCATE_TUNING, ...tuning.locate };
    const { queryTimeoutMs } = options;
    this.background = new BackgroundReads({ db, blocks: this.blocks, sortIndex: this.sortIndex, storage: this.storage, work: this.work, locate, queryTimeoutMs, pieceBlocks: backgroundPieceBlocks, foreground });
    const windows = new WindowReader({ blocks: this.blocks, sortIndex: this.sortIndex, background: this.background, locate, queryTimeoutMs, pieceBlocks, foreground });
    let vocabulary: Promise<SqlVocabulary> | undefined;
    const readOnce = (): Promise<SqlVocabulary> => {
      vocabulary ??= db.withConnection(readVocabulary);
      vocabulary.catch(() => (vocabulary = undefined));
      return vocabulary;
    };
    this.parts = { db, storage: this.storage, binder: new SqlBinder(this.files), windows, work: this.work, queryTimeoutMs: options.queryTimeoutMs, vocabulary: readOnce };
  }

  cachedBytes(): number {
    return this.blocks.stats().bytes + this.sortIndex.stats().bytes;
  }

  cacheStats(): EngineCacheStats {
    const done = this.background.completed;
    return { blocks: this.blocks.stats(), sortIndex: this.sortIndex.stats(), warmed: done.warms, wholeSorts: done.sorts };
  }

  listStorage(): Promise<StorageId[]> {
    return this.work.track(() => this.storage.list());
  }

  storeQuery(storage: StorageId, sql: string, resolve: TableResolver, limits: RunLimits = {}): Promise<StoredInfo> {
    return this.work.track(() =>
      this.storage.store(
        storage,
        async (conn, table) => {
          const bound = await this.parts.binder.bind(conn, sql, resolve);
          const query = bound.isShow ? `SELECT * FROM (\n${bound.sql}\n)` : bound.sql;
          await this.storage.read(bound.storage, () => conn.run(`CREATE TABLE ${table} AS\n${query}\n`)).catch((error: unknown) => {
            throw boundQueryError(error, bound.storage);
          });
        },
        limits.timeoutMs,
      ),
    );
  }

  storeFile(storage: StorageId, path: string, format: FileFormat | undefined, limits: RunLimits = {}): Promise<StoredFileInfo> {
    return this.work.track(async () => {
      const real = this.files.loadable(path);
      const reader = fileReader(real, format ?? guessFormat(real));
      const [info, digest] = await Promise.all([
        this.storage.store(storage, (conn, table) => conn.run(`CREATE TABLE ${table} AS SELECT * FROM ${reader}`), limits.timeoutMs).catch((error: unknown) => {
          if (error instanceof FramegateError && error.code !== ErrorCodes.QueryFailed && error.code !== ErrorCodes.InvalidSql) throw error;
          throw new FramegateError(ErrorCodes.FileRefused, `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
        }),
        digestFile(real),
      ]);
      return { ...info, path: real, fileBytes: digest.bytes, sha256: digest.sha256 };
    });
  }

  storeArrow(storage: StorageId, ipc: Uint8Array | Uint8Array[]): Promise<StoredInfo> {
    return this.work.track(async () => {
      const table = decodeIpc(ipc);
      if (hasNestedColumns(table.schema)) return this.storeNestedArrow(storage, table);
      const fields = fieldsOf(table);
      return this.storage.store(storage, async (conn, qualified) => {
        const columns = fields.map((f) => `${quoteIdent(f.name)} ${duckdbTypeOf(f)}`).join(', ');
        try {
          await conn.run(`CREATE TABLE ${qualified} (${columns})`);
        } catch (error) {
          throw new FramegateError(ErrorCodes.BadAttachment, `cannot store these columns: ${(error as Error).message}`);
        }
        await conn.appendBatches(STORAGE_SCHEMA, storage, toBatches(table), DATA_DB).catch((error: unknown) => {
          throw error instanceof DecimalRangeError ? new FramegateError(ErrorCodes.BadAttachment, error.message) : error;
        });
      });
    });
  }

  /** Arrow with nested columns: stored with DuckDB's nested types, appended value by value. */
  private storeNestedArrow(storage: StorageId, table: Table): Promise<StoredInfo> {
    const columns = table.schema.fields.map((f) => `${quoteIdent(f.name)} ${duckdbTypeOfArrow(f.type as DataType)}`).join(', ');
    return this.storage.store(storage, async (conn, qualified) => {
      try {
        await conn.run(`CREATE TABLE ${qualified} (${columns})`);
      } catch (error) {
        throw new FramegateError(ErrorCodes.BadAttachment, `cannot store these columns: ${(error as Error).message}`);
      }
      await conn.appendArrow(STORAGE_SCHEMA, storage, table, DATA_DB);
    });
  }

  dropStorage(storage: StorageId): Promise<void> {
    // The caches forget it once its last reader is done, before anyone may read it again.
    return this.work.track(() => this.storage.drop(storage, () => this.parts.windows.forget(storageTable(storage))));
  }

  readLegacyCatalog(): Promise<LegacyVersion[] | null> {
    return this.work.track(() => readLegacyCatalog(this.db));
  }

  dropLegacyCatalog(): Promise<void> {
    return this.work.track(() => dropLegacyCatalog(this.db));
  }

  openSession(label: string): EngineSession {
    if (this.work.isClosing) throw new FramegateError(ErrorCodes.InternalError, 'the engine is closing');
    for (const session of this.sessions) if (session.isClosed) this.sessions.delete(session);
    const session = new DuckDBSession(this.parts, ++this.sessionCounter, label);
    this.sessions.add(session);
    return session;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const running = this.work.close();
      await Promise.allSettled([...this.sessions].map((s) => s.close()));
      await running;
      this.blocks.clear();
      this.sortIndex.clear();
      await this.db.withConnection((conn) => conn.run('CHECKPOINT')).catch(() => undefined);
      this.db.close();
    })();
    return this.closing;
  }
}
