/**
 * Stored data by id: table `frames._fg.<storageId>` per id, nothing else (no names, owners or
 * versions: those are the gateway's). A store runs in one transaction that creates the table,
 * describes it and commits last, so an id holds complete data or nothing, also after a crash
 * (DuckDB writes the WAL at commit). Tables are immutable once stored: windows read rowid ranges.
 *
 * Readers hold the ids they read; a drop waits until the last one is done, and new readers of an
 * id being dropped fail at once with FrameNotFound.
 */
import { ErrorCodes, FramegateError, type ColumnInfo } from '../../../protocol';
import { STORAGE_ID_PATTERN, type StorageId, type StoredInfo } from '../engine';
import { DuckDatabase, type DuckConnection } from './duckdb';
import { isConflict, storageGone, timedUntil } from './errors';
import { DATA_DB, STORAGE_SCHEMA, quoteLiteral, storageTable, toColumnInfo } from './sql-text';

const WRITE_ATTEMPTS = 5;

/** Bytes per value of uncheckpointed segments, by DuckDB segment type (strings: their 16-byte header). */
const SEGMENT_WIDTH: Record<string, number> = {
  BOOLEAN: 1,
  TINYINT: 1,
  UTINYINT: 1,
  SMALLINT: 2,
  USMALLINT: 2,
  INTEGER: 4,
  UINTEGER: 4,
  FLOAT: 4,
  DATE: 4,
  VALIDITY: 1 / 8,
  HUGEINT: 16,
  UHUGEINT: 16,
  UUID: 16,
  INTERVAL: 16,
  VARCHAR: 16,
  BLOB: 16,
};

/**
 * About how many bytes an in-memory table (a result) takes: values × width per segment, strings
 * counted at 32 bytes (their 16-byte header and a short text; DuckDB keeps no cheaper figure).
 */
export async function inMemoryBytes(conn: DuckConnection, table: string): Promise<number> {
  const segments = await conn.rows(`SELECT segment_type, sum(count) AS n FROM pragma_storage_info(${quoteLiteral(table)}) GROUP BY segment_type`);
  let bytes = 0;
  for (const s of segments) {
    const type = String(s.segment_type);
    bytes += Number(s.n) * (type === 'VARCHAR' || type === 'BLOB' ? 32 : (SEGMENT_WIDTH[type] ?? 8));
  }
  return Math.ceil(bytes);
}

export function checkStorageId(id: string): void {
  if (!STORAGE_ID_PATTERN.test(id)) throw new FramegateError(ErrorCodes.InternalError, `invalid storage id ${JSON.stringify(id)} (expected t_ and 16 hex digits)`);
}

/** The storage ids held in a data dir's engine file, opened read-only (it may be in use, then this throws). */
export async function listStoredReadOnly(database: string): Promise<StorageId[]> {
  const db = await DuckDatabase.open(database, { config: { access_mode: 'READ_ONLY' } });
  try {
    const rows = await db.withConnection((conn) =>
      conn.rows(`SELECT table_name FROM duckdb_tables() WHERE database_name = ${quoteLiteral(DATA_DB)} AND schema_name = ${quoteLiteral(STORAGE_SCHEMA)}`),
    );
    return rows.map((r) => String(r.table_name)).filter((name) => STORAGE_ID_PATTERN.test(name));
  } finally {
    db.close();
  }
}

export class Storage {
  private readonly readers = new Map<StorageId, number>();
  private readonly idleWaiters = new Map<StorageId, (() => void)[]>();
  private readonly dropping = new Map<StorageId, Promise<void>>();
  private blockSize: number | null = null;

  constructor(
    private readonly db: DuckDatabase,
    private readonly timeoutMs: number,
  ) {}

  async list(): Promise<StorageId[]> {
    const rows = await this.db.withConnection((conn) =>
      conn.rows(
        `SELECT table_name FROM duckdb_tables() WHERE database_name = ${quoteLiteral(DATA_DB)} AND schema_name = ${quoteLiteral(STORAGE_SCHEMA)} ORDER BY table_name`,
      ),
    );
    return rows.map((r) => String(r.table_name)).filter((name) => STORAGE_ID_PATTERN.test(name));
  }

  /**
   * Stores data under `id`: `fill` creates the table (it may run again after a write conflict),
   * then it is described and committed in the same transaction.
   */
  async store(id: StorageId, fill: (conn: DuckConnection, table: string) => Promise<void>, timeLeftMs?: number): Promise<StoredInfo> {
    checkStorageId(id);
    // One deadline for every attempt: retries after write conflicts do not extend it.
    const deadline = Date.now() + Math.min(timeLeftMs ?? Infinity, this.timeoutMs);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.withConnection((conn) =>
          timedUntil(conn, deadline, this.timeoutMs, async () => {
            await conn.run('BEGIN TRANSACTION');
            try {
              if (await this.exists(conn, id)) throw new FramegateError(ErrorCodes.InternalError, `storage id ${id} is taken`);
              await fill(conn, storageTable(id));
              const { columns, rowCount } = await this.shape(conn, id);
              await conn.run('COMMIT');
              // Data appended in this transaction shows in DuckDB's storage info only once committed.
              const bytes = await this.bytes(conn, id).catch(() => rowCount * columns.length * 8);
              return { columns, rowCount, bytes };
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

  private async exists(conn: DuckConnection, id: StorageId): Promise<boolean> {
    const rows = await conn.rows(
      `SELECT 1 FROM duckdb_tables() WHERE database_name = ${quoteLiteral(DATA_DB)} AND schema_name = ${quoteLiteral(STORAGE_SCHEMA)} AND table_name = $1`,
      [id],
    );
    return rows.length > 0;
  }

  private async shape(conn: DuckConnection, id: StorageId): Promise<{ columns: ColumnInfo[]; rowCount: number }> {
    const table = storageTable(id);
    const columns = toColumnInfo(await conn.describe(`SELECT * FROM ${table}`));
    const count = await conn.rows(`SELECT count(*) AS n FROM ${table}`);
    return { columns, rowCount: Number(count[0]?.n ?? 0) };
  }

  /**
   * DuckDB's own figures: the distinct blocks its segments occupy once written (large stores are
   * written to blocks as they go), plus values × width for segments still only in memory.
   */
  private async bytes(conn: DuckConnection, id: StorageId): Promise<number> {
    if (this.blockSize === null) {
      const rows = await conn.rows(`SELECT block_size FROM pragma_database_size() WHERE database_name = ${quoteLiteral(DATA_DB)}`);
      this.blockSize = Number(rows[0]?.block_size ?? 262_144) || 262_144;
    }
    const segments = await conn.rows(
      `SELECT persistent, segment_type, count, block_id, additional_block_ids FROM pragma_storage_info(${quoteLiteral(`${DATA_DB}.${STORAGE_SCHEMA}.${id}`)})`,
    );
    const blocks = new Set<bigint | number>();
    let inMemory = 0;
    for (const s of segments) {
      if (s.persistent === true && (typeof s.block_id === 'bigint' || typeof s.block_id === 'number')) {
        blocks.add(s.block_id);
        if (Array.isArray(s.additional_block_ids)) for (const b of s.additional_block_ids as (bigint | number)[]) blocks.add(b);
      } else {
        inMemory += Number(s.count) * (SEGMENT_WIDTH[String(s.segment_type)] ?? 8);
      }
    }
    return blocks.size * this.blockSize + Math.ceil(inMemory);
  }

  /** Marks `ids` as being read until the returned release is called. Throws FrameNotFound for ids being dropped. */
  hold(ids: readonly StorageId[]): () => void {
    for (const id of ids) if (this.dropping.has(id)) throw storageGone(id);
    for (const id of ids) this.readers.set(id, (this.readers.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of ids) {
        const left = (this.readers.get(id) ?? 1) - 1;
        if (left > 0) {
          this.readers.set(id, left);
          continue;
        }
        this.readers.delete(id);
        for (const wake of this.idleWaiters.get(id) ?? []) wake();
        this.idleWaiters.delete(id);
      }
    };
  }

  async read<T>(ids: readonly StorageId[], task: () => Promise<T>): Promise<T> {
    const release = this.hold(ids);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private idle(id: StorageId): Promise<void> {
    if (!this.readers.has(id)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.idleWaiters.get(id) ?? [];
      waiters.push(resolve);
      this.idleWaiters.set(id, waiters);
    });
  }

  /** True while a drop of `id` waits or runs: readers that read in long stretches should stop. */
  isDropping(id: StorageId): boolean {
    return this.dropping.has(id);
  }

  /**
   * Drops `id` once its readers are done; absent ids are fine. `forget` runs when the last reader
   * is done and before new readers are let in again: the moment to empty caches of it.
   */
  drop(id: StorageId, forget?: () => void): Promise<void> {
    checkStorageId(id);
    const pending = this.dropping.get(id);
    if (pending) return pending;
    const done = (async () => {
      await this.idle(id);
      forget?.();
      await this.db.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${storageTable(id)}`));
    })().finally(() => this.dropping.delete(id));
    this.dropping.set(id, done);
    return done;
  }
}
