/**
 * Sorted copies of frames and results, built once per (source table, sort spec) and then read by
 * rowid range, so scrolling a sorted grid never sorts again. Least recently used copies are
 * dropped when the rows held exceed a bound. Concurrent requests for one copy share one build.
 */
export interface SortCacheStats {
  builds: number;
  hits: number;
  evictions: number;
  entries: number;
  rows: number;
}

export interface SortCacheBackend {
  /** Creates `target` as the sorted copy of `source`; resolves when done. */
  build(source: string, orderBy: string, target: string): Promise<void>;
  drop(target: string): Promise<void>;
}

interface Entry {
  source: string;
  target: string;
  rows: number;
  ready: Promise<void>;
  built: boolean;
  users: number;
  /** Taken out of the cache while a reader held it: dropped when the last reader is done. */
  removed: boolean;
}

export class SortCache {
  private readonly entries = new Map<string, Entry>(); // insertion order = recency order
  private counter = 0;
  private readonly stats = { builds: 0, hits: 0, evictions: 0 };

  constructor(
    private readonly backend: SortCacheBackend,
    private readonly maxRows: number,
    private readonly targetPrefix: string,
  ) {}

  private entryFor(source: string, orderBy: string, rows: number): { entry: Entry; existed: boolean } {
    const key = `${source}\u0000${orderBy}`;
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found); // most recently used last
      return { entry: found, existed: true };
    }
    const target = `${this.targetPrefix}${++this.counter}`;
    const created: Entry = { source, target, rows, built: false, users: 0, removed: false, ready: Promise.resolve() };
    created.ready = this.backend.build(source, orderBy, target).then(
      () => {
        created.built = true;
      },
      (error: unknown) => {
        if (this.entries.get(key) === created) this.entries.delete(key);
        throw error;
      },
    );
    created.ready.catch(() => undefined); // a build nobody waits for must not be an unhandled rejection
    this.entries.set(key, created);
    this.stats.builds++;
    return { entry: created, existed: false };
  }

  /** True when the sorted copy exists and is built. */
  isBuilt(source: string, orderBy: string): boolean {
    return this.entries.get(`${source}\u0000${orderBy}`)?.built ?? false;
  }

  /** Starts building the sorted copy in the background unless it exists or is being built. */
  prefetch(source: string, orderBy: string, rows: number): Promise<void> {
    const { entry } = this.entryFor(source, orderBy, rows);
    return entry.ready.then(() => this.evict());
  }

  /**
   * Runs `read` against the sorted copy of `source` (building it if needed). The copy is not
   * dropped while `read` runs.
   */
  async withSorted<T>(source: string, orderBy: string, rows: number, read: (table: string) => Promise<T>): Promise<T> {
    const { entry, existed } = this.entryFor(source, orderBy, rows);
    if (existed) this.stats.hits++;
    entry.users++;
    try {
      await entry.ready;
      return await read(entry.target);
    } finally {
      entry.users--;
      if (entry.removed && entry.users === 0) await this.backend.drop(entry.target).catch(() => undefined);
      await this.evict();
    }
  }

  /** Drops the copies of a source that is gone (a replaced frame version, a closed result). */
  async forget(source: string): Promise<void> {
    for (const [key, entry] of [...this.entries]) {
      if (entry.source !== source) continue;
      this.entries.delete(key);
      await this.dropEntry(entry);
    }
  }

  getStats(): SortCacheStats {
    let rows = 0;
    for (const entry of this.entries.values()) rows += entry.rows;
    return { ...this.stats, entries: this.entries.size, rows };
  }

  async clear(): Promise<void> {
    for (const [key, entry] of [...this.entries]) {
      this.entries.delete(key);
      await this.dropEntry(entry);
    }
  }

  private async evict(): Promise<void> {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.rows;
    for (const [key, entry] of [...this.entries]) {
      if (total <= this.maxRows) break;
      if (entry.users > 0 || !entry.built) continue;
      this.entries.delete(key);
      total -= entry.rows;
      this.stats.evictions++;
      await this.dropEntry(entry);
    }
  }

  private async dropEntry(entry: Entry): Promise<void> {
    try {
      await entry.ready;
    } catch {
      return; // never built
    }
    entry.removed = true;
    if (entry.users > 0) return; // the last reader drops it
    await this.backend.drop(entry.target).catch(() => undefined);
  }
}
