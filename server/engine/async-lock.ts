/** Promise-based locks: writes to one frame name run one at a time; a session runs one query at a time. */

/** Runs tasks one after another, in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One Mutex per key, dropped when idle. */
export class KeyedLock {
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let entry = this.locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.run(task);
    } finally {
      if (--entry.users === 0) this.locks.delete(key);
    }
  }
}
