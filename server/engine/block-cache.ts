/**
 * Hot blocks of column data. A block is rows [b·B, (b+1)·B) of one column of one source (stored
 * data or a result: immutable tables whose rowids are 0…n-1), read from the engine once in Arrow's
 * memory layout; every window that falls in it is a copy of a slice, never another query.
 *
 * Bounded in bytes twice over: the cache's own bound, and the gateway's memory budget, from which
 * every block reserves its bytes while it is held. Least recently used blocks go first; a block
 * that cannot be held at all is still returned to its caller, just not kept. Loads of one block
 * are shared. A forgotten source (dropped, replaced, closed) takes its blocks with it, and a load
 * that was running for it is not kept: its result belongs to a handle the cache no longer knows.
 */
import type { MemoryBudget, Reservation } from '../memory/budget';
import { isVariableColumn, type ColumnData } from './columns';

/** Reads rows [block·blockRows, …) of `columns` (in that order) from the engine. */
export type BlockLoader = (columns: string[], block: number) => Promise<ColumnData[]>;

export interface BlockCacheOptions {
  /** Rows per block. */
  blockRows: number;
  /** Bound on the bytes of all blocks held. */
  maxBytes: number;
  budget: MemoryBudget;
}

export interface BlockCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  /** Blocks read but not kept (the bound or the budget had no room). */
  unkept: number;
  blocks: number;
  bytes: number;
}

/** The cache's view of one source; a new handle after `forget` means new data. */
export interface SourceHandle {
  readonly key: string;
  readonly rowCount: number;
}

interface Source extends SourceHandle {
  /** `${column}\u0000${block}` → entry. */
  readonly blocks: Map<string, Entry>;
  readonly loading: Map<string, Promise<ColumnData>>;
}

interface Entry {
  source: Source;
  slot: string;
  data: ColumnData;
  reservation: Reservation;
}

export function columnBytes(column: ColumnData): number {
  const validity = column.validity?.byteLength ?? 0;
  return validity + (isVariableColumn(column) ? column.offsets.byteLength + column.data.byteLength : column.values.byteLength);
}

const slotOf = (column: string, block: number) => `${column}\u0000${block}`;

export class BlockCache {
  readonly blockRows: number;
  private readonly sources = new Map<string, Source>();
  /** Every entry, least recently used first. */
  private readonly recency = new Set<Entry>();
  private heldBytes = 0;
  private readonly counts = { hits: 0, misses: 0, evictions: 0, unkept: 0 };

  constructor(private readonly options: BlockCacheOptions) {
    if (!Number.isInteger(options.blockRows) || options.blockRows < 1) throw new Error(`blockRows must be a positive integer, not ${options.blockRows}`);
    this.blockRows = options.blockRows;
  }

  /** The handle of a source, made on first use. `rowCount` is fixed for a key until it is forgotten. */
  source(key: string, rowCount: number): SourceHandle {
    let source = this.sources.get(key);
    if (!source) {
      source = { key, rowCount, blocks: new Map(), loading: new Map() };
      this.sources.set(key, source);
    }
    return source;
  }

  /** False once the source was forgotten: what was read for this handle belongs to old data. */
  isCurrent(handle: SourceHandle): boolean {
    return this.known(handle) !== undefined;
  }

  blockCount(source: SourceHandle): number {
    return Math.ceil(source.rowCount / this.blockRows);
  }

  /** Rows in a block (the last one may be short). */
  rowsIn(source: SourceHandle, block: number): number {
    return Math.max(0, Math.min(this.blockRows, source.rowCount - block * this.blockRows));
  }

  /**
   * The blocks `block` of `columns`, loading the missing ones with one call of `load`. Resolves
   * with the data whether or not it could be kept.
   */
  async get(handle: SourceHandle, columns: string[], block: number, load: BlockLoader): Promise<ColumnData[]> {
    const source = this.known(handle);
    const found: (ColumnData | Promise<ColumnData> | undefined)[] = columns.map((column) => {
      const slot = slotOf(column, block);
      const entry = source?.blocks.get(slot);
      if (entry) {
        this.touch(entry);
        return entry.data;
      }
      // A shared load that failed may have failed for its own caller only (cancelled): load it ourselves.
      return source?.loading.get(slot)?.catch(async () => (await load([column], block))[0]!);
    });
    const missing = [...new Set(columns.filter((_, i) => found[i] === undefined))];
    if (missing.length === 0 && found.every((f) => !(f instanceof Promise))) {
      this.counts.hits++;
      return found as ColumnData[];
    }
    this.counts.misses++;
    if (missing.length > 0) {
      const loaded = load(missing, block).then((data) => {
        if (data.length !== missing.length) throw new Error(`block loader returned ${data.length} columns for ${missing.length}`);
        return data;
      });
      const pending = new Map<string, Promise<ColumnData>>();
      missing.forEach((column, i) => {
        const slot = slotOf(column, block);
        const one = loaded.then((data) => data[i]!);
        pending.set(column, one);
        if (!source) return;
        source.loading.set(slot, one);
        void one
          .then(
            (data) => this.keep(source, slot, data),
            () => undefined,
          )
          .finally(() => {
            if (source.loading.get(slot) === one) source.loading.delete(slot);
          });
      });
      for (let i = 0; i < columns.length; i++) found[i] ??= pending.get(columns[i]!);
    }
    return Promise.all(found.map(async (f) => (await f)!));
  }

  /** The block if it is held (no load); touches it. */
  peek(handle: SourceHandle, column: string, block: number): ColumnData | undefined {
    const entry = this.known(handle)?.blocks.get(slotOf(column, block));
    if (entry) this.touch(entry);
    return entry?.data;
  }

  /** True while a load of the block is under way (a `get` joins it). */
  isLoading(handle: SourceHandle, column: string, block: number): boolean {
    return this.known(handle)?.loading.has(slotOf(column, block)) ?? false;
  }

  /** True when every block of `columns` is held. */
  holdsAll(handle: SourceHandle, columns: string[]): boolean {
    const source = this.known(handle);
    if (!source) return false;
    const count = this.blockCount(source);
    for (const column of columns) for (let block = 0; block < count; block++) if (!source.blocks.has(slotOf(column, block))) return false;
    return true;
  }

  /** Keeps a block read by someone else (a whole-source read); false if there was no room. */
  offer(handle: SourceHandle, column: string, block: number, data: ColumnData): boolean {
    const source = this.known(handle);
    if (!source) return false;
    const slot = slotOf(column, block);
    if (source.blocks.has(slot)) return true;
    return this.keep(source, slot, data);
  }

  /** Whether `bytes` more could be held without evicting anything (bound and budget). */
  hasRoomFor(bytes: number): boolean {
    return this.heldBytes + bytes <= this.options.maxBytes && this.options.budget.usedBytes + bytes <= this.options.budget.limitBytes;
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** Drops every block of a source; loads still running for it are not kept. */
  forget(key: string): void {
    const source = this.sources.get(key);
    if (!source) return;
    this.sources.delete(key);
    for (const entry of source.blocks.values()) this.remove(entry);
  }

  clear(): void {
    for (const key of [...this.sources.keys()]) this.forget(key);
  }

  stats(): BlockCacheStats {
    return { ...this.counts, blocks: this.recency.size, bytes: this.heldBytes };
  }

  /** The live source behind a handle, or undefined when the handle is stale (forgotten since). */
  private known(handle: SourceHandle): Source | undefined {
    const source = this.sources.get(handle.key);
    return source === handle ? source : undefined;
  }

  private keep(source: Source, slot: string, data: ColumnData): boolean {
    if (this.sources.get(source.key) !== source || source.blocks.has(slot)) return false;
    const bytes = columnBytes(data);
    if (bytes > this.options.maxBytes) {
      this.counts.unkept++;
      return false;
    }
    while (this.heldBytes + bytes > this.options.maxBytes) this.evictOldest();
    let reservation = this.options.budget.tryReserve(bytes, 'cached blocks of frames');
    while (!reservation && this.recency.size > 0) {
      this.evictOldest();
      reservation = this.options.budget.tryReserve(bytes, 'cached blocks of frames');
    }
    if (!reservation) {
      this.counts.unkept++;
      return false;
    }
    const entry: Entry = { source, slot, data, reservation };
    source.blocks.set(slot, entry);
    this.recency.add(entry);
    this.heldBytes += bytes;
    return true;
  }

  private touch(entry: Entry): void {
    this.recency.delete(entry);
    this.recency.add(entry);
  }

  private evictOldest(): void {
    const oldest = this.recency.values().next();
    if (oldest.done) return;
    this.counts.evictions++;
    this.remove(oldest.value);
  }

  private remove(entry: Entry): void {
    if (!this.recency.delete(entry)) return;
    entry.source.blocks.delete(entry.slot);
    this.heldBytes -= entry.reservation.bytes;
    entry.reservation.release();
  }
}
