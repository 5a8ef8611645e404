/**
 * Sort orders as rowids, found piece by piece. For each (source, sort) the index holds ranges of
 * sorted positions with the rowid of the row at each position, which the engine locates on demand
 * (see duckdb/sort-locate.ts): a window in the middle of a new sort waits for the rows around it
 * only, never for a sort of the whole source, and no sort copies the data (4 bytes per located
 * row). Windows then pick their rows out of the cached blocks by rowid.
 *
 * Bounded in bytes (its own bound, and reservations from the memory budget); least recently used
 * ranges go first. Concurrent requests for positions one locate covers share it. A forgotten
 * source takes its ranges with it; locates still running for it are not kept.
 */
import type { MemoryBudget, Reservation } from '../memory/budget';
import type { RowIds } from './row-slices';

/** Rowids of sorted positions [start, start + rowids.length). */
export interface LocatedRange {
  start: number;
  rowids: RowIds;
}

/** Finds the rowids of sorted positions [from, to); it may return more positions around them. */
export type Locator = (from: number, to: number) => Promise<LocatedRange[]>;

export interface SortIndexOptions {
  maxBytes: number;
  budget: MemoryBudget;
}

export interface SortIndexStats {
  hits: number;
  locates: number;
  evictions: number;
  ranges: number;
  bytes: number;
}

interface Order {
  readonly source: string;
  readonly key: string;
  /** Sorted by start; they may overlap. */
  ranges: Range[];
  pending: { from: number; to: number; done: Promise<LocatedRange[]> }[];
}

interface Range extends LocatedRange {
  order: Order;
  reservation: Reservation;
}

function covering(ranges: readonly LocatedRange[], position: number): LocatedRange | undefined {
  return ranges.find((r) => r.start <= position && position < r.start + r.rowids.length);
}

/** Rowids of [from, to) stitched from ranges, or null when some position is not in any. */
function stitch(ranges: readonly LocatedRange[], from: number, to: number): RowIds | null {
  const whole = ranges.find((r) => r.start <= from && to <= r.start + r.rowids.length);
  if (whole) return whole.rowids.subarray(from - whole.start, to - whole.start);
  let out: RowIds | null = null;
  for (let position = from; position < to; ) {
    const range = covering(ranges, position);
    if (!range) return null;
    const end = Math.min(to, range.start + range.rowids.length);
    out ??= range.rowids instanceof Uint32Array ? new Uint32Array(to - from) : new Float64Array(to - from);
    out.set(range.rowids.subarray(position - range.start, end - range.start), position - from);
    position = end;
  }
  return out ?? new Uint32Array(0);
}

export class SortIndex {
  private readonly orders = new Map<string, Order>();
  /** Every kept range, least recently used first. */
  private readonly recency = new Set<Range>();
  private heldBytes = 0;
  private readonly counts = { hits: 0, locates: 0, evictions: 0 };

  constructor(private readonly options: SortIndexOptions) {}

  /** The rowids at sorted positions [from, to) of `source` in `order`, located if need be. */
  async rowids(source: string, order: string, from: number, to: number, locate: Locator): Promise<RowIds> {
    if (to <= from) return new Uint32Array(0);
    const entry = this.entry(source, order);
    const known = this.lookup(entry, from, to);
    if (known) {
      this.counts.hits++;
      return known;
    }
    const shared = entry.pending.find((p) => p.from <= from && to <= p.to);
    // A shared locate that failed may have failed for its own caller only (cancelled): try ours.
    const located = shared ? await shared.done.catch(() => this.startLocate(entry, from, to, locate)) : await this.startLocate(entry, from, to, locate);
    const found = this.lookup(entry, from, to) ?? stitch(located, from, to);
    if (!found) throw new Error(`the sort index located no rows for positions ${from}–${to - 1}`);
    return found;
  }

  /** How many located ranges of an order are kept (how many places of it were looked at). */
  rangeCount(source: string, order: string): number {
    return this.orders.get(`${source}\u0000${order}`)?.ranges.length ?? 0;
  }

  /** Whether a range of `rows` positions would be kept whole (the bound keeps any one range to a quarter). */
  canKeep(rows: number): boolean {
    const width = rows <= 0xffffffff ? 4 : 8;
    return rows * width <= this.options.maxBytes / 4;
  }

  /** Keeps a range found by someone else (a whole sort run in the background). */
  offer(source: string, order: string, range: LocatedRange): void {
    const entry = this.entry(source, order);
    this.keep(entry, range, range.start, range.start + range.rowids.length);
    this.dropIfEmpty(entry);
  }

  /** The rowids of [from, to) if they are all located already. */
  peek(source: string, order: string, from: number, to: number): RowIds | null {
    const entry = this.orders.get(`${source}\u0000${order}`);
    return entry ? this.lookup(entry, from, to) : null;
  }

  /** Forgets every sort of a source. */
  forget(source: string): void {
    for (const [key, entry] of [...this.orders]) {
      if (entry.source !== source) continue;
      this.orders.delete(key);
      for (const range of entry.ranges) this.remove(range);
    }
  }

  clear(): void {
    for (const entry of [...this.orders.values()]) this.forget(entry.source);
  }

  stats(): SortIndexStats {
    return { ...this.counts, ranges: this.recency.size, bytes: this.heldBytes };
  }

  private entry(source: string, order: string): Order {
    const key = `${source}\u0000${order}`;
    let entry = this.orders.get(key);
    if (!entry) {
      entry = { source, key, ranges: [], pending: [] };
      this.orders.set(key, entry);
    }
    return entry;
  }

  private lookup(entry: Order, from: number, to: number): RowIds | null {
    const found = stitch(entry.ranges, from, to);
    if (found) for (const range of entry.ranges) if (range.start < to && from < range.start + range.rowids.length) this.touch(range);
    return found;
  }

  private startLocate(entry: Order, from: number, to: number, locate: Locator): Promise<LocatedRange[]> {
    this.counts.locates++;
    const done = locate(from, to);
    const pending = { from, to, done };
    entry.pending.push(pending);
    const settle = () => {
      entry.pending = entry.pending.filter((p) => p !== pending);
      this.dropIfEmpty(entry);
    };
    done.then((ranges) => {
      for (const range of ranges) this.keep(entry, range, from, to);
      settle();
    }, settle);
    return done;
  }

  /** Keeps a located range, cut down around [from, to) when the whole would take more than a quarter of the bound. */
  private keep(entry: Order, located: LocatedRange, from: number, to: number): void {
    if (this.orders.get(entry.key) !== entry || located.rowids.length === 0) return;
    const width = located.rowids.BYTES_PER_ELEMENT;
    const most = Math.floor(this.options.maxBytes / 4 / width);
    let { start, rowids } = located;
    if (rowids.length > most) {
      const centre = Math.floor((Math.max(from, start) + Math.min(to, start + rowids.length)) / 2);
      const cut = Math.max(start, Math.min(centre - Math.floor(most / 2), start + rowids.length - most));
      rowids = rowids.slice(cut - start, cut - start + most);
      start = cut;
    }
    if (rowids.length === 0) return;
    const bytes = rowids.byteLength;
    while (this.heldBytes + bytes > this.options.maxBytes && this.recency.size > 0) this.evictOldest();
    let reservation = this.options.budget.tryReserve(bytes, 'sort orders of frames');
    while (!reservation && this.recency.size > 0) {
      this.evictOldest();
      reservation = this.options.budget.tryReserve(bytes, 'sort orders of frames');
    }
    if (!reservation) return;
    const end = start + rowids.length;
    const range: Range = { start, rowids, order: entry, reservation };
    const inside = entry.ranges.filter((r) => start <= r.start && r.start + r.rowids.length <= end);
    entry.ranges = [...entry.ranges, range].sort((a, b) => a.start - b.start);
    this.recency.add(range);
    this.heldBytes += bytes;
    // Ranges inside the new one add nothing (removed after it is in, so the order is never empty meanwhile).
    for (const old of inside) this.remove(old);
  }

  private touch(range: Range): void {
    this.recency.delete(range);
    this.recency.add(range);
  }

  private evictOldest(): void {
    const oldest = this.recency.values().next();
    if (oldest.done) return;
    this.counts.evictions++;
    this.remove(oldest.value);
  }

  private remove(range: Range): void {
    if (!this.recency.delete(range)) return;
    range.order.ranges = range.order.ranges.filter((r) => r !== range);
    this.heldBytes -= range.reservation.bytes;
    range.reservation.release();
    this.dropIfEmpty(range.order);
  }

  /** An order with nothing located and nothing being located is forgotten (sorts come and go). */
  private dropIfEmpty(entry: Order): void {
    if (entry.ranges.length === 0 && entry.pending.length === 0 && this.orders.get(entry.key) === entry) this.orders.delete(entry.key);
  }
}
