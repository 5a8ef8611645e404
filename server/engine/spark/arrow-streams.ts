/**
 * Spark Connect sends each Arrow batch as a complete IPC stream (schema message, record batch,
 * end-of-stream marker). Clients get one stream per window or export, so these are spliced at
 * the message level, without decoding: the first stream's schema, every stream's record batch
 * messages, one end marker. Spark writes no dictionary batches, and every batch of one result
 * has the same schema.
 */

const CONTINUATION = 0xffffffff;
const EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Length of the first message (the schema: metadata only, no body), prefix included. */
function schemaMessageLength(stream: Uint8Array): number {
  if (stream.byteLength < 8) throw new Error('Arrow IPC stream too short');
  const data = view(stream);
  const first = data.getUint32(0, true);
  const length = first === CONTINUATION ? 8 + data.getInt32(4, true) : 4 + data.getInt32(0, true);
  if (length <= 8 || length > stream.byteLength) throw new Error('Arrow IPC stream does not start with a schema message');
  return length;
}

/** Length of the stream without its end-of-stream marker (if it has one). */
function withoutEos(stream: Uint8Array): number {
  const n = stream.byteLength;
  if (n >= 8) {
    const tail = view(stream.subarray(n - 8));
    if (tail.getUint32(0, true) === CONTINUATION && tail.getUint32(4, true) === 0) return n - 8;
  }
  if (n >= 4 && view(stream.subarray(n - 4)).getUint32(0, true) === 0) return n - 4; // legacy marker
  return n;
}

/** The parts of one IPC stream made of several complete streams: schema first, batches, end marker. */
export class IpcStreamJoiner {
  private started = false;

  /** The bytes to send for the next complete stream (its schema only the first time). */
  push(stream: Uint8Array): Uint8Array {
    const end = withoutEos(stream);
    if (!this.started) {
      this.started = true;
      return stream.subarray(0, end);
    }
    return stream.subarray(schemaMessageLength(stream), end);
  }

  /** The end marker. */
  finish(): Uint8Array {
    if (!this.started) throw new Error('no Arrow IPC stream was joined');
    return EOS;
  }
}

/** One IPC stream from complete streams (at least one). */
export function joinIpcStreams(streams: Uint8Array[]): Uint8Array {
  const joiner = new IpcStreamJoiner();
  const parts = streams.map((s) => joiner.push(s));
  parts.push(joiner.finish());
  return new Uint8Array(Buffer.concat(parts));
}
