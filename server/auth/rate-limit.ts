/**
 * Slows down guessing: every failed authentication from an address adds to its count, and once
 * past a few, each further attempt from there is answered only after a delay that doubles per
 * failure (capped). Counts fade after a quiet period; a success clears them.
 */

export interface FailureLimiterOptions {
  /** Failures answered at once before delays start. */
  freeFailures?: number;
  /** Delay of the first slowed attempt; doubles per further failure. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A count is forgotten this long after its last failure. */
  forgetAfterMs?: number;
  /** Addresses tracked at most (oldest forgotten first), so a flood of addresses cannot grow memory. */
  maxAddresses?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  last: number;
}

export class FailureLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly free: number;
  private readonly base: number;
  private readonly max: number;
  private readonly forgetAfter: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;

  constructor(options: FailureLimiterOptions = {}) {
    this.free = options.freeFailures ?? 3;
    this.base = options.baseDelayMs ?? 250;
    this.max = options.maxDelayMs ?? 8_000;
    this.forgetAfter = options.forgetAfterMs ?? 15 * 60_000;
    this.maxAddresses = options.maxAddresses ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** How long to hold an attempt from `address` before answering it. */
  delayFor(address: string): number {
    const entry = this.current(address);
    if (!entry || entry.failures < this.free) return 0;
    return Math.min(this.max, this.base * 2 ** (entry.failures - this.free));
  }

  failed(address: string): void {
    const entry = this.current(address) ?? { failures: 0, last: 0 };
    entry.failures++;
    entry.last = this.now();
    this.entries.delete(address);
    this.entries.set(address, entry);
    if (this.entries.size > this.maxAddresses) this.entries.delete(this.entries.keys().next().value!);
  }

  succeeded(address: string): void {
    this.entries.delete(address);
  }

  private current(address: string): Entry | undefined {
    const entry = this.entries.get(address);
    if (entry && this.now() - entry.last > this.forgetAfter) {
      this.entries.delete(address);
      return undefined;
    }
    return entry;
  }
}
