/**
 * Frame commands: ls, schema, head, sql, load, put, get. put and get move files with rpc/'s
 * upload and export paths, shared with the extension: no DuckDB on the client.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { Methods, type SortKey } from '../../protocol';
import { LocalFileError, UsageError } from '../errors';
import { formatCount } from '../output';
import { decodeArrowRows } from '../values';
import { exportToFile, LocalWriteError, type ExportFormat } from '../../rpc/export-file';
import { LocalReadError, uploadFile, uploadFormatOf } from '../../rpc/upload-file';
import { withClient, type GlobalOptions } from './client';

export interface HeadOptions {
  rows: number;
  offset: number;
  sort: string[];
}

export interface SqlOptions {
  file?: string;
  save?: string;
  replace: boolean;
  rows: number;
}

export interface LoadOptions {
  as: string;
  format?: 'csv' | 'parquet' | 'json';
  replace: boolean;
}

export interface PutOptions {
  as: string;
  replace: boolean;
}

export function ls(globals: GlobalOptions, options: { namespace?: string }): Promise<void> {
  return withClient(globals, async (client, output) => {
    const { frames } = await client.request(Methods.listFrames, options.namespace === undefined ? {} : { namespace: options.namespace });
    output.frames(frames);
  });
}

export function schema(globals: GlobalOptions, name: string): Promise<void> {
  return withClient(globals, async (client, output) => output.frame(await client.request(Methods.schema, { name })));
}

/** `col` or `col:desc` / `col:asc`. */
export function parseSortKey(text: string): SortKey {
  const match = /^(.*?)(?::(asc|desc))?$/i.exec(text.trim());
  const column = match?.[1];
  if (!column) throw new UsageError(`--sort expects COLUMN or COLUMN:desc, got "${text}"`);
  return { column, descending: match[2]?.toLowerCase() === 'desc' };
}

export function head(globals: GlobalOptions, name: string, options: HeadOptions): Promise<void> {
  const sort = options.sort.map(parseSortKey);
  return withClient(globals, async (client, output) => {
    const { result, ipc } = await client.window({
      source: { kind: 'frame', name },
      offset: options.offset,
      limit: options.rows,
      ...(sort.length ? { sort } : {}),
    });
    output.rows(decodeArrowRows(ipc), result, { name });
  });
}

/**
 * Text given as an argument, or read from the file of `-f` (`-` for stdin): SQL, a note.
 * `noun` names it in messages ("a query", "note text"); `what` says what an empty file lacks.
 */
export function textInput(value: string | undefined, file: string | undefined, noun: string, what: string): string {
  if (file !== undefined && value !== undefined) throw new UsageError(`give ${noun} or -f FILE, not both`);
  if (file === undefined) {
    if (value === undefined || value.trim() === '') throw new UsageError(`give ${noun}, or -f FILE (- for stdin)`);
    return value;
  }
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new LocalFileError(`cannot read ${file === '-' ? 'stdin' : file}: ${(error as Error).message}`);
  }
  if (text.trim() === '') throw new UsageError(`${file === '-' ? 'stdin' : file} holds no ${what}`);
  return text;
}

/** The SQL of `framegate sql`: the argument, or the file of `-f` (`-` for stdin). */
export function sqlText(query: string | undefined, file: string | undefined): string {
  return textInput(query, file, 'a query', 'SQL');
}

export function sql(globals: GlobalOptions, query: string | undefined, options: SqlOptions): Promise<void> {
  if (options.replace && !options.save) throw new UsageError('--replace only applies with --save NAME');
  const text = sqlText(query, options.file);
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.sql, { sql: text });
    try {
      if (options.save) {
        const frame = await client.request(Methods.save, { name: options.save, from: { result: result.id }, replace: options.replace });
        output.frame(frame, 'saved');
        return;
      }
      const { result: window, ipc } = await client.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: options.rows });
      output.rows(decodeArrowRows(ipc), window, { sql: text });
    } finally {
      await client.request(Methods.closeResult, { id: result.id }).catch(() => undefined);
    }
  });
}

export function load(globals: GlobalOptions, path: string, options: LoadOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const frame = await client.request(Methods.load, {
      path,
      name: options.as,
      replace: options.replace,
      ...(options.format ? { format: options.format } : {}),
    });
    output.frame(frame, 'loaded');
  });
}

export async function put(globals: GlobalOptions, file: string, options: PutOptions): Promise<void> {
  // Checked before connecting: a missing local file is not the gateway's business. The file is
  // then sent in parts (the extension's Upload to Framegate is the same code).
  const path = resolve(file);
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`no such file: ${file}`);
  if (!uploadFormatOf(path)) throw new LocalFileError(`cannot read ${file}: cannot tell its format (use .csv, .parquet, .json or .arrow)`);
  await withClient(globals, async (client, output) => {
    const frame = await uploadFile(client, path, { name: options.as, replace: options.replace }).catch((error: unknown) => {
      throw error instanceof LocalReadError ? new LocalFileError(error.message) : error;
    });
    output.frame(frame, 'uploaded');
  });
}

/** By extension: `.arrows` is the Arrow IPC stream format, `.arrow` the IPC file format. */
const OUTPUT_FORMATS = new Map<string, ExportFormat>([
  ['arrow', 'arrow'],
  ['arrows', 'arrows'],
  ['parquet', 'parquet'],
  ['csv', 'csv'],
]);

export function get(globals: GlobalOptions, name: string, file: string): Promise<void> {
  const format = OUTPUT_FORMATS.get(extname(file).slice(1).toLowerCase());
  if (!format) throw new UsageError(`-o must name a .arrow, .arrows, .parquet or .csv file, got "${file}"`);
  const path = resolve(file);
  if (!statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`no such folder for -o: ${dirname(path)}`);
  return withClient(globals, async (client, output) => {
    // Written as the parts arrive (the extension's Export… is the same code): a frame larger than memory never sits whole on either side.
    const result = await exportToFile(client, { source: { kind: 'frame', name } }, path, format).catch((error: unknown) => {
      throw error instanceof LocalWriteError ? new LocalFileError(error.message) : error;
    });
    const shown = format === 'arrows' ? 'arrow' : format;
    output.result({ name, path, format: shown, rows: result.rows, bytes: result.bytes }, () => `wrote ${formatCount(result.rows)} rows of ${name} to ${path}`);
  });
}
