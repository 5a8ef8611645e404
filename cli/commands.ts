/**
 * The CLI's commands: program.ts parsed the command line; each command talks to a gateway and
 * prints through Output. The gateway and engine modules (and DuckDB's native module) are imported
 * only by the commands that need them, so client commands start fast.
 */
import { statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { Methods, type SortKey } from '../protocol';
import { GatewayClient } from '../rpc/client';
import type { GatewayConfig } from '../server/config';
import { LocalFileError, UsageError } from './errors';
import { loadEngine, loadServe } from './lazy';
import { formatCount, Output } from './output';
import type { GlobalOptions } from './program';
import { decodeArrowRows } from './values';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir: string;
  importDir: string[];
  allowOrigin: string[];
  demo: boolean;
  maxMessageBytes: number;
  maxUploadBytes: number;
  queryTimeoutMs: number;
  memoryLimit?: string;
  threads?: number;
  adminToken?: string;
  logLevel: string;
}

export interface HeadOptions {
  rows: number;
  offset: number;
  sort: string[];
}

export interface SqlOptions {
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

export async function serve(options: ServeOptions): Promise<void> {
  const config: Partial<GatewayConfig> = {
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    importDirs: options.importDir,
    allowedOrigins: options.allowOrigin,
    demo: options.demo,
    maxMessageBytes: options.maxMessageBytes,
    maxUploadBytes: options.maxUploadBytes,
    queryTimeoutMs: options.queryTimeoutMs,
    memoryLimit: options.memoryLimit,
    threads: options.threads,
    adminToken: options.adminToken,
    logLevel: options.logLevel,
  };
  const { serve: runGateway } = loadServe();
  await runGateway(config);
}

async function withClient<T>(globals: GlobalOptions, work: (client: GatewayClient, output: Output) => Promise<T>): Promise<T> {
  const client = await GatewayClient.connect(globals.url, { user: globals.user });
  try {
    return await work(client, new Output(globals.json));
  } finally {
    client.close();
  }
}

export function info(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const info = await client.request(Methods.info, {});
    output.result(info, () =>
      [
        `${info.name} ${info.version} (protocol ${info.protocolVersion}) at ${client.url}`,
        `engine: ${info.engine}`,
        `max message: ${formatCount(info.maxMessageBytes)} bytes, max upload: ${formatCount(info.maxUploadBytes)} bytes, query timeout: ${formatCount(info.queryTimeoutMs)} ms`,
        `import dirs: ${info.importDirs.length ? info.importDirs.join(', ') : '(none)'}`,
      ].join('\n'),
    );
  });
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

export function sql(globals: GlobalOptions, query: string, options: SqlOptions): Promise<void> {
  if (options.replace && !options.save) throw new UsageError('--replace only applies with --save NAME');
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.sql, { sql: query });
    try {
      if (options.save) {
        const frame = await client.request(Methods.save, { name: options.save, from: { result: result.id }, replace: options.replace });
        output.frame(frame, 'saved');
        return;
      }
      const { result: window, ipc } = await client.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: options.rows });
      output.rows(decodeArrowRows(ipc), window, { sql: query });
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
const OUTPUT_FORMATS = new Set<string>(['arrow', 'parquet', 'csv']);

export function get(globals: GlobalOptions, name: string, file: string): Promise<void> {
  const format = extname(file).slice(1).toLowerCase();
  if (!OUTPUT_FORMATS.has(format)) throw new UsageError(`-o must name a .arrow, .parquet or .csv file, got "${file}"`);
  const path = resolve(file);
  if (!statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`no such folder for -o: ${dirname(path)}`);
  return withClient(globals, async (client, output) => {
    const { result, ipc } = await client.export({ source: { kind: 'frame', name } });
    const { writeArrowToFile } = loadEngine();
    await writeArrowToFile(ipc, path, format as OutputFormat).catch((error: unknown) => {
      throw new LocalFileError(`cannot write ${file}: ${firstLine(error)}`);
    });
    output.result({ name, path, format, rows: result.rows, bytes: result.bytes }, () => `wrote ${formatCount(result.rows)} rows of ${name} to ${path}`);
  });
}

export function rm(globals: GlobalOptions, name: string): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.delete, { name });
    output.result(result, () => `deleted ${result.deleted}`);
  });
}

export function shutdown(globals: GlobalOptions, token: string | undefined): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.shutdown, token === undefined ? {} : { token });
    output.result(result, () => `gateway at ${client.url} is stopping`);
  });
}

/** Engine errors can span several lines (SQL context); the first one says what went wrong. */
function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
