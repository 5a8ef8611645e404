/**
 * Work the windows ask for but do not wait for, one job at a time on a connection of its own:
 * - warming: a whole source read into the block cache, so sorted windows (which pick rows from
 *   anywhere) are served from memory; only when the cache has room for all of it;
 * - whole sorts: every rowid of a sort order, so that after the first located windows every
 *   position of that sort is known; only when the sort index can keep it.
 * A job stops early when room runs out, its source is forgotten or its stored data is being
 * dropped, or the engine closes. Jobs asked for twice run once.
 */
import type { ColumnInfo, SortKey } from '../../../protocol';
import { Mutex } from '../async-lock';
import { yieldToEventLoop, type Foreground } from '../foreground';
import type { BlockCache, SourceHandle } from '../block-cache';
import { BYTE_WIDTH, isVariableWidth } from '../columns';
import type { SortIndex } from '../sort-index';
import type { WorkTracker } from '../work-tracker';
import { kindOfTypeName, type DuckConnection, type DuckDatabase } from './duckdb';
import { locateSorted, type LocateTuning } from './sort-locate';
import { readBlocks, type ReadableSource } from './source-reads';
import type { Storage } from './storage';

export interface BackgroundParts {
  db: DuckDatabase;
  blocks: BlockCache;
  sortIndex: SortIndex;
  storage: Storage;
  work: WorkTracker;
  locate: LocateTuning;
  queryTimeoutMs: number;
  /** Blocks per query of a whole-source read: small, so a window never waits long behind one. */
  pieceBlocks: number;
  /** Windows in flight: each piece waits until there are none. */
  foreground: Foreground;
}

/** Bytes a row of these columns takes in blocks, guessing 16 bytes of text per string value. */
export function estimatedRowBytes(columns: ColumnInfo[]): number {
  return columns.reduce((sum, column) => {
    const kind = kindOfTypeName(column.type);
    return sum + (isVariableWidth(kind) ? 4 + 16 : BYTE_WIDTH[kind]);
  }, 0);
}

export class BackgroundReads {
  private readonly queue = new Mutex();
  private readonly asked = new Set<string>();
  private readonly done = { warms: 0, sorts: 0 };

  constructor(private readonly parts: BackgroundParts) {}

  /** Jobs completed (for tests and measurements). */
  get completed(): { warms: number; sorts: number } {
    return { ...this.done };
  }

  /** Reads `columns` of a source into the block cache, unless held, asked for already, or too big. */
  warm(handle: SourceHandle, src: ReadableSource, columns: ColumnInfo[]): void {
    const { blocks } = this.parts;
    const names = columns.map((c) => c.name);
    if (blocks.holdsAll(handle, names) || !blocks.hasRoomFor(src.rowCount * estimatedRowBytes(columns))) return;
    this.run(`warm\u0000${handle.key}\u0000${names.join('\u0000')}`, src, async (conn, stop) => {
      if (blocks.holdsAll(handle, names)) return;
      let block = 0;
      const { foreground } = this.parts;
      for await (const batch of readBlocks(conn, src, columns, blocks.blockRows, this.parts.pieceBlocks, this.parts.queryTimeoutMs, 0, () => foreground.idle())) {
        if (stop()) return;
        for (let i = 0; i < names.length; i++) if (!blocks.offer(handle, names[i]!, block, batch.columns[i]!)) return;
        block++;
        // Converting a block is synchronous: other clients' requests get their turn between blocks.
        await yieldToEventLoop();
      }
      this.done.warms++;
    });
  }

  /**
   * Finds every position of a sort order, unless known, asked for already, or too big to keep.
   * `handle` witnesses the source: once the caches forget it, the result is not kept.
   */
  sortWhole(handle: SourceHandle, src: ReadableSource, sort: SortKey[], order: string): void {
    const { blocks, sortIndex } = this.parts;
    if (!sortIndex.canKeep(src.rowCount) || sortIndex.peek(src.table, order, 0, src.rowCount)) return;
    this.run(`sort\u0000${src.table}\u0000${order}`, src, async (conn, stop) => {
      if (sortIndex.peek(src.table, order, 0, src.rowCount)) return;
      const tuning = { ...this.parts.locate, wholeSortRows: Infinity };
      await this.parts.foreground.idle();
      const [whole] = await locateSorted(conn, { table: src.table, columns: src.columns, sort, rowCount: src.rowCount }, 0, src.rowCount, tuning, this.parts.queryTimeoutMs);
      if (!whole || stop() || !blocks.isCurrent(handle)) return;
      sortIndex.offer(src.table, order, whole);
      this.done.sorts++;
    });
  }

  private run(key: string, src: ReadableSource, job: (conn: DuckConnection, stop: () => boolean) => Promise<void>): void {
    const { db, storage, work } = this.parts;
    if (this.asked.has(key) || work.isClosing) return;
    this.asked.add(key);
    const stop = () => work.isClosing || src.storage.some((id) => storage.isDropping(id));
    void work
      .track(() =>
        this.queue.run(async () => {
          if (stop()) return;
          const release = storage.hold(src.storage);
          try {
            await db.withConnection((conn) => job(conn, stop));
          } finally {
            release();
          }
        }),
      )
      .catch(() => undefined)
      .finally(() => this.asked.delete(key));
  }
}
