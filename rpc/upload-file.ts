/**
 * A local file uploaded as a frame: the one upload path of the CLI (`framegate put`) and the VS
 * Code extension (Upload to Framegate). Arrow files (IPC file or stream, Feather v2) go as Arrow
 * stream bytes made of their very messages (an IPC file is a stream between its magic and its
 * footer); CSV, Parquet and JSON files go as they are, read from disk in parts, and the gateway
 * reads them as a load would (server/frames/uploaded-file.ts), so every client gets the same types.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Schema } from 'apache-arrow';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { Message } from 'apache-arrow/ipc/metadata/message';
import type { FrameInfo } from '../protocol';
import type { GatewayClient, RequestOptions } from './client';
import { END_OF_STREAM, ipcMessages } from './ipc-messages';

export type UploadFileFormat = 'arrow' | 'csv' | 'parquet' | 'json';

const FORMATS = new Map<string, UploadFileFormat>([
  ['.csv', 'csv'],
  ['.tsv', 'csv'],
  ['.txt', 'csv'],
  ['.parquet', 'parquet'],
  ['.pq', 'parquet'],
  ['.json', 'json'],
  ['.jsonl', 'json'],
  ['.ndjson', 'json'],
  ['.arrow', 'arrow'],
  ['.arrows', 'arrow'],
  ['.feather', 'arrow'],
  ['.ipc', 'arrow'],
]);

/** The format a file's extension names, or undefined when it names none we upload. */
export function uploadFormatOf(path: string): UploadFileFormat | undefined {
  return FORMATS.get(extname(path).toLowerCase());
}

export interface UploadFileOptions extends RequestOptions {
  name: string;
  replace?: boolean;
  /** Bytes of the file sent so far, after each part. */
  onProgress?: (sentBytes: number) => void;
}

/** A local file's bytes could not be read (as opposed to the gateway refusing them). */
export class LocalReadError extends Error {
  constructor(path: string, reason: string) {
    super(`cannot read ${path}: ${reason}`);
    this.name = 'LocalReadError';
  }
}

const FILE_MAGIC = 'ARROW1';

/** An Arrow file's bytes as an IPC stream: the file format's messages without magic and footer. */
async function* arrowStreamOf(path: string): AsyncGenerator<Uint8Array> {
  const handle = await open(path);
  let isFile: boolean;
  try {
    const head = Buffer.alloc(6);
    const { bytesRead } = await handle.read(head, 0, 6, 0);
    isFile = bytesRead === 6 && head.toString('latin1') === FILE_MAGIC;
  } finally {
    await handle.close();
  }
  const parts = createReadStream(path, isFile ? { start: 8 } : {}) as AsyncIterable<Buffer>;
  let messages = 0;
  try {
    for await (const message of ipcMessages(parts)) {
      // apache-arrow's file writer leaves the schema to the footer: a stream needs it first.
      if (messages === 0 && isFile && !message.message.isSchema()) yield schemaMessageOf(await footerSchema(path));
      messages++;
      yield message.bytes;
    }
  } catch (error) {
    throw new LocalReadError(path, `not an Arrow IPC file or stream (${(error as Error).message})`);
  }
  if (messages === 0) throw new LocalReadError(path, 'it holds no Arrow data');
  yield END_OF_STREAM;
}

/** The schema in an IPC file's footer (its last bytes: footer, footer length, magic). */
async function footerSchema(path: string): Promise<Schema> {
  const handle = await open(path);
  try {
    const { size } = await handle.stat();
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 10);
    const length = tail.readInt32LE(0);
    const footer = Buffer.alloc(length);
    await handle.read(footer, 0, length, size - 10 - length);
    return Footer.decode(footer).schema;
  } finally {
    await handle.close();
  }
}

/** A schema as an encapsulated IPC message: continuation, padded length, flatbuffer. */
function schemaMessageOf(schema: Schema): Uint8Array {
  const metadata = Message.encode(Message.from(schema));
  const size = (8 + metadata.byteLength + 7) & ~7;
  const framed = new Uint8Array(size);
  const view = new DataView(framed.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, size - 8, true);
  framed.set(metadata, 8);
  return framed;
}

async function* counted(parts: AsyncIterable<Uint8Array>, report: (sent: number) => void): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for await (const part of parts) {
    yield part;
    sent += part.byteLength;
    report(sent);
  }
}

/** Uploads `path` as the frame `options.name`; rejects with FrameExists when it is taken and `replace` is not set. */
export async function uploadFile(client: Pick<GatewayClient, 'upload'>, path: string, options: UploadFileOptions): Promise<FrameInfo> {
  const format = uploadFormatOf(path);
  if (!format) throw new LocalReadError(path, 'use a .csv, .parquet, .json, .arrow or .feather file');
  const bytes = format === 'arrow' ? arrowStreamOf(path) : (createReadStream(path) as AsyncIterable<Buffer>);
  const parts = options.onProgress ? counted(bytes, options.onProgress) : bytes;
  return client.upload({ name: options.name, replace: options.replace ?? false, format }, parts, options.signal ? { signal: options.signal } : {});
}
