/**
 * The engine's record of what it stored, in the gateway's data dir: one JSON file per storage id
 * (`<dataDir>/tables/t_….json`, written to a temp file and renamed, so each is whole or absent).
 * It lets the engine re-register tables after a Spark restart (a Spark catalog kept in memory
 * forgets tables whose Parquet files survive) and remembers each table's row numbering.
 *
 * A store writes the record as `pending` before it creates the table and `stored` after; a
 * pending record found at start is a crash leftover: listed, so the gateway drops it.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnInfo } from '../../../protocol';
import { STORAGE_ID_PATTERN, type StorageId } from '../engine';
import type { Numbering } from './numbering';

export interface StoredRecord {
  storage: StorageId;
  state: 'pending' | 'stored';
  /** Where Spark keeps the Parquet files (the managed table's location). */
  location: string;
  /** Re-registered over existing files after a restart: dropping the table leaves its files. */
  external: boolean;
  columns: ColumnInfo[];
  numbering: Numbering;
  bytes: number;
}

export class Manifest {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'tables');
    mkdirSync(this.dir, { recursive: true });
  }

  private file(storage: StorageId): string {
    if (!STORAGE_ID_PATTERN.test(storage)) throw new Error(`not a storage id: ${storage}`);
    return join(this.dir, `${storage}.json`);
  }

  write(record: StoredRecord): void {
    const file = this.file(record.storage);
    const temp = `${file}.tmp`;
    writeFileSync(temp, JSON.stringify(record));
    renameSync(temp, file);
  }

  read(storage: StorageId): StoredRecord | null {
    try {
      return JSON.parse(readFileSync(this.file(storage), 'utf8')) as StoredRecord;
    } catch {
      return null;
    }
  }

  all(): StoredRecord[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json') && STORAGE_ID_PATTERN.test(f.slice(0, -5)))
      .flatMap((f) => {
        const record = this.read(f.slice(0, -5));
        return record ? [record] : [];
      });
  }

  remove(storage: StorageId): void {
    rmSync(this.file(storage), { force: true });
  }
}
