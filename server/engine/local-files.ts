/**
 * File helpers outside the engine: a throwaway in-memory DuckDB reads CSV/Parquet/JSON into Arrow
 * (the gateway, for uploads that carry such a file: server/frames/uploaded-file.ts, with limits)
 * and writes Arrow out as Parquet/CSV (tests). Arrow files are handled with apache-arrow
 * directly. No lock-down here: it runs only its own read of one file it was given.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { decodeIpc, fieldsOf, toBatches } from './arrow-decoder';
import { encodeIpcParts, reencodeIpc } from './arrow-encoder';
import { DuckDatabase, duckdbTypeOf, fieldOfColumn } from './duckdb/duckdb';
import { fileReader, quoteIdent, quoteLiteral } from './duckdb/sql-text';

type LocalFormat = 'csv' | 'parquet' | 'json' | 'arrow';

function formatOf(path: string): LocalFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.json' || ext === '.jsonl' || ext === '.ndjson') return 'json';
  if (ext === '.arrow' || ext === '.arrows' || ext === '.feather' || ext === '.ipc') return 'arrow';
  throw new Error(`cannot tell the format of ${path} (use .csv, .parquet, .json or .arrow)`);
}

/** Settings of the throwaway DuckDB that reads a file (the gateway bounds its memory, threads and spill folder). */
export interface LocalReadLimits {
  memoryLimit: string;
  threads: number;
  tempDirectory: string;
}

/** A local file as Arrow IPC stream bytes, produced in parts. */
export async function readLocalFileAsArrow(path: string, limits?: LocalReadLimits): Promise<AsyncIterable<Uint8Array>> {
  const format = formatOf(path);
  if (format === 'arrow') {
    const bytes = reencodeIpc(decodeIpc(await readFile(path)), 'stream');
    return (async function* () {
      yield await Promise.resolve(bytes);
    })();
  }
  const config = limits && { memory_limit: limits.memoryLimit, threads: String(limits.threads), temp_directory: limits.tempDirectory };
  const db = await DuckDatabase.open(':memory:', config ? { config } : {});
  const conn = await db.connect();
  try {
    const { columns, batches } = await conn.streamBatches(`SELECT * FROM ${fileReader(path, format)}`);
    const fields = columns.map(fieldOfColumn);
    return (async function* () {
      try {
        yield* encodeIpcParts(fields, batches);
      } finally {
        conn.close();
        db.close();
      }
    })();
  } catch (error) {
    conn.close();
    db.close();
    throw error;
  }
}

/** Arrow IPC stream bytes given whole or in parts, as one buffer. */
export async function joinIpcParts(ipc: Uint8Array | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (ipc instanceof Uint8Array) return ipc;
  const parts: Uint8Array[] = [];
  for await (const part of ipc) parts.push(part);
  return Buffer.concat(parts);
}

/** Writes Arrow IPC stream bytes to a local file as Parquet, CSV (with header) or Arrow (IPC file). */
export async function writeArrowToFile(ipc: Uint8Array | AsyncIterable<Uint8Array>, path: string, format: 'parquet' | 'csv' | 'arrow'): Promise<void> {
  const table = decodeIpc(await joinIpcParts(ipc));
  if (format === 'arrow') {
    await writeFile(path, reencodeIpc(table, extname(path).toLowerCase() === '.arrows' ? 'stream' : 'file'));
    return;
  }
  const db = await DuckDatabase.open(':memory:');
  const conn = await db.connect();
  try {
    const fields = fieldsOf(table);
    await conn.run(`CREATE TABLE data (${fields.map((f) => `${quoteIdent(f.name)} ${duckdbTypeOf(f)}`).join(', ')})`);
    await conn.appendBatches('main', 'data', toBatches(table));
    const options = format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true';
    await conn.run(`COPY data TO ${quoteLiteral(path)} (${options})`);
  } finally {
    conn.close();
    db.close();
  }
}
