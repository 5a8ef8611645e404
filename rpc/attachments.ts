/**
 * Attachments: binary data that travels beside JSON-RPC messages (see protocol's attachment
 * framing). The inbox keeps parts as they arrive until the message that references them takes
 * them; what it holds is bounded per peer, charged to a shared budget and dropped when unused, so a
 * peer cannot make us buffer without limit or for ever.
 */
import { decodeAttachmentFrame, encodeAttachmentFrame, ErrorCodes, FramegateError } from '../protocol';

/** Largest payload put in one binary frame, well under any sane `maxPayload`. */
export const MAX_PART_BYTES = 4 * 1024 * 1024;

/** Bytes held against a budget (the gateway's MemoryBudget fits this shape). */
export interface HeldBytes {
  resize(bytes: number): void;
  release(): void;
}

export interface InboxLimits {
  /** Bound on the bytes held for this peer at once (assembling or waiting to be taken). */
  maxHeldBytes: number;
  /** An attachment that gets no part for this long, or is not taken this long after its last one, is dropped. */
  idleMs?: number;
  /** Reserves held bytes against a budget shared with others; throws (OutOfMemory) when it is spent. */
  reserve?: (bytes: number, what: string) => HeldBytes;
  /** Told when streamed parts pile up faster than their reader takes them (true), and when they have drained (false). */
  onBacklog?: (piling: boolean) => void;
}

/** Streamed bytes waiting for their reader above which the sender is held back, and below which it goes on. */
const STREAM_HIGH_WATER = 16 * 2 ** 20;
const STREAM_LOW_WATER = 4 * 2 ** 20;

/** A finished attachment's parts, held (and charged) until `release`. */
export interface TakenAttachment {
  parts: Uint8Array[];
  bytes: number;
  release(): void;
}

interface Entry {
  parts: Uint8Array[];
  bytes: number;
  final: boolean;
  touched: number;
  held: HeldBytes | null;
  /** Why it is not being kept: its parts are dropped as they come, and taking it fails with this. */
  refused: FramegateError | null;
  /** Parts go to this reader as they arrive instead of being held (see `stream`). */
  stream: StreamSink | null;
}

interface StreamSink {
  push(part: Uint8Array, final: boolean): void;
  fail(error: Error): void;
}

/** Attachments tracked at once (most of them refused or finished): more is a peer misbehaving. */
const MAX_ENTRIES = 1024;

/**
 * What a peer sent beside its messages. Parts are held (charged to `reserve`) until the message
 * that references them takes them; an attachment over the bounds is refused, not held: its parts
 * are dropped and the request that names it fails with the reason (TooLarge, OutOfMemory), so the
 * connection stays up and the error keeps its kind. A reader may instead `stream` an attachment,
 * taking parts as they come.
 */
export class AttachmentInbox {
  private readonly entries = new Map<number, Entry>();
  private heldBytes = 0;
  private readonly sweeper: NodeJS.Timeout | null;

  constructor(private readonly limits: InboxLimits) {
    const idle = limits.idleMs;
    this.sweeper = idle ? setInterval(() => this.sweep(idle), Math.max(10, Math.floor(idle / 4))) : null;
    this.sweeper?.unref();
  }

  /** Adds one binary frame. Throws FramegateError(BadAttachment) when the peer tracks too many attachments at once. */
  receive(frame: Uint8Array): void {
    const { id, final, payload } = decodeAttachmentFrame(frame);
    let entry = this.entries.get(id);
    if (!entry) {
      if (this.entries.size >= MAX_ENTRIES) throw new FramegateError(ErrorCodes.BadAttachment, `more than ${MAX_ENTRIES} unfinished attachments`);
      entry = { parts: [], bytes: 0, final: false, touched: Date.now(), held: null, refused: null, stream: null };
      this.entries.set(id, entry);
    }
    entry.touched = Date.now();
    if (entry.final) throw new FramegateError(ErrorCodes.BadAttachment, `attachment ${id} got a part after its last one`);
    entry.final = final;
    if (entry.stream) {
      // The frame buffer may be reused by the transport: hand over a copy.
      entry.stream.push(payload.slice(), final);
      if (final) this.entries.delete(id);
      return;
    }
    if (entry.refused) return;
    if (this.heldBytes + payload.byteLength > this.limits.maxHeldBytes) {
      this.refuse(entry, new FramegateError(ErrorCodes.TooLarge, `the upload is larger than the gateway accepts: attachments of one connection may hold ${this.limits.maxHeldBytes} bytes (--max-upload-bytes)`, { maxBytes: this.limits.maxHeldBytes }));
      return;
    }
    try {
      entry.held ??= this.limits.reserve?.(0, `an upload of attachment ${id}`) ?? null;
      entry.held?.resize(entry.bytes + payload.byteLength);
    } catch (error) {
      this.refuse(entry, error instanceof FramegateError ? error : new FramegateError(ErrorCodes.OutOfMemory, String(error)));
      return;
    }
    entry.parts.push(payload.slice());
    entry.bytes += payload.byteLength;
    this.heldBytes += payload.byteLength;
  }

  /** Removes a finished attachment and hands over its parts, still charged until `release`. */
  takeParts(id: number): TakenAttachment {
    const entry = this.entries.get(id);
    if (!entry || entry.stream) throw new FramegateError(ErrorCodes.BadAttachment, `attachment ${id} never arrived (or was dropped after ${this.limits.idleMs ?? '?'} ms unused)`);
    if (entry.refused) {
      this.entries.delete(id);
      throw entry.refused;
    }
    if (!entry.final) throw new FramegateError(ErrorCodes.BadAttachment, `attachment ${id} has not finished arriving`);
    this.entries.delete(id);
    let released = false;
    return {
      parts: entry.parts,
      bytes: entry.bytes,
      release: () => {
        if (released) return;
        released = true;
        this.heldBytes -= entry.bytes;
        entry.held?.release();
      },
    };
  }

  /** Removes and returns a finished attachment as one buffer. */
  take(id: number): Uint8Array {
    const taken = this.takeParts(id);
    try {
      return concat(taken.parts);
    } finally {
      taken.release();
    }
  }

  /**
   * The parts of attachment `id` as they arrive (those that came already first), for a reader
   * that writes them out instead of holding them. Ends after the last part; fails when the
   * inbox closes first.
   */
  stream(id: number): AsyncIterable<Uint8Array> {
    const queue: Uint8Array[] = [];
    let queued = 0;
    let piling = false;
    let done = false;
    let failure: Error | null = null;
    let wake: (() => void) | null = null;
    const existing = this.entries.get(id);
    if (existing?.refused) throw existing.refused;
    const sink: StreamSink = {
      push: (part, final) => {
        if (part.byteLength > 0) queue.push(part);
        queued += part.byteLength;
        if (!piling && queued > STREAM_HIGH_WATER) {
          piling = true;
          this.limits.onBacklog?.(true);
        }
        done ||= final;
        wake?.();
      },
      fail: (error) => {
        failure = error;
        wake?.();
      },
    };
    if (existing) {
      for (const part of existing.parts) sink.push(part, false);
      this.release(existing);
      if (existing.final) sink.push(new Uint8Array(0), true);
      existing.parts = [];
      existing.stream = sink;
      if (existing.final) this.entries.delete(id);
    } else {
      this.entries.set(id, { parts: [], bytes: 0, final: false, touched: Date.now(), held: null, refused: null, stream: sink });
    }
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          while (queue.length === 0 && !done && !failure) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          if (queue.length > 0) {
            const part = queue.shift()!;
            queued -= part.byteLength;
            if (piling && queued < STREAM_LOW_WATER) {
              piling = false;
              this.limits.onBacklog?.(false);
            }
            return { value: part, done: false };
          }
          if (piling) {
            piling = false;
            this.limits.onBacklog?.(false);
          }
          if (failure) throw failure;
          return { value: undefined, done: true };
        },
      }),
    };
  }

  get held(): number {
    return this.heldBytes;
  }

  /** Fails the stream of `id` (its request failed, so its last part will never come). */
  fail(id: number, error: Error): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.release(entry);
    entry.stream?.fail(error);
  }

  /** Drops everything (the connection is gone) and fails open streams. */
  close(reason = 'the connection closed'): void {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const entry of this.entries.values()) {
      this.release(entry);
      entry.stream?.fail(new FramegateError(ErrorCodes.InternalError, `${reason} before the attachment had arrived`));
    }
    this.entries.clear();
  }

  private refuse(entry: Entry, error: FramegateError): void {
    this.release(entry);
    entry.parts = [];
    entry.refused = error;
  }

  private release(entry: Entry): void {
    this.heldBytes -= entry.bytes;
    entry.bytes = 0;
    entry.held?.release();
    entry.held = null;
  }

  private sweep(idleMs: number): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.stream || now - entry.touched < idleMs) continue;
      this.release(entry);
      this.entries.delete(id);
    }
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
