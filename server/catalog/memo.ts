/**
 * Answers of the catalog remembered while it has not changed: resolving a name and loading a
 * principal run on every window, and on a busy gateway most of them ask what was just asked.
 * Any write to the catalog (one row changed by this connection, or a commit by another) makes
 * every answer stale, so access stays exact: a revoked grant refuses the very next request.
 */
import type { Db } from './store';

/** A value that changes whenever the catalog's content may have changed. */
export function catalogVersion(db: Db): () => string {
  // total_changes(): rows changed through this connection; data_version: commits by others.
  const changes = db.prepare('SELECT total_changes() AS n');
  const commits = db.prepare('PRAGMA data_version');
  return () => `${(changes.get() as { n: number }).n}:${(commits.get() as { data_version: number }).data_version}`;
}

export class CatalogMemo<T> {
  private seen = '';
  private readonly values = new Map<string, T>();

  constructor(
    private readonly version: () => string,
    private readonly maxEntries = 4096,
  ) {}

  /** The remembered answer for `key`, or `compute()`'s (remembered when it returns). */
  get(key: string, compute: () => T): T {
    const now = this.version();
    if (now !== this.seen) {
      this.values.clear();
      this.seen = now;
    }
    const known = this.values.get(key);
    if (known !== undefined) return known;
    const value = compute();
    // The answer is for the catalog as it was before computing: a compute that wrote is not kept.
    if (this.version() !== now) return value;
    if (this.values.size >= this.maxEntries) this.values.delete(this.values.keys().next().value!);
    this.values.set(key, value);
    return value;
  }
}
