/**
 * One memory budget for everything the gateway holds outside the engine's own accounting: query
 * results kept for sessions, sorted copies and hot blocks, window buffers, upload parts, send
 * queues. Whoever is about to hold bytes reserves them first and releases them when done; a
 * reservation that does not fit fails that request with a clear error, and everyone else goes on.
 */
import { ErrorCodes, FramegateError } from '../../protocol';

export interface Reservation {
  readonly bytes: number;
  /** Grows or shrinks the reservation; growing past the budget throws like `reserve`. */
  resize(bytes: number): void;
  /** Idempotent. */
  release(): void;
}

export interface MemoryBudget {
  readonly limitBytes: number;
  readonly usedBytes: number;
  /** Reserves `bytes` for `what` (named in the error), or throws FramegateError(OutOfMemory). */
  reserve(bytes: number, what: string): Reservation;
  /** Like `reserve`, but null instead of an error (for caches that can simply not keep something). */
  tryReserve(bytes: number, what: string): Reservation | null;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function createMemoryBudget(limitBytes: number): MemoryBudget {
  let used = 0;
  const fits = (extra: number) => used + extra <= limitBytes;
  const refuse = (bytes: number, what: string) =>
    new FramegateError(
      ErrorCodes.OutOfMemory,
      `not enough memory for ${what}: it needs ${formatBytes(bytes)} and ${formatBytes(Math.max(0, limitBytes - used))} of the gateway's ${formatBytes(limitBytes)} are free (--memory-limit)`,
      { needed: bytes, free: Math.max(0, limitBytes - used), limit: limitBytes },
    );
  const make = (initial: number, what: string): Reservation => {
    let held = initial;
    let released = false;
    used += initial;
    return {
      get bytes() {
        return held;
      },
      resize(bytes) {
        if (released) throw new Error('resize of a released reservation');
        const extra = bytes - held;
        if (extra > 0 && !fits(extra)) throw refuse(bytes, what);
        used += extra;
        held = bytes;
      },
      release() {
        if (released) return;
        released = true;
        used -= held;
        held = 0;
      },
    };
  };
  return {
    limitBytes,
    get usedBytes() {
      return used;
    },
    reserve(bytes, what) {
      if (!fits(bytes)) throw refuse(bytes, what);
      return make(bytes, what);
    },
    tryReserve(bytes, what) {
      return fits(bytes) ? make(bytes, what) : null;
    },
  };
}
