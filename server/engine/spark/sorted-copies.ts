/**
 * Sorted copies, shared by every session: one numbered table per (source table, sort keys),
 * written once by `ORDER BY <keys> NULLS LAST, __fg_row` (so ties keep the source's order, and a
 * top-N query with the same keys agrees with it), then read by row-id ranges like any table.
 * Bounded by their total rows; the least recently used are dropped first, and all of a source's
 * copies when it is dropped.
 */
import type { NumberedTable } from './reader';

interface Entry {
  source: string;
  order: string;
  building: Promise<NumberedTable>;
  built: NumberedTable | null;
  rows: number;
  lastUsed: number;
}

export interface SortedCopiesStats {
  builds: number;
  hits: number;
  evictions: number;
  rows: number;
}

export class SortedCopies {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;
  private readonly stats = { builds: 0, hits: 0, evictions: 0 };

  constructor(
    private readonly build: (source: NumberedTable, order: string) => Promise<NumberedTable>,
    private readonly drop: (table: string) => Promise<void>,
    private readonly maxRows: number,
  ) {}

  private static key(source: string, order: string): string {
    return `${source}\n${order}`;
  }

  /** The copy if it is built (and marks it used), else null. */
  built(source: string, order: string): NumberedTable | null {
    const entry = this.entries.get(SortedCopies.key(source, order));
    if (!entry?.built) return null;
    entry.lastUsed = ++this.clock;
    this.stats.hits++;
    return entry.built;
  }

  /** The copy, building it once (concurrent callers share the build). */
  async get(source: NumberedTable, order: string): Promise<NumberedTable> {
    const key = SortedCopies.key(source.table, order);
    let entry = this.entries.get(key);
    if (entry?.built) {
      entry.lastUsed = ++this.clock;
      this.stats.hits++;
      return entry.built;
    }
    if (!entry) {
      this.stats.builds++;
      const building = this.build(source, order);
      entry = { source: source.table, order, building, built: null, rows: source.numbering.rowCount, lastUsed: ++this.clock };
      const created = entry;
      this.entries.set(key, created);
      building.then(
        (copy) => {
          created.built = copy;
          void this.evict(key);
        },
        () => {
          if (this.entries.get(key) === created) this.entries.delete(key);
        },
      );
    }
    return entry.building;
  }

  /** Drops least recently used built copies while the total exceeds the bound (never `keep`). */
  private async evict(keep: string): Promise<void> {
    let total = [...this.entries.values()].reduce((n, e) => n + e.rows, 0);
    const victims = [...this.entries.entries()].filter(([k, e]) => k !== keep && e.built).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, entry] of victims) {
      if (total <= this.maxRows) break;
      this.entries.delete(key);
      total -= entry.rows;
      this.stats.evictions++;
      await this.drop(entry.built!.table).catch(() => undefined);
    }
  }

  /** Forgets built copies whose tables (names in `database`) are not in `existing`. */
  retain(existing: Set<string>, database: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.built && !existing.has(entry.built.table.slice(database.length + 1))) this.entries.delete(key);
    }
  }

  /** Forgets one copy (its table vanished); the next `get` builds it again. */
  invalidate(source: string, order: string): void {
    this.entries.delete(SortedCopies.key(source, order));
  }

  /** Drops every copy of `source` (after its builds finish). */
  async forget(source: string): Promise<void> {
    const mine = [...this.entries.entries()].filter(([, e]) => e.source === source);
    for (const [key] of mine) this.entries.delete(key);
    await Promise.allSettled(mine.map(async ([, e]) => this.drop((await e.building).table)));
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(all.map(async (e) => this.drop((await e.building).table)));
  }

  getStats(): SortedCopiesStats {
    return { ...this.stats, rows: [...this.entries.values()].reduce((n, e) => n + e.rows, 0) };
  }
}
