/**
 * The CLI's local file helpers (`framegate put FILE`, `framegate get NAME -o FILE`): a throwaway
 * in-memory DuckDB on the client reads CSV/Parquet/JSON into Arrow and writes Arrow out as
 * Parquet/CSV. Arrow files are handled with apache-arrow directly. No lock-down here: it runs as
 * the local user, on files the local user named.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { RecordBatchReader, Table } from 'apache-arrow';
import { decodeIpc, fieldsOf, toBatches } from './arrow-decoder';
import { encodeIpcFileParts, encodeIpcParts, reencodeIpc } from './arrow-encoder';
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

/** A local file as Arrow IPC stream bytes, produced in parts. */
export async function readLocalFileAsArrow(path: string): Promise<AsyncIterable<Uint8Array>> {
  const format = formatOf(path);
  if (format === 'arrow') {
    const bytes = reencodeIpc(decodeIpc(await readFile(path)), 'stream');
    return (async function* () {
      yield await Promise.resolve(bytes);
    })();
  }
  const db = await DuckDatabase.open(':memory:');
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

/** Memory the throwaway DuckDB of `writeArrowStreamToFile` may use; the rest spills to its temp folder. */
const LOCAL_MEMORY_LIMIT = '128MB';

/**
 * Writes Arrow IPC stream parts to a local file as they arrive, never holding the whole frame:
 * `.arrows` bytes as they are, `.arrow` batch by batch into the IPC file format, Parquet and CSV
 * through a throwaway on-disk DuckDB beside the output (bounded memory, spilling to disk).
 */
export async function writeArrowStreamToFile(parts: AsyncIterable<Uint8Array>, path: string, format: 'parquet' | 'csv' | 'arrow'): Promise<void> {
  if (format === 'arrow' && extname(path).toLowerCase() === '.arrows') {
    await pipeline(parts, createWriteStream(path));
    return;
  }
  const reader = await RecordBatchReader.from(parts);
  await reader.open();
  if (format === 'arrow') {
    // Batch by batch through a pipeline: a slow disk holds the reading back.
    const batches = async function* () {
      for await (const batch of reader) yield* toBatches(new Table(batch));
    };
    await pipeline(encodeIpcFileParts(fieldsOf(new Table(reader.schema)), batches()), createWriteStream(path));
    return;
  }
  const work = await mkdtemp(join(dirname(path), '.framegate-get-'));
  const db = await DuckDatabase.open(join(work, 'get.duckdb'), { config: { memory_limit: LOCAL_MEMORY_LIMIT, temp_directory: join(work, 'tmp') } });
  const conn = await db.connect();
  try {
    const fields = fieldsOf(new Table(reader.schema));
    await conn.run(`CREATE TABLE data (${fields.map((f) => `${quoteIdent(f.name)} ${duckdbTypeOf(f)}`).join(', ')})`);
    const batches = async function* () {
      for await (const batch of reader) yield* toBatches(new Table(batch));
    };
    await conn.appendBatches('main', 'data', batches());
    const options = format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true';
    await conn.run(`COPY data TO ${quoteLiteral(path)} (${options})`);
  } finally {
    conn.close();
    db.close();
    await rm(work, { recursive: true, force: true });
  }
}
