/**
 * Is a data dir whole? The catalog (`catalog.sqlite`) and the engine's file (`frames.duckdb`)
 * must agree: every recorded frame version has its data, and all data belongs to a version (or to
 * a save that was cut short). Damage from outside (a file missing or truncated, a table dropped,
 * a catalog older than the data) is found here and said in people's terms, never papered over.
 * `framegate doctor` and `serve --check` run it read-only; the gateway runs the same comparison
 * at every start (see startup.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG_FILE } from '../catalog/catalog';
import { openStoreReadOnly, type Db } from '../catalog/store';
import { dataFiles } from '../engine/duckdb/data-files';
import { listStoredReadOnly } from '../engine/duckdb/storage';

export interface StorageComparison {
  /** Recorded versions whose data is missing, as `namespace.name@version`. */
  missing: string[];
  /** Stored data of saves cut short (crash leftovers): safe to drop. */
  leftovers: string[];
  /** Stored data the catalog knows nothing of: kept, and reported. */
  unknown: string[];
}

export interface CatalogView {
  referenced: Set<string>;
  pending: Set<string>;
  versionsStoredIn(storage: string): string[];
}

export function compareStorage(catalog: CatalogView, stored: readonly string[]): StorageComparison {
  const held = new Set(stored);
  const missing = [...catalog.referenced].filter((id) => !held.has(id)).flatMap((id) => catalog.versionsStoredIn(id));
  const orphans = stored.filter((id) => !catalog.referenced.has(id));
  return { missing: missing.sort(), leftovers: orphans.filter((id) => catalog.pending.has(id)), unknown: orphans.filter((id) => !catalog.pending.has(id)) };
}

export function missingDataProblem(versions: string[]): string {
  const shown = versions.slice(0, 10).join(', ') + (versions.length > 10 ? ` and ${versions.length - 10} more` : '');
  return `${versions.length} frame version${versions.length === 1 ? ' has' : 's have'} no data in frames.duckdb (its table was dropped or lost from outside): ${shown}. Restore frames.duckdb from a backup, or delete those frames`;
}

export function unknownDataProblem(count: number): string {
  return `frames.duckdb holds ${count} table${count === 1 ? '' : 's'} of data no frame version records: catalog.sqlite may be older than the data (restored from a backup, or its log was lost). They are kept; restore the matching catalog.sqlite to see them again`;
}

/** Why a data dir cannot be opened at all, before anything is created in it; null when it can. */
export function unopenableReason(dataDir: string, catalogHasStorage: () => boolean): string | null {
  const catalog = join(dataDir, CATALOG_FILE);
  const { database } = dataFiles(dataDir);
  const legacy = existsSync(join(dataDir, 'catalog.duckdb'));
  if (!existsSync(catalog) && existsSync(database)) {
    return `the data dir ${dataDir} has frame data (frames.duckdb) but no catalog (catalog.sqlite is missing): restore catalog.sqlite from a backup, or move frames.duckdb away to start empty`;
  }
  if (existsSync(catalog) && !existsSync(database) && !legacy && catalogHasStorage()) {
    return `the data dir ${dataDir} has a catalog but its frame data is missing (frames.duckdb is gone): restore frames.duckdb from a backup, or move catalog.sqlite away to start empty`;
  }
  return null;
}

export interface DataDirReport {
  dataDir: string;
  frames: number;
  versions: number;
  problems: string[];
}

function catalogView(db: Db): CatalogView & { frames: number; versions: number } {
  const referenced = new Set((db.prepare('SELECT storage FROM versions WHERE storage IS NOT NULL').all() as { storage: string }[]).map((r) => r.storage));
  const hasPending = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pending_storage'").get() !== undefined;
  const pending = hasPending ? new Set((db.prepare('SELECT storage FROM pending_storage').all() as { storage: string }[]).map((r) => r.storage)) : new Set<string>();
  const byStorage = db.prepare('SELECT o.namespace, o.name, v.version FROM versions v JOIN objects o ON o.id = v.object_id WHERE v.storage = ?');
  const frames = (db.prepare("SELECT count(*) AS n FROM objects WHERE kind = 'frame' AND deleted_at IS NULL").get() as { n: number }).n;
  return {
    referenced,
    pending,
    frames,
    versions: referenced.size,
    versionsStoredIn: (id) => (byStorage.all(id) as { namespace: string; name: string; version: number }[]).map((r) => `${r.namespace}.${r.name}@${r.version}`),
  };
}

/** Checks a data dir without changing anything in it. */
export async function inspectDataDir(dataDir: string): Promise<DataDirReport> {
  const report: DataDirReport = { dataDir, frames: 0, versions: 0, problems: [] };
  if (!existsSync(dataDir)) {
    report.problems.push(`there is no data dir at ${dataDir}`);
    return report;
  }
  const catalogPath = join(dataDir, CATALOG_FILE);
  let db: Db | null = null;
  try {
    if (existsSync(catalogPath)) {
      db = openStoreReadOnly(catalogPath);
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') report.problems.push(`catalog.sqlite is damaged (SQLite says: ${String(integrity)}): restore it from a backup`);
    }
  } catch (error) {
    report.problems.push(`catalog.sqlite cannot be read (${(error as Error).message.split('\n')[0]}): restore it from a backup`);
    db?.close();
    db = null;
  }
  try {
    let view: ReturnType<typeof catalogView> | null = null;
    try {
      view = db ? catalogView(db) : null;
    } catch (error) {
      report.problems.push(`catalog.sqlite is not a Framegate catalog or is damaged (${(error as Error).message.split('\n')[0]})`);
    }
    const reason = unopenableReason(dataDir, () => (view?.referenced.size ?? 0) > 0);
    if (reason) report.problems.push(reason);
    if (reason || !view) return report;
    report.frames = view.frames;
    report.versions = view.versions;
    const { database } = dataFiles(dataDir);
    if (!existsSync(database)) return report;
    let stored: string[];
    try {
      stored = await listStoredReadOnly(database);
    } catch (error) {
      const message = (error as Error).message;
      report.problems.push(
        /lock/i.test(message)
          ? 'frames.duckdb is in use (a gateway is running on this data dir?): stop it to check the data dir'
          : `frames.duckdb cannot be opened (${message.split('\n')[0]}): restore it from a backup`,
      );
      return report;
    }
    const comparison = compareStorage(view, stored);
    if (comparison.missing.length) report.problems.push(missingDataProblem(comparison.missing));
    if (comparison.unknown.length) report.problems.push(unknownDataProblem(comparison.unknown.length));
    return report;
  } finally {
    db?.close();
  }
}

/** The report for people. */
export function formatReport(report: DataDirReport): string {
  const head = `data dir ${report.dataDir}: ${report.frames} frames, ${report.versions} stored versions`;
  if (report.problems.length === 0) return `${head}\nno problems found`;
  return `${head}\n${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`;
}
