/**
 * The catalog's durable store: one SQLite database (`catalog.sqlite` in the data dir) through
 * better-sqlite3. Why SQLite: every commit is atomic and, with the WAL and `synchronous = FULL`,
 * on disk before the call returns, so an acknowledged save survives `kill -9` and power loss; it
 * is a single file any engine can sit beside; and its reads are microseconds, cheap enough to
 * check access on every request.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS } from './schema';

export type Db = Database.Database;

export interface OpenedStore {
  db: Db;
  /** Migrations applied by this open (0 for an up-to-date catalog). */
  migrated: number;
  /** True when this open created the catalog. */
  created: boolean;
}

/** Statements kept compiled; the catalog's SQL is a fixed set (a few texts vary with a count of values). */
const COMPILED_STATEMENTS = 256;

/**
 * better-sqlite3 compiles SQL afresh on every `prepare`, which on the per-request paths (who is
 * asking, what may they read) cost more than running the statement. Same text, same statement:
 * the catalog uses statements synchronously (never `iterate`, `pluck` or `raw`), so sharing one
 * is safe.
 */
function keepStatementsCompiled(db: Db): void {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = compiled.get(sql);
    if (!statement) {
      statement = compile(sql);
      if (compiled.size >= COMPILED_STATEMENTS) compiled.delete(compiled.keys().next().value!);
      compiled.set(sql, statement);
    }
    return statement;
  }) as Db['prepare'];
}

export function openStore(path: string): OpenedStore {
  const db = new Database(path);
  keepStatementsCompiled(db);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const current = Number(db.pragma('user_version', { simple: true }));
    if (current > MIGRATIONS.length) {
      throw new Error(`the catalog ${path} was written by a newer Framegate (schema ${current}; this release knows ${MIGRATIONS.length})`);
    }
    for (let step = current; step < MIGRATIONS.length; step++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[step]!);
        db.pragma(`user_version = ${step + 1}`);
      })();
    }
    return { db, migrated: MIGRATIONS.length - current, created: current === 0 };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Runs `body` in one transaction (IMMEDIATE: it takes the write lock at once). */
export function inTransaction<T>(db: Db, body: () => T): T {
  return db.transaction(body).immediate();
}

export function now(): string {
  return new Date().toISOString();
}

/** Opens an existing catalog without writing to it (for `framegate doctor`). Throws when it is missing or unreadable. */
export function openStoreReadOnly(path: string): Db {
  return new Database(path, { readonly: true, fileMustExist: true });
}
