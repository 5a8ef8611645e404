/**
 * The embedded DuckDB engine.
 *
 * Storage (in `<dataDir>/catalog.duckdb`, durable at commit through DuckDB's WAL):
 * - every save of a frame is an immutable *version table* `_fg.t_<random>` (rowid 0..n-1);
 * - `_fg.versions` records each version: name, namespace, version, owner, time, source, columns,
 *   row count, and whether it is the live one (history rows stay for lineage);
 * - the user-visible name is a view `main.<name>` / `<namespace>.<name>` over the live version.
 * A save creates the version table, updates `_fg.versions` and the view in one transaction, so
 * readers see the old frame or the new one, never a mix.
 *
 * Working data (query results, sorted copies) lives in an attached in-memory database `_fgmem`.
 * Windows are rowid ranges over immutable tables; sorted windows read a sorted copy built once.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve, sep } from 'node:path';
import { DEFAULT_NAMESPACE, ErrorCodes, FramegateError, splitFrameName, type ColumnInfo, type FileFormat, type FrameInfo } from '../../protocol';
import { decodeIpc, fieldsOf, toBatches } from './arrow-decoder';
import { KeyedLock } from './async-lock';
import { DUCKDB_TYPE_OF_KIND, DuckDatabase, type DuckConnection } from './duckdb/duckdb';
import { DuckDBSessionImpl, type SessionHost, type TableSource } from './duckdb-session';
import type { Engine, EngineOptions, EngineSession, WriteOptions } from './engine';
import { isConflict, timed } from './errors';
import { SortCache, type SortCacheStats } from './sort-cache';
import { checkParseTree, leadingKeyword, onlySelectMessage } from './sql-guard';
import { fileReader, INTERNAL_SCHEMA, MEMORY_DB, quoteIdent, quoteLiteral, SORT_SOURCE, toColumnInfo } from './sql-text';

/** Namespaces a frame may not use: ours, DuckDB's catalogs and system schemas. */
const RESERVED_NAMESPACES = new Set(['catalog', 'system', 'temp', 'memory', 'information_schema', 'pg_catalog']);
const RESERVED_PREFIXES = ['_fg', 'duckdb_', 'pragma_', 'sqlite_', 'pg_'];
const WRITE_ATTEMPTS = 6;

export interface EngineTuning {
  /** Bound on the rows held by sorted copies (least recently used dropped first). */
  sortCacheMaxRows?: number;
}

/** What the engine exposes beyond the Engine interface, for tests and benchmarks. */
export interface DuckDBEngine extends Engine {
  sortCacheStats(): SortCacheStats;
}

interface FrameRecord {
  info: FrameInfo;
  /** The live version table, unquoted, in schema `_fg`. */
  table: string;
}


function frameKey(namespace: string, name: string): string {
  return `${namespace}.${name}`.toLowerCase();
}

function displayName(namespace: string, name: string): string {
  return namespace === DEFAULT_NAMESPACE ? name : `${namespace}.${name}`;
}

function checkNamespace(namespace: string): void {
  const lower = namespace.toLowerCase();
  if (RESERVED_NAMESPACES.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p))) {
    throw new FramegateError(ErrorCodes.InvalidParams, `namespace ${namespace} is reserved`);
  }
}

function sqlList(values: string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function guessFormat(path: string): FileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') return 'json';
  throw new FramegateError(ErrorCodes.FileRefused, `cannot tell the format of ${path}; pass format csv, parquet or json`);
}


export async function openDuckDBEngine(options: EngineOptions, tuning: EngineTuning = {}): Promise<DuckDBEngine> {
  mkdirSync(options.dataDir, { recursive: true });
  const importDirs = options.importDirs.map((dir) => {
    const absolute = resolve(dir);
    return existsSync(absolute) ? realpathSync(absolute) : absolute;
  });
  const tempDir = join(resolve(options.dataDir), 'tmp');
  const db = await DuckDatabase.open(join(options.dataDir, 'catalog.duckdb'), {
    config: {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      allow_unsigned_extensions: 'false',
    },
  });
  const init = await db.connect();
  try {
    // Order matters: attach and create what we need, then lock everything down.
    await init.run(`ATTACH ':memory:' AS ${MEMORY_DB}`);
    await init.run(`CREATE SCHEMA IF NOT EXISTS ${INTERNAL_SCHEMA}`);
    await init.run(`CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.versions (
      key VARCHAR, namespace VARCHAR, name VARCHAR, version INTEGER, table_name VARCHAR, owner VARCHAR,
      created_at VARCHAR, source VARCHAR, columns VARCHAR, row_count BIGINT, live BOOLEAN)`);
    await init.run(`SET temp_directory = ${quoteLiteral(tempDir)}`);
    if (options.memoryLimit) await init.run(`SET memory_limit = ${quoteLiteral(options.memoryLimit)}`);
    if (options.threads) await init.run(`SET threads = ${Math.max(1, Math.floor(options.threads))}`);
    await init.run(`SET allowed_directories = ${sqlList(importDirs.map((d) => (d.endsWith(sep) ? d : d + sep)))}`);
    await init.run(`SET enable_external_access = false`);
    await init.run(`SET autoinstall_known_extensions = false`);
    await init.run(`SET autoload_known_extensions = false`);
    await init.run(`SET allow_community_extensions = false`);
    await init.run(`SET allow_persistent_secrets = false`);
    await init.run(`SET lock_configuration = true`);
    const version = (await init.rows(`SELECT version() AS v`))[0]?.v;
    const rows = await init.rows(`SELECT * FROM ${INTERNAL_SCHEMA}.versions`);
    const engine = new DuckDBEngineImpl(db, options, importDirs, `duckdb ${String(version)}`, tuning);
    engine.loadCatalog(rows);
    return engine;
  } catch (error) {
    db.close();
    throw error;
  } finally {
    init.close();
  }
}

class DuckDBEngineImpl implements DuckDBEngine, SessionHost {
  private readonly frames = new Map<string, FrameRecord>();
  private readonly maxVersion = new Map<string, number>();
  private readonly writeLocks = new KeyedLock();
  private readonly sessions = new Set<DuckDBSessionImpl>();
  private readonly running = new Set<Promise<unknown>>();
  private sessionCounter = 0;
  private closing = false;
  readonly sortCache: SortCache;
  /** Real path of the data dir: never readable by client SQL or loads (DuckDB lets SQL read its own database file). */
  private readonly dataDir: string;

  constructor(
    readonly db: DuckDatabase,
    readonly options: EngineOptions,
    private readonly importDirs: string[],
    readonly description: string,
    tuning: EngineTuning,
  ) {
    this.dataDir = realpathSync(options.dataDir);
    this.sortCache = new SortCache(
      {
        build: (source, order, target) =>
          this.withConnection((conn) =>
            timed(conn, this.options.queryTimeoutMs, () =>
              conn.run(`CREATE TABLE ${MEMORY_DB}.${target} AS SELECT * FROM ${source} AS ${SORT_SOURCE} ORDER BY ${order}`),
            ),
          ),
        drop: (target) => this.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${MEMORY_DB}.${target}`)),
      },
      tuning.sortCacheMaxRows ?? 30_000_000,
      's_',
    );
  }

  loadCatalog(rows: Record<string, unknown>[]): void {
    for (const row of rows) {
      const key = String(row.key);
      this.maxVersion.set(key, Math.max(this.maxVersion.get(key) ?? 0, Number(row.version)));
      if (row.live !== true) continue;
      const namespace = String(row.namespace);
      const name = String(row.name);
      this.frames.set(key, {
        table: String(row.table_name),
        info: {
          name: displayName(namespace, name),
          namespace,
          owner: String(row.owner),
          columns: JSON.parse(String(row.columns)) as ColumnInfo[],
          rowCount: Number(row.row_count),
          createdAt: String(row.created_at),
          version: Number(row.version),
          source: String(row.source),
        },
      });
    }
  }

  sortCacheStats(): SortCacheStats {
    return this.sortCache.getStats();
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

  async withConnection<T>(task: (conn: DuckConnection) => Promise<T>): Promise<T> {
    const conn = await this.db.connect();
    try {
      return await task(conn);
    } finally {
      conn.close();
    }
  }

  frameExists = (namespace: string, name: string): boolean => this.frames.has(frameKey(namespace, name));

  /** File paths in client SQL: absolute, no `..`, inside an import dir (after resolving links). */
  pathRefusal = (path: string): string | null => {
    if (!isAbsolute(path)) return 'file paths must be absolute paths inside the import directories';
    if (path.split(/[\\/]/).includes('..')) return 'file paths may not contain ..';
    // Globs: check the folder before the first wildcard.
    const wildcard = path.search(/[*?[{]/);
    let fixed = wildcard < 0 ? path : path.slice(0, wildcard);
    if (wildcard >= 0) fixed = fixed.slice(0, fixed.lastIndexOf(sep) + 1) || sep;
    let probe = resolve(fixed);
    while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
    const real = realpathSync(probe) + resolve(fixed).slice(probe.length);
    if (isInside(real, this.dataDir)) return 'inside the gateway data directory';
    return this.isInsideImportDirs(real) ? null : 'outside the import directories';
  };

  private isInsideImportDirs(path: string): boolean {
    return this.importDirs.some((dir) => isInside(path, dir));
  }

  findFrame(name: string): FrameRecord {
    const { namespace, name: short } = splitFrameName(name);
    const record = this.frames.get(frameKey(namespace, short));
    if (!record) throw new FramegateError(ErrorCodes.FrameNotFound, `no frame named ${name}`, { name });
    return record;
  }

  frameSource(name: string): TableSource {
    const record = this.findFrame(name);
    return { table: `${INTERNAL_SCHEMA}.${quoteIdent(record.table)}`, columns: record.info.columns, rowCount: record.info.rowCount };
  }

  /**
   * Checks client SQL (see sql-guard.ts): one SELECT, allowed functions, frames only. Returns the
   * SQL to embed after `CREATE TABLE … AS` (DESCRIBE/SUMMARIZE need to be wrapped in a subquery).
   */
  async guard(conn: DuckConnection, sql: string): Promise<string> {
    let count: number;
    try {
      count = await conn.countStatements(sql);
    } catch (error) {
      if (error instanceof FramegateError) throw error;
      throw new FramegateError(ErrorCodes.InvalidSql, error instanceof Error ? error.message : String(error));
    }
    if (count !== 1) {
      throw new FramegateError(ErrorCodes.SqlRefused, count === 0 ? 'no statement given' : `only a single read-only SELECT is allowed; got ${count} statements`);
    }
    const rows = await conn.rows(`SELECT json_serialize_sql($1::VARCHAR) AS tree`, [sql]);
    const tree = JSON.parse(String(rows[0]?.tree)) as Record<string, unknown>;
    if (tree.error === true) {
      if (tree.error_type === 'not implemented') {
        const selectLike = ['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE'].includes(leadingKeyword(sql));
        throw new FramegateError(
          ErrorCodes.SqlRefused,
          selectLike ? `this query uses a construct the gateway cannot check: ${String(tree.error_message)}` : onlySelectMessage(sql),
        );
      }
      throw new FramegateError(ErrorCodes.InvalidSql, `Parser Error: ${String(tree.error_message)}`);
    }
    const checked = checkParseTree(tree as Parameters<typeof checkParseTree>[0], { frameExists: this.frameExists, pathRefusal: this.pathRefusal }, sql);
    return checked.isShow ? `SELECT * FROM (\n${sql.replace(/[\s;]+$/, '')}\n)` : sql;
  }

  listFrames(): Promise<FrameInfo[]> {
    return Promise.resolve([...this.frames.values()].map((r) => r.info).sort((a, b) => a.name.localeCompare(b.name)));
  }

  async getFrame(name: string): Promise<FrameInfo> {
    return Promise.resolve(this.findFrame(name).info);
  }

  saveQuery(name: string, sql: string, options: WriteOptions): Promise<FrameInfo> {
    return this.track(() =>
      this.writeFrame(name, options, sql, async (conn, table) => {
        const checked = await this.guard(conn, sql);
        await conn.run(`CREATE TABLE ${table} AS\n${checked}\n`);
      }),
    );
  }

  loadFile(name: string, path: string, format: FileFormat | undefined, options: WriteOptions): Promise<FrameInfo> {
    return this.track(async () => {
      const real = this.resolveImportPath(path);
      const reader = fileReader(real, format ?? guessFormat(real));
      try {
        return await this.writeFrame(name, options, `load ${real}`, (conn, table) => conn.run(`CREATE TABLE ${table} AS SELECT * FROM ${reader}`));
      } catch (error) {
        if (error instanceof FramegateError && error.code === ErrorCodes.QueryFailed) {
          throw new FramegateError(ErrorCodes.FileRefused, `cannot read ${path}: ${error.message}`);
        }
        throw error;
      }
    });
  }

  saveArrow(name: string, ipc: Uint8Array, options: WriteOptions): Promise<FrameInfo> {
    return this.track(async () => {
      const table = decodeIpc(ipc);
      const fields = fieldsOf(table);
      return this.writeFrame(name, options, 'upload', async (conn, qualified, tableName) => {
        const columns = fields.map((f) => `${quoteIdent(f.name)} ${DUCKDB_TYPE_OF_KIND[f.kind]}`).join(', ');
        try {
          await conn.run(`CREATE TABLE ${qualified} (${columns})`);
        } catch (error) {
          throw new FramegateError(ErrorCodes.BadAttachment, `cannot store these columns: ${(error as Error).message}`);
        }
        await conn.appendBatches(INTERNAL_SCHEMA, tableName, toBatches(table));
      });
    });
  }

  deleteFrame(name: string): Promise<void> {
    return this.track(async () => {
      const { namespace, name: short } = splitFrameName(name);
      const key = frameKey(namespace, short);
      await this.writeLocks.run(key, async () => {
        const record = this.findFrame(name);
        await this.inTransaction(async (conn) => {
          await conn.run(`UPDATE ${INTERNAL_SCHEMA}.versions SET live = false WHERE key = $1 AND live`, [key]);
          await conn.run(`DROP VIEW IF EXISTS ${quoteIdent(namespace)}.${quoteIdent(short)}`);
          await conn.run(`DROP TABLE IF EXISTS ${INTERNAL_SCHEMA}.${quoteIdent(record.table)}`);
        });
        this.frames.delete(key);
        await this.sortCache.forget(`${INTERNAL_SCHEMA}.${quoteIdent(record.table)}`);
      });
    });
  }

  /** Runs `body` in one transaction on a fresh connection, retrying DuckDB write conflicts. */
  private async inTransaction<T>(body: (conn: DuckConnection) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.withConnection((conn) =>
          timed(conn, this.options.queryTimeoutMs, async () => {
            await conn.run('BEGIN TRANSACTION');
            try {
              const result = await body(conn);
              await conn.run('COMMIT');
              return result;
            } catch (error) {
              await conn.run('ROLLBACK').catch(() => undefined);
              throw error;
            }
          }),
        );
      } catch (error) {
        const conflict = isConflict(error) || (error instanceof FramegateError && error.code === ErrorCodes.Conflict);
        if (!conflict || attempt >= WRITE_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, 5 * attempt * Math.random()));
      }
    }
  }

  /**
   * Saves a new version of `name`: `create` fills the new version table; metadata and the view
   * change in the same transaction. Writes to one name are serialized.
   */
  async writeFrame(
    name: string,
    options: WriteOptions,
    source: string,
    create: (conn: DuckConnection, qualifiedTable: string, tableName: string) => Promise<void>,
  ): Promise<FrameInfo> {
    const { namespace, name: short } = splitFrameName(name);
    checkNamespace(namespace);
    const key = frameKey(namespace, short);
    return this.writeLocks.run(key, async () => {
      const previous = this.frames.get(key);
      if (previous && !options.replace) {
        throw new FramegateError(ErrorCodes.FrameExists, `a frame named ${name} exists; save with replace to overwrite it`, { name });
      }
      const version = (this.maxVersion.get(key) ?? 0) + 1;
      const tableName = `t_${randomBytes(8).toString('hex')}`;
      const qualified = `${INTERNAL_SCHEMA}.${quoteIdent(tableName)}`;
      const info = await this.inTransaction(async (conn) => {
        if (namespace !== DEFAULT_NAMESPACE) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(namespace)}`);
        await create(conn, qualified, tableName);
        const columns = toColumnInfo(await conn.describe(`SELECT * FROM ${qualified}`));
        const count = await conn.rows(`SELECT count(*) AS n FROM ${qualified}`);
        const frame: FrameInfo = {
          name: displayName(namespace, short),
          namespace,
          owner: options.owner,
          columns,
          rowCount: Number(count[0]?.n ?? 0),
          createdAt: new Date().toISOString(),
          version,
          source,
        };
        await conn.run(`UPDATE ${INTERNAL_SCHEMA}.versions SET live = false WHERE key = $1 AND live`, [key]);
        await conn.run(`INSERT INTO ${INTERNAL_SCHEMA}.versions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true)`, [
          key,
          namespace,
          short,
          version,
          tableName,
          frame.owner,
          frame.createdAt,
          source,
          JSON.stringify(columns),
          frame.rowCount,
        ]);
        await conn.run(`CREATE OR REPLACE VIEW ${quoteIdent(namespace)}.${quoteIdent(short)} AS SELECT * FROM ${qualified}`);
        if (previous) await conn.run(`DROP TABLE IF EXISTS ${INTERNAL_SCHEMA}.${quoteIdent(previous.table)}`);
        return frame;
      });
      this.maxVersion.set(key, version);
      this.frames.set(key, { info, table: tableName });
      if (previous) await this.sortCache.forget(`${INTERNAL_SCHEMA}.${quoteIdent(previous.table)}`);
      return info;
    });
  }

  private resolveImportPath(path: string): string {
    if (this.importDirs.length === 0) throw new FramegateError(ErrorCodes.FileRefused, 'the gateway has no import directories');
    const absolute = isAbsolute(path) ? resolve(path) : resolve(this.importDirs[0]!, path);
    const inside = (p: string) => this.isInsideImportDirs(p);
    if (!existsSync(absolute)) {
      if (!inside(absolute)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is outside the import directories`);
      throw new FramegateError(ErrorCodes.FileNotFound, `no file ${path}`);
    }
    const real = realpathSync(absolute);
    if (!inside(real)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is outside the import directories`);
    if (isInside(real, this.dataDir)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is inside the gateway data directory`);
    if (!statSync(real).isFile()) throw new FramegateError(ErrorCodes.FileRefused, `${path} is not a file`);
    return real;
  }

  openSession(): EngineSession {
    const session = new DuckDBSessionImpl(this, ++this.sessionCounter);
    this.sessions.add(session);
    session.onClose(() => this.sessions.delete(session));
    return session;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.sessions].map((s) => s.close()));
    await Promise.allSettled([...this.running]);
    await this.sortCache.clear();
    await this.withConnection((conn) => conn.run('CHECKPOINT')).catch(() => undefined);
    this.db.close();
  }
}
