/**
 * Which files the DuckDB engine reads for clients: loads (`storeFile`) and the paths of SQL file
 * readers (`read_parquet('/imports/*.parquet')`). On top of the import policy (import dirs only,
 * never the data dir, links resolved), SQL paths are turned into the exact list of real files
 * DuckDB would read: globs are expanded with DuckDB's own `glob()`, every match resolved and
 * checked. Found here: checking only the folder before a wildcard lets a link inside an import dir
 * (`imports/x.csv -> data/frames.duckdb`) be read through `imports/*`. Files that are a file of
 * the data dir under another name (a hard link to the database, its WAL or the gateway's
 * catalog) are refused too. Only regular files are read: DuckDB opening a named pipe or a device
 * blocks a thread of the engine's pool for good, where no interrupt reaches it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ErrorCodes, FramegateError } from '../../../protocol';
import type { ImportPolicy } from '../import-policy';
import type { DataFiles } from './data-files';
import type { DuckConnection } from './duckdb';
import { refused } from './sql-guard';

const GLOB_CHARS = /[*?[\]{}]/;

export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** Size and SHA-256 of a file, streamed (never read whole). */
export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(createReadStream(path), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      bytes += chunk.byteLength;
      hash.update(chunk);
    }
  });
  return { bytes, sha256: hash.digest('hex') };
}

export class FileAccess {
  constructor(
    private readonly policy: ImportPolicy,
    private readonly files: DataFiles,
  ) {}

  /** True when `stat` is a file of the data dir, under any name (hard links have no real path to compare). */
  private isDataDirFile(stat: Stats): boolean {
    const inside = (dir: string, depth: number): boolean => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return false;
      }
      return entries.some((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return depth > 0 && inside(path, depth - 1);
        const own = statSync(path, { throwIfNoEntry: false });
        return !!own && own.dev === stat.dev && own.ino === stat.ino;
      });
    };
    return inside(this.files.dir, 2);
  }

  /** The real path of a file a client asked to load. Throws FileRefused / FileNotFound. */
  loadable(path: string): string {
    const real = this.policy.resolveFile(path);
    if (this.isDataDirFile(statSync(real))) throw new FramegateError(ErrorCodes.FileRefused, `${path} is inside the gateway data directory`);
    return real;
  }

  /**
   * The real files a file reader's path argument in client SQL reads. Throws SqlRefused for paths
   * the policy refuses, FileNotFound when a glob matches nothing.
   */
  async sqlFiles(conn: DuckConnection, reader: string, path: string): Promise<string[]> {
    this.check(reader, path);
    if (!GLOB_CHARS.test(path)) return [this.checkedReal(reader, path)];
    const rows = await conn.rows(`SELECT file FROM glob($1::VARCHAR) ORDER BY file`, [path]);
    if (rows.length === 0) throw new FramegateError(ErrorCodes.FileNotFound, `no file matches ${path}`, { path });
    // Named by the pattern, not the match: a refusal must not list what else is in a folder.
    return rows.map((row) => this.checkedReal(reader, String(row.file), path));
  }

  private check(reader: string, path: string): void {
    const reason = this.policy.refusal(path);
    if (reason) throw refused(`${reader}('${path}'): ${reason}`, { path });
  }

  /** A file's real path once checked: an existing regular file inside an import dir, outside the data dir. */
  private checkedReal(reader: string, path: string, shown = path): string {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw new FramegateError(ErrorCodes.FileNotFound, `${reader}('${shown}'): no such file`, { path: shown });
    }
    const reason = this.policy.refusal(real);
    if (reason) throw refused(`${reader}('${shown}'): ${shown === path ? reason : `it matches files ${reason}`}`, { path: shown });
    const stat = statSync(real);
    if (!stat.isFile()) throw refused(`${reader}('${shown}'): ${shown === path ? 'not' : 'it matches something that is not'} a regular file (named pipes, devices and folders are not read)`, { path: shown });
    if (this.isDataDirFile(stat)) throw refused(`${reader}('${shown}'): ${shown === path ? '' : 'it matches files '}inside the gateway data directory`, { path: shown });
    // DuckDB would expand these again, matching files nobody checked.
    if (GLOB_CHARS.test(real)) throw refused(`${reader}('${shown}'): file names with glob characters (*?[]{}) cannot be read`, { path: shown });
    return real;
  }
}
