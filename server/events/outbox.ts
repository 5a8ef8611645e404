/**
 * One client's queue of events. Events go to the socket only while the socket's own buffer is
 * small; beyond that they wait here, and a client that lets more than `maxEvents` wait is judged
 * not to be reading: the queue is dropped and the client disconnected (close code 4008). So a slow
 * or stuck client holds at most `maxEvents` events plus `highWaterBytes` of socket buffer, and
 * nobody else waits for it: pushing never blocks.
 */

/** What the outbox needs of a connection. */
export interface OutboxChannel {
  sendPrepared(text: string): Promise<void>;
  readonly bufferedAmount: number;
  /** Resolves once what was sent so far has been handed to the network (or the connection closed). */
  flushed(): Promise<void>;
}

export interface OutboxLimits {
  /** Events that may wait for one client before it is disconnected. */
  maxEvents: number;
  /** Socket buffer above which events wait in the queue rather than in the socket. */
  highWaterBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxEvents: 1_000, highWaterBytes: 256 * 1024 };

export class EventOutbox {
  private readonly queue: string[] = [];
  private waiting = false;
  private closed = false;
  /** Most events that waited at once, for admin views and tests. */
  private peak = 0;

  constructor(
    private readonly channel: OutboxChannel,
    private readonly limits: OutboxLimits,
    /** Called once, when the queue overflows: the owner disconnects the client. */
    private readonly overflow: (queued: number) => void,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  get peakSize(): number {
    return this.peak;
  }

  /** Queues a serialized notification; never waits. */
  push(text: string): void {
    if (this.closed) return;
    if (this.queue.length >= this.limits.maxEvents) {
      const queued = this.queue.length;
      this.close();
      this.overflow(queued);
      return;
    }
    this.queue.push(text);
    this.peak = Math.max(this.peak, this.queue.length);
    this.pump();
  }

  /** Drops what waits; later pushes are ignored. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private pump(): void {
    if (this.waiting) return;
    while (!this.closed && this.queue.length > 0 && this.channel.bufferedAmount < this.limits.highWaterBytes) {
      // A closed connection rejects: the session's own close handling takes it from there.
      this.channel.sendPrepared(this.queue.shift()!).catch(() => this.close());
    }
    if (this.closed || this.queue.length === 0) return;
    this.waiting = true;
    void this.channel.flushed().then(() => {
      this.waiting = false;
      this.pump();
    });
  }
}
