/**
 * Which files the DuckDB engine reads for clients: loads (`storeFile`) and the paths of SQL file
 * readers (`read_parquet('/imports/*.parquet')`). On top of the import policy (import dirs only,
 * never the data dir, links resolved), SQL paths are turned into the exact list of real files
 * DuckDB would read: globs are expanded with DuckDB's own `glob()`, every match resolved and
 * checked. Found here: checking only the folder before a wildcard lets a link inside an import dir
 * (`imports/x.csv -> data/frames.duckdb`) be read through `imports/*`. Files that are the
 * engine's own database or WAL under another name (a hard link) are refused too.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
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

  /** True when `real` is the engine's database or WAL file, under any name. */
  private isEngineFile(real: string): boolean {
    const stat = statSync(real, { throwIfNoEntry: false });
    if (!stat) return false;
    return [this.files.database, this.files.wal].some((own) => {
      const other = statSync(own, { throwIfNoEntry: false });
      return !!other && other.dev === stat.dev && other.ino === stat.ino;
    });
  }

  /** The real path of a file a client asked to load. Throws FileRefused / FileNotFound. */
  loadable(path: string): string {
    const real = this.policy.resolveFile(path);
    if (this.isEngineFile(real)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is inside the gateway data directory`);
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
    return rows.map((row) => this.checkedReal(reader, String(row.file)));
  }

  private check(reader: string, path: string): void {
    const reason = this.policy.refusal(path);
    if (reason) throw refused(`${reader}('${path}'): ${reason}`, { path });
  }

  /** A file's real path once checked; a missing file stays as it is (DuckDB reports it). */
  private checkedReal(reader: string, path: string): string {
    if (!existsSync(path)) return path;
    const real = realpathSync(path);
    this.check(reader, real);
    if (this.isEngineFile(real)) throw refused(`${reader}('${path}'): inside the gateway data directory`, { path });
    // DuckDB would expand these again, matching files nobody checked.
    if (GLOB_CHARS.test(real)) throw refused(`${reader}('${path}'): file names with glob characters (*?[]{}) cannot be read`, { path });
    return real;
  }
}
