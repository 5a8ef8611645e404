/** Work an engine has started, so that closing can refuse new work and wait for what runs. */
import { ErrorCodes, FramegateError } from '../../protocol';

export class WorkTracker {
  private readonly running = new Set<Promise<unknown>>();
  private closing = false;

  /** Starts work unless closing; `close` waits for it. */
  track<T>(start: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new FramegateError(ErrorCodes.InternalError, 'the engine is closing'));
    let work: Promise<T>;
    try {
      work = start();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Refuses new work from now on and waits for the work running (failures included). */
  async close(): Promise<void> {
    this.closing = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
