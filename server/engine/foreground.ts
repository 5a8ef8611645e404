/**
 * Windows in flight, so that background reads give them the engine first: a background job waits
 * for a moment with no window in flight before it starts its next query. DuckDB runs queries on
 * one shared thread pool in the order they come, so a warm-up's query started while a window is
 * asked for would make that window wait for it. The wait is bounded: under a steady stream of
 * windows the background still goes on, a piece at a time, or it would never finish the work
 * that makes those windows cheap.
 */
/** Longest a background query waits for windows to finish before it starts anyway. */
export const MAX_BACKGROUND_WAIT_MS = 100;

export class Foreground {
  private active = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly maxWaitMs = MAX_BACKGROUND_WAIT_MS) {}

  /** Marks a window in flight until the returned function is called (once). */
  enter(): () => void {
    this.active++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.active === 0) this.wake();
    };
  }

  get busy(): boolean {
    return this.active > 0;
  }

  /** Background jobs waiting for the windows in flight. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves once no window is in flight (at once when none is), or after the longest wait. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, this.maxWaitMs);
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Lets the event loop serve sockets and timers before going on with long synchronous work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
