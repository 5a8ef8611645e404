/**
 * A whole frame or result from the gateway to a local file, as CSV, Parquet or Arrow, written as
 * the parts arrive (never held whole): the one export path of the CLI (`framegate get`) and the
 * VS Code extension (Export…). The gateway sends Arrow IPC stream bytes; they are converted here:
 * Arrow by wrapping the very messages that came in the IPC file format (or writing them as they
 * are, for `.arrows`), Parquet by arrow-rs's writer (parquet-wasm) batch by batch, CSV by
 * csv-rows.ts. The file appears under its name only once complete: it is written beside it under
 * a temporary name and renamed; a cancelled or failed export leaves nothing behind.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tableFromIPC } from 'apache-arrow';
import type { ExportResult, ParamsOf, Methods } from '../protocol';
import type { GatewayClient, RequestOptions } from './client';
import { csvText } from './csv-rows';
import { ipcFileParts, ipcMessages, singleBatchStream, type IpcMessage } from './ipc-messages';

/** `arrow` is the IPC file format, `arrows` the IPC stream format. */
export type ExportFormat = 'csv' | 'parquet' | 'arrow' | 'arrows';

export interface ExportProgress {
  /** Arrow bytes received from the gateway so far. */
  bytes: number;
  /** Rows received so far. */
  rows: number;
}

export interface ExportToFileOptions extends RequestOptions {
  /** Called after each batch arrives. */
  onProgress?: (progress: ExportProgress) => void;
}

/** Rows per Parquet row group: what arrow-rs holds before it writes one out. */
const PARQUET_ROW_GROUP_ROWS = 128 * 1024;

/** Passes the messages on, counting what has arrived. */
async function* counted(messages: AsyncIterable<IpcMessage>, progress: ExportProgress, report: () => void): AsyncGenerator<IpcMessage> {
  for await (const message of messages) {
    progress.bytes += message.bytes.byteLength;
    progress.rows += message.rows;
    if (message.rows > 0) report();
    yield message;
  }
}

/** Each record batch with the schema before it, as a one-batch IPC stream. */
async function* batchStreams(messages: AsyncIterable<IpcMessage>): AsyncGenerator<Uint8Array> {
  let schema: IpcMessage | undefined;
  // Dictionaries (ENUM columns) by id: each batch is sent with the ones it refers to.
  const dictionaries = new Map<number, IpcMessage>();
  for await (const message of messages) {
    if (message.message.isSchema()) schema = message;
    else if (message.message.isDictionaryBatch()) {
      const header = message.message.header();
      if (header.isDelta) throw new Error('delta dictionaries cannot be exported as CSV or Parquet');
      dictionaries.set(Number(header.id), message);
    } else if (message.message.isRecordBatch() && schema) yield singleBatchStream(schema, message, [...dictionaries.values()]);
  }
}

async function* csvParts(messages: AsyncIterable<IpcMessage>): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const stream of batchStreams(messages)) {
    for (const batch of tableFromIPC(stream).batches) {
      yield Buffer.from(csvText(batch, first), 'utf8');
      first = false;
    }
  }
  // A frame without rows still has its header.
  if (first) throw new Error('the Arrow stream has no schema');
}

async function* parquetParts(messages: AsyncIterable<IpcMessage>): AsyncGenerator<Uint8Array> {
  const parquet = await import('parquet-wasm/node');
  const streams = batchStreams(messages)[Symbol.asyncIterator]();
  const batches = new ReadableStream({
    async pull(controller) {
      const next = await streams.next();
      if (next.done) controller.close();
      else for (const batch of parquet.Table.fromIPCStream(next.value).recordBatches()) controller.enqueue(batch);
    },
    async cancel() {
      await streams.return(undefined);
    },
  });
  // Snappy, as DuckDB and Spark write by default: fast, and a fraction of the size.
  const properties = new parquet.WriterPropertiesBuilder().setMaxRowGroupSize(PARQUET_ROW_GROUP_ROWS).setCompression(parquet.Compression.SNAPPY).build();
  const bytes = (await parquet.transformParquetStream(batches, properties)) as ReadableStream<Uint8Array>;
  for await (const chunk of bytes) yield chunk;
}

function partsOf(format: ExportFormat, messages: AsyncIterable<IpcMessage>): AsyncIterable<Uint8Array> {
  switch (format) {
    case 'arrows':
      return (async function* () {
        for await (const message of messages) yield message.bytes;
      })();
    case 'arrow':
      return ipcFileParts(messages);
    case 'csv':
      return csvParts(messages);
    case 'parquet':
      return parquetParts(messages);
  }
}

/** The file's temporary name while it is written: hidden, beside it (so the rename stays on one disk). */
export function partialPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.framegate-partial`);
}

/** Local files that failed to be written, told apart from the gateway's errors. */
export class LocalWriteError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${(cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? ''}`);
    this.name = 'LocalWriteError';
  }
}

/**
 * Exports `params.source` to `path` as `format`. `signal` cancels the export on the gateway and
 * removes what was written. Rejects with the gateway's error when the export failed there, else
 * with LocalWriteError.
 */
export async function exportToFile(
  client: Pick<GatewayClient, 'exportStream'>,
  params: Omit<ParamsOf<typeof Methods.export>, 'stream'>,
  path: string,
  format: ExportFormat,
  options: ExportToFileOptions = {},
): Promise<ExportResult> {
  // Cancelled by the caller, or by a local write that failed: the gateway stops sending either way.
  const stop = new AbortController();
  const cancel = () => stop.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  if (options.signal?.aborted) stop.abort();
  const progress: ExportProgress = { bytes: 0, rows: 0 };
  const report = () => options.onProgress?.({ ...progress });
  const partial = partialPathOf(path);
  let written: PromiseSettledResult<void>;
  let exported: PromiseSettledResult<ExportResult>;
  try {
    const { parts, result } = await client.exportStream(params, { signal: stop.signal });
    const writing = pipeline(Readable.from(partsOf(format, counted(ipcMessages(parts), progress, report))), createWriteStream(partial));
    writing.catch(cancel);
    [written, exported] = await Promise.allSettled([writing, result]);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
  if (written.status === 'fulfilled' && exported.status === 'fulfilled') {
    await rename(partial, path).catch(async (error: unknown) => {
      await rm(partial, { force: true });
      throw new LocalWriteError(path, error);
    });
    options.onProgress?.({ bytes: exported.value.bytes, rows: exported.value.rows });
    return exported.value;
  }
  await rm(partial, { force: true });
  // The gateway's error says why the parts stopped; otherwise the local file is what failed.
  if (exported.status === 'rejected') throw exported.reason;
  throw new LocalWriteError(path, (written as PromiseRejectedResult).reason);
}
