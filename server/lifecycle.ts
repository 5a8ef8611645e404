/**
 * The gateway's working state, for a graceful stop: running (takes work), draining (takes no new
 * work; what runs may finish until the deadline), and past the deadline (what still runs is being
 * cancelled, and no save is recorded any more). It counts the requests in flight so a stop can
 * wait for them.
 */
import { ErrorCodes, FramegateError } from '../protocol';

export type LifecycleState = 'running' | 'draining' | 'past-deadline';

export class Lifecycle {
  private current: LifecycleState = 'running';
  private deadlineAt: Date | undefined;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  get state(): LifecycleState {
    return this.current;
  }

  get deadline(): Date | undefined {
    return this.deadlineAt;
  }

  /** Past the deadline: work still running is cancelled and must not be recorded. */
  get pastDeadline(): boolean {
    return this.current === 'past-deadline';
  }

  get running(): number {
    return this.inFlight;
  }

  /** Throws ShuttingDown once the gateway drains: no new work. */
  admit(): void {
    if (this.current === 'running') return;
    const when = this.deadlineAt ? ` (connections close at ${this.deadlineAt.toISOString()})` : '';
    throw new FramegateError(ErrorCodes.ShuttingDown, `the gateway is shutting down and takes no new work${when}`);
  }

  /** Counts `work` in flight until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work();
    } finally {
      // Idle once the last reply has been handed to its socket: replies are written in the
      // microtasks after the work settles, before setImmediate runs.
      if (--this.inFlight === 0) setImmediate(() => this.wakeIfIdle());
    }
  }

  private wakeIfIdle(): void {
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  drain(deadline: Date): void {
    if (this.current !== 'running') return;
    this.current = 'draining';
    this.deadlineAt = deadline;
  }

  passDeadline(): void {
    this.current = 'past-deadline';
  }

  /** Resolves true once nothing is in flight, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      this.idleWaiters.push(done);
    });
  }
}
