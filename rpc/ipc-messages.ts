/**
 * An Arrow IPC stream, cut into its messages as the bytes arrive (parts may split a message
 * anywhere), and the IPC file format built around those same bytes. The messages are passed on as
 * they came: nothing is decoded and encoded again, so every value stays exactly what the gateway
 * sent, and only one message is held at a time.
 */
import { MessageHeader, MetadataVersion, type Schema } from 'apache-arrow';
import { FileBlock, Footer } from 'apache-arrow/ipc/metadata/file';
import { Message } from 'apache-arrow/ipc/metadata/message';

export interface IpcMessage {
  message: Message;
  /** Continuation, length, flatbuffer and padding: what a file's block calls the metadata. */
  metadataLength: number;
  /** The framed metadata and the body, as they came. */
  bytes: Uint8Array;
  /** Rows of a record batch (0 for other messages). */
  rows: number;
}

/** The end-of-stream marker: a continuation token and a zero length. */
export const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
const CONTINUATION = 0xffffffff;
const FILE_MAGIC = new Uint8Array([0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]); // ARROW1

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.byteLength === 0) return b;
  const joined = new Uint8Array(a.byteLength + b.byteLength);
  joined.set(a, 0);
  joined.set(b, a.byteLength);
  return joined;
}

/** The stream's messages, in order, until its end marker (or its last byte). */
export async function* ipcMessages(parts: AsyncIterable<Uint8Array>): AsyncGenerator<IpcMessage> {
  let pending: Uint8Array = new Uint8Array(0);
  // Needed bytes of the message being cut: its prefix first, then the whole of it.
  const take = (length: number): Uint8Array | undefined => {
    if (pending.byteLength < length) return undefined;
    const taken = pending.slice(0, length);
    pending = pending.subarray(length);
    return taken;
  };
  let framed: { metadataLength: number; message: Message } | undefined;
  for await (const part of parts) {
    pending = join(pending, part);
    for (;;) {
      if (!framed) {
        if (pending.byteLength < 8) break;
        const view = new DataView(pending.buffer, pending.byteOffset, 8);
        const first = view.getUint32(0, true);
        // Streams before Arrow 0.15 have no continuation token: the length comes first.
        const header = first === CONTINUATION ? { prefix: 8, metadata: view.getInt32(4, true) } : { prefix: 4, metadata: first };
        if (header.metadata === 0) return;
        if (pending.byteLength < header.prefix + header.metadata) break;
        const metadata = pending.subarray(header.prefix, header.prefix + header.metadata);
        framed = { metadataLength: header.prefix + header.metadata, message: Message.decode(metadata) };
      }
      const whole = take(framed.metadataLength + framed.message.bodyLength);
      if (!whole) break;
      const { message, metadataLength } = framed;
      framed = undefined;
      const rows = message.isRecordBatch() ? message.header().length : 0;
      yield { message, metadataLength, bytes: whole, rows };
    }
  }
  if (framed || pending.byteLength > 0) throw new Error('the Arrow stream ended in the middle of a message');
}

/** A one-batch IPC stream: the schema's message, the dictionaries its columns use, one record batch's, the end marker. */
export function singleBatchStream(schema: IpcMessage, batch: IpcMessage, dictionaries: readonly IpcMessage[] = []): Uint8Array {
  const parts = [schema, ...dictionaries, batch].map((m) => m.bytes);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0) + END_OF_STREAM.byteLength);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  out.set(END_OF_STREAM, at);
  return out;
}

/**
 * The Arrow IPC file format, in parts, around the stream's own messages: the magic (padded to 8),
 * every message as it came, the end marker, then the footer that locates each batch, its length
 * and the magic. (apache-arrow's file writer would hold every batch until the end.)
 */
export async function* ipcFileParts(messages: AsyncIterable<IpcMessage>): AsyncGenerator<Uint8Array> {
  const head = new Uint8Array(8);
  head.set(FILE_MAGIC);
  yield head;
  let position = head.byteLength;
  let schema: Schema | undefined;
  const batches: FileBlock[] = [];
  const dictionaries: FileBlock[] = [];
  for await (const { message, metadataLength, bytes } of messages) {
    if (message.headerType === MessageHeader.Schema) schema = (message as Message<MessageHeader.Schema>).header();
    else if (message.headerType === MessageHeader.RecordBatch) batches.push(new FileBlock(metadataLength, message.bodyLength, position));
    else if (message.headerType === MessageHeader.DictionaryBatch) dictionaries.push(new FileBlock(metadataLength, message.bodyLength, position));
    position += bytes.byteLength;
    yield bytes;
  }
  if (!schema) throw new Error('the Arrow stream has no schema');
  const footer = Footer.encode(new Footer(schema, MetadataVersion.V5, batches, dictionaries));
  const tail = new Uint8Array(END_OF_STREAM.byteLength + footer.byteLength + 4 + FILE_MAGIC.byteLength);
  tail.set(END_OF_STREAM, 0);
  tail.set(footer, END_OF_STREAM.byteLength);
  new DataView(tail.buffer).setInt32(END_OF_STREAM.byteLength + footer.byteLength, footer.byteLength, true);
  tail.set(FILE_MAGIC, END_OF_STREAM.byteLength + footer.byteLength + 4);
  yield tail;
}
