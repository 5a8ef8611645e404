/**
 * Frame commands: ls, schema, head, sql, load, put, get. The DuckDB native module (for local
 * files) is imported only by the commands that need it, so the others start fast.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { Methods, type SortKey } from '../../protocol';
import { LocalFileError, UsageError } from '../errors';
import { loadEngine } from '../lazy';
import { formatCount } from '../output';
import { decodeArrowRows } from '../values';
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
  // Open the file before connecting: a bad local file is not the gateway's business. It is then
  // converted and streamed to the gateway in parts.
  const path = resolve(file);
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`no such file: ${file}`);
  const { readLocalFileAsArrow } = loadEngine();
  const ipc = await readLocalFileAsArrow(path).catch((error: unknown) => {
    throw new LocalFileError(`cannot read ${file}: ${firstLine(error)}`);
  });
  await withClient(globals, async (client, output) => {
    const frame = await client.upload({ name: options.as, replace: options.replace }, ipc);
    output.frame(frame, 'uploaded');
  });
}

type OutputFormat = 'arrow' | 'parquet' | 'csv';
/** By extension: `.arrows` is the Arrow IPC stream format, written as it arrives; `.arrow` the IPC file format. */
const OUTPUT_FORMATS = new Map<string, OutputFormat>([
  ['arrow', 'arrow'],
  ['arrows', 'arrow'],
  ['parquet', 'parquet'],
  ['csv', 'csv'],
]);

export function get(globals: GlobalOptions, name: string, file: string): Promise<void> {
  const format = OUTPUT_FORMATS.get(extname(file).slice(1).toLowerCase());
  if (!format) throw new UsageError(`-o must name a .arrow, .arrows, .parquet or .csv file, got "${file}"`);
  const path = resolve(file);
  if (!statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`no such folder for -o: ${dirname(path)}`);
  return withClient(globals, async (client, output) => {
    // Written as the parts arrive: a frame larger than memory never sits whole on either side.
    const { parts, result: done } = await client.exportStream({ source: { kind: 'frame', name } });
    const { writeArrowStreamToFile } = loadEngine();
    const written = writeArrowStreamToFile(parts, path, format);
    const [writing, exporting] = await Promise.allSettled([written, done]);
    // The gateway's error says why the parts stopped; otherwise the local file is what failed.
    if (exporting.status === 'rejected') throw exporting.reason;
    if (writing.status === 'rejected') throw new LocalFileError(`cannot write ${file}: ${firstLine(writing.reason)}`);
    const result = exporting.value;
    output.result({ name, path, format, rows: result.rows, bytes: result.bytes }, () => `wrote ${formatCount(result.rows)} rows of ${name} to ${path}`);
  });
}

/** Engine errors can span several lines (SQL context); the first one says what went wrong. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
