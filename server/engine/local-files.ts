/**
 * File helpers outside the engine: a throwaway in-memory DuckDB reads CSV/Parquet/JSON into Arrow
 * (the gateway, for uploads that carry such a file: server/frames/uploaded-file.ts, with limits)
 * and writes Arrow out as Parquet/CSV (tests). Arrow files are handled with apache-arrow
 * directly. No lock-down here: it runs only its own read of one file it was given.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Table, type DataType, type Field, type Schema } from 'apache-arrow';
import { decodeIpc, fieldsOf, toBatches } from './arrow-decoder';
import { encodeIpcParts, encodeRecordBatchParts, reencodeIpc } from './arrow-encoder';
import { duckdbTypeOfArrow, hasNestedColumns, isNestedType } from './duckdb/arrow-duckdb';
import { DuckDatabase, duckdbTypeOf, fieldOfColumn, type DuckConnection } from './duckdb/duckdb';
import { typeNameReadsAsArrowValues } from './duckdb/duckdb-arrow';
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
    const sql = `SELECT * FROM ${fileReader(path, format)}`;
    // Nested columns (Parquet lists, structs, maps) are read as Arrow's nested types, not as text.
    const nested = (await conn.describe(sql)).some((c) => typeNameReadsAsArrowValues(c.type));
    const parts = nested ? await arrowParts(conn, sql) : await batchParts(conn, sql);
    return (async function* () {
      try {
        yield* parts;
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

async function arrowParts(conn: DuckConnection, sql: string): Promise<AsyncGenerator<Uint8Array>> {
  const { schema, batches } = await conn.streamArrow(sql);
  return encodeRecordBatchParts(schema, batches);
}

async function batchParts(conn: DuckConnection, sql: string): Promise<AsyncGenerator<Uint8Array>> {
  const { columns, batches } = await conn.streamBatches(sql);
  return encodeIpcParts(columns.map(fieldOfColumn), batches);
}

/**
 * Creates `data` for rows of this schema; true when it has nested columns, which are then kept as
 * DuckDB's nested types and appended value by value (`appendArrow`), not as column batches.
 */
async function createLocalTable(conn: DuckConnection, schema: Schema): Promise<boolean> {
  const nested = hasNestedColumns(schema);
  const types = nested ? schema.fields.map((f: Field) => duckdbTypeOfArrow(f.type as DataType)) : fieldsOf(new Table(schema)).map(duckdbTypeOf);
  await conn.run(`CREATE TABLE data (${schema.fields.map((f, i) => `${quoteIdent(f.name)} ${types[i]!}`).join(', ')})`);
  return nested;
}

/** Parquet keeps nested types; CSV has none, so nested values are written as JSON text. */
function copySql(schema: Schema, path: string, format: 'parquet' | 'csv'): string {
  if (format === 'parquet') return `COPY data TO ${quoteLiteral(path)} (FORMAT parquet)`;
  const columns = schema.fields.map((f) => (isNestedType(f.type as DataType) ? `to_json(${quoteIdent(f.name)}) AS ${quoteIdent(f.name)}` : quoteIdent(f.name)));
  return `COPY (SELECT ${columns.join(', ')} FROM data) TO ${quoteLiteral(path)} (FORMAT csv, HEADER true)`;
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
    if (await createLocalTable(conn, table.schema)) await conn.appendArrow('main', 'data', table);
    else await conn.appendBatches('main', 'data', toBatches(table));
    await conn.run(copySql(table.schema, path, format));
  } finally {
    conn.close();
    db.close();
  }
}
