/**
 * The DuckDB engine's files inside the gateway's data dir, and the one-time move of a Framegate
 * 0.1 data dir: 0.1 kept catalog and data in `catalog.duckdb` (+ `.wal` after a crash); now the
 * data lives in `frames.duckdb`. The move is two renames (WAL first, then the database), each
 * atomic, so a process that dies half way leaves a state the next start finishes.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, FramegateError } from '../../../protocol';

export const DATA_FILE = 'frames.duckdb';
const LEGACY_FILE = 'catalog.duckdb';
const WAL = '.wal';

export interface DataFiles {
  /** The gateway's data dir itself (the gateway's catalog lives there too). */
  dir: string;
  database: string;
  wal: string;
  /** DuckDB's spill folder. */
  temp: string;
}

export function dataFiles(dataDir: string): DataFiles {
  const database = join(dataDir, DATA_FILE);
  return { dir: dataDir, database, wal: database + WAL, temp: join(dataDir, 'tmp') };
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Renames a 0.1 `catalog.duckdb` (and its WAL) to `frames.duckdb`. Returns true when it moved
 * anything. Refuses to guess when both generations are present.
 */
export function moveLegacyFiles(dataDir: string): boolean {
  const legacy = join(dataDir, LEGACY_FILE);
  const current = dataFiles(dataDir);
  const pending: [string, string][] = [];
  if (existsSync(legacy + WAL)) pending.push([legacy + WAL, current.wal]);
  if (existsSync(legacy)) pending.push([legacy, current.database]);
  if (pending.length === 0) return false;
  // A WAL left behind means the database was moved by a run that died before moving the WAL
  // (only possible with another order of renames; handled all the same). The database itself
  // may exist only when its legacy file is gone.
  const clash = pending.find(([, to]) => existsSync(to));
  if (clash || (existsSync(legacy) && existsSync(current.database))) {
    throw new FramegateError(
      ErrorCodes.InternalError,
      `the data dir ${dataDir} holds both ${LEGACY_FILE} (Framegate 0.1) and ${DATA_FILE}; move one of them away`,
    );
  }
  for (const [from, to] of pending) {
    renameSync(from, to);
    syncDir(dataDir);
  }
  return true;
}
