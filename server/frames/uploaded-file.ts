/**
 * An upload that carries a CSV, Parquet or JSON file (clients without DuckDB, like the VS Code
 * extension, send the file as it is): its bytes are written to a file of the gateway's own in the
 * data dir, read into Arrow (readLocalFileAsArrow: a throwaway DuckDB with bounded memory and
 * one thread, running only the gateway's own read of that one file, with DuckDB's readers as a
 * load uses them), then removed. `framegate put` and the extension both upload this way. The Arrow bytes are charged to the memory
 * budget while held.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, FramegateError } from '../../protocol';
import { readLocalFileAsArrow } from '../engine/local-files';
import type { MemoryBudget, Reservation } from '../memory/budget';

export type UploadedFileFormat = 'csv' | 'parquet' | 'json';

/** Memory of the DuckDB that reads one uploaded file; past it, it spills into the data dir. */
const READ_MEMORY_LIMIT = '256MB';

export interface ConvertedUpload {
  ipc: Uint8Array[];
  /** Gives the Arrow bytes' share of the budget back. */
  release(): void;
}

/** Where uploaded files wait to be read: inside the data dir, never elsewhere. */
export function uploadsDir(dataDir: string): string {
  return join(dataDir, 'tmp', 'uploads');
}

export async function uploadedFileAsArrow(parts: Uint8Array[], format: UploadedFileFormat, dataDir: string, budget: MemoryBudget): Promise<ConvertedUpload> {
  const dir = join(uploadsDir(dataDir), randomUUID());
  await mkdir(join(dir, 'spill'), { recursive: true });
  const held: Reservation[] = [];
  const release = () => held.splice(0).forEach((r) => r.release());
  try {
    const file = join(dir, `upload.${format}`);
    await writeFile(file, parts);
    let arrow: AsyncIterable<Uint8Array>;
    try {
      arrow = await readLocalFileAsArrow(file, { memoryLimit: READ_MEMORY_LIMIT, threads: 1, tempDirectory: join(dir, 'spill') });
    } catch (error) {
      throw unreadable(format, error);
    }
    const ipc: Uint8Array[] = [];
    try {
      for await (const part of arrow) {
        held.push(budget.reserve(part.byteLength, `an uploaded ${format.toUpperCase()} file read into rows`));
        ipc.push(part);
      }
    } catch (error) {
      throw error instanceof FramegateError ? error : unreadable(format, error);
    }
    return { ipc, release };
  } catch (error) {
    release();
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** DuckDB's reason, first line only, in the user's terms: the path in it is the gateway's, so it is not shown. */
function unreadable(format: UploadedFileFormat, error: unknown): FramegateError {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/["'][^"']*upload\.[a-z]+["']/g, 'the file') ?? '';
  return new FramegateError(ErrorCodes.BadAttachment, `cannot read the uploaded file as ${format.toUpperCase()}: ${reason}`);
}
