/**
 * Attachments: binary data that travels beside JSON-RPC messages (see protocol's attachment
 * framing). The inbox assembles parts as they arrive and holds finished attachments until the
 * message that references them takes them; what it holds is bounded, so a peer cannot make us
 * buffer without limit.
 */
import { decodeAttachmentFrame, encodeAttachmentFrame, ErrorCodes, FramegateError } from '../protocol';

/** Largest payload put in one binary frame, well under any sane `maxPayload`. */
export const MAX_PART_BYTES = 4 * 1024 * 1024;

export class AttachmentInbox {
  private readonly partial = new Map<number, Uint8Array[]>();
  private readonly complete = new Map<number, Uint8Array>();
  private heldBytes = 0;

  constructor(private readonly maxHeldBytes: number) {}

  /** Adds one binary frame. Throws FramegateError(TooLarge) when the bound would be passed. */
  receive(frame: Uint8Array): void {
    const { id, final, payload } = decodeAttachmentFrame(frame);
    if (this.heldBytes + payload.byteLength > this.maxHeldBytes) {
      throw new FramegateError(ErrorCodes.TooLarge, `attachments held for this connection would pass the cap of ${this.maxHeldBytes} bytes`);
    }
    this.heldBytes += payload.byteLength;
    const parts = this.partial.get(id) ?? [];
    // The frame buffer may be reused by the transport: keep a copy of the payload.
    parts.push(payload.slice());
    if (!final) {
      this.partial.set(id, parts);
      return;
    }
    this.partial.delete(id);
    this.complete.set(id, concat(parts));
  }

  /** Removes and returns a finished attachment. */
  take(id: number): Uint8Array {
    const bytes = this.complete.get(id);
    if (!bytes) {
      const why = this.partial.has(id) ? 'has not finished arriving' : 'never arrived';
      throw new FramegateError(ErrorCodes.BadAttachment, `attachment ${id} ${why}`);
    }
    this.complete.delete(id);
    this.heldBytes -= bytes.byteLength;
    return bytes;
  }

  get held(): number {
    return this.heldBytes;
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const total = parts.reduce((sum, p) => sum + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Splits data into attachment frames of at most `partBytes` payload; the last one is marked final. */
export async function* attachmentFrames(id: number, data: Uint8Array | AsyncIterable<Uint8Array>, partBytes = MAX_PART_BYTES): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) {
    if (data.byteLength === 0) {
      yield encodeAttachmentFrame(id, data, true);
      return;
    }
    for (let offset = 0; offset < data.byteLength; offset += partBytes) {
      const end = Math.min(offset + partBytes, data.byteLength);
      yield encodeAttachmentFrame(id, data.subarray(offset, end), end === data.byteLength);
    }
    return;
  }
  for await (const chunk of data) {
    for (let offset = 0; offset < chunk.byteLength; offset += partBytes) {
      yield encodeAttachmentFrame(id, chunk.subarray(offset, Math.min(offset + partBytes, chunk.byteLength)), false);
    }
  }
  // A stream's end is only known after its last chunk: mark it with an empty final part.
  yield encodeAttachmentFrame(id, new Uint8Array(0), true);
}
