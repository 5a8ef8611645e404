/**
 * Windows and exports of the DuckDB engine, served from the block cache and the sort index.
 *
 * - An unsorted window copies its rows out of one or two cached blocks. Where a block is missing,
 *   the window's own rows are one rowid-range query, and the block is read after the reply. Once a window reaches the second half of its
 *   block, the next block is read ahead after the reply (the scrolling direction, either way).
 * - A sorted window takes its rowids from the sort index (located on demand, sort-locate.ts) and
 *   picks the rows out of the cached blocks when all of the source's columns asked are held;
 *   until then DuckDB fetches them by rowid, and the warmer reads the source into the cache.
 * - An export of a source that is held whole is encoded from the blocks; otherwise it is read in
 *   pieces (the next piece runs in DuckDB while this one is sent) and offered to the cache.
 */
import { ErrorCodes, FramegateError, type ColumnInfo, type SortKey } from '../../../protocol';
import { encodeColumnsIpc } from '../arrow-encoder';
import type { BlockCache, SourceHandle } from '../block-cache';
import type { ColumnBatch, ColumnData, ColumnField } from '../columns';
import type { ArrowWindow, WindowRequest } from '../engine';
import { emptyColumn, pickedColumn, placeRows, runColumn, type BlockPiece, type RowIds, type WindowColumn } from '../row-slices';
import type { Foreground } from '../foreground';
import type { SortIndex } from '../sort-index';
import { estimatedRowBytes, type BackgroundReads } from './background';
import type { DuckConnection } from './duckdb';
import { duckErrorClass, kindOfTypeName } from './duckdb';
import { locateSorted, type LocateTuning } from './sort-locate';
import { readBlocks, readRowRange, readRowsById, type ReadableSource } from './source-reads';
import { orderBy, pickColumns, SORT_SOURCE } from './sql-text';
import { hasVariableColumns, valueBytes } from './value-bytes';
import { windowTooLarge } from '../columns';
import { hasValueColumns, valueWindow } from './value-reads';

export interface WindowParts {
  blocks: BlockCache;
  sortIndex: SortIndex;
  background: BackgroundReads;
  locate: LocateTuning;
  queryTimeoutMs: number;
  /** Blocks per query when a whole source is read. */
  pieceBlocks: number;
  /** Marks windows in flight, for background reads to wait for. */
  foreground: Foreground;
}

/** Work to run on the caller's connection after this request (reading ahead). */
export type Later = (task: (conn: DuckConnection) => Promise<unknown>) => void;

/** Sorted positions this far past a window are located ahead of time, once the index ends nearer. */
const LOCATE_AHEAD_WINDOWS = 16;

/** Fields of cached columns: their kind from the data, a decimal's digits from its type name. */
function fieldsOf(columns: ColumnInfo[], data: { kind: ColumnField['kind'] }[]): ColumnField[] {
  return columns.map((c, i) => {
    const kind = data[i]!.kind;
    if (kind !== 'decimal128') return { name: c.name, kind };
    const digits = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(c.type);
    return { name: c.name, kind, precision: Number(digits?.[1] ?? 38), scale: Number(digits?.[2] ?? 0) };
  });
}

/** A block of a source whose rows take more than this share of the block cache is not cached. */
const WIDE_BLOCK_SHARE = 1 / 8;

export class WindowReader {
  /** Bytes per row measured in windows of sources with variable-width values (the most seen). */
  private readonly rowBytes = new Map<string, number>();

  constructor(private readonly parts: WindowParts) {}

  /** Drops whatever is cached of a source (its data is gone or replaced). */
  forget(table: string): void {
    this.rowBytes.delete(table);
    this.parts.blocks.forget(table);
    this.parts.sortIndex.forget(table);
  }

  async read(conn: DuckConnection, src: ReadableSource, request: WindowRequest, later: Later): Promise<ArrowWindow> {
    const leave = this.parts.foreground.enter();
    try {
      return await this.readNow(conn, src, request, later);
    } finally {
      leave();
    }
  }

  private async readNow(conn: DuckConnection, src: ReadableSource, request: WindowRequest, later: Later): Promise<ArrowWindow> {
    const columns = pickColumns(src.columns, request.columns);
    const first = Math.min(request.offset, src.rowCount);
    const end = Math.min(request.offset + request.limit, src.rowCount);
    // Nested columns have no place in the cached blocks: one query, read as Arrow values.
    if (hasValueColumns(columns)) {
      const window = await valueWindow(conn, src, { columns, first, end, sort: request.sort, maxBytes: request.maxBytes, timeoutMs: this.parts.queryTimeoutMs });
      return { ...window, offset: request.offset };
    }
    const unique = uniqueColumns(columns);
    const handle = this.parts.blocks.source(src.table, src.rowCount);
    let data: WindowColumn[];
    if (end <= first) {
      data = unique.map((c) => runColumn([{ column: emptyColumn(kindOfTypeName(c.type)), from: 0, rows: 0 }]));
    } else if (request.sort?.length) {
      data = await this.sortedRows(conn, handle, src, unique, request.sort, first, end, later, request.maxBytes);
    } else {
      data = await this.rowRun(conn, handle, src, unique, first, end, later, request.maxBytes);
    }
    const byName = new Map(unique.map((c, i) => [c.name, data[i]!]));
    const out = columns.map((c) => byName.get(c.name)!);
    return { rowCount: src.rowCount, offset: request.offset, rows: end - first, columns, ipc: encodeColumnsIpc(fieldsOf(columns, out), out, end - first) };
  }

  /** Rows [first, end) in rowid order, from cached blocks. */
  private async rowRun(conn: DuckConnection, handle: SourceHandle, src: ReadableSource, columns: ColumnInfo[], first: number, end: number, later: Later, maxBytes?: number): Promise<WindowColumn[]> {
    const { blocks } = this.parts;
    const B = blocks.blockRows;
    const firstBlock = Math.floor(first / B);
    const lastBlock = Math.floor((end - 1) / B);
    const names = columns.map((c) => c.name);
    const missing: number[] = [];
    const coming = (name: string, block: number) => blocks.peek(handle, name, block) !== undefined || blocks.isLoading(handle, name, block);
    for (let block = firstBlock; block <= lastBlock; block++) if (!names.every((name) => coming(name, block))) missing.push(block);
    if (missing.length > 0) {
      // A place not read before: its rows alone answer now (a block is ~30× the rows of a
      // window), and its blocks are read into the cache after the reply, for the next windows.
      // A block already being read is waited for instead.
      await this.measure(conn, src, columns, `rowid BETWEEN ${first} AND ${end - 1}`, end - first, maxBytes);
      const rows = await readRowRange(conn, src, columns, first, end - first, this.parts.queryTimeoutMs);
      if (!this.isWide(src)) {
        for (const block of missing) later((next) => this.block(next, handle, src, columns, block));
        this.readAhead(handle, src, columns, first, end, later);
      }
      return rows.map((column) => runColumn([{ column, from: 0, rows: end - first }]));
    }
    const held: ColumnData[][] = [];
    for (let block = firstBlock; block <= lastBlock; block++) held.push(await this.block(conn, handle, src, columns, block));
    this.readAhead(handle, src, columns, first, end, later);
    return columns.map((_, c) => {
      const pieces: BlockPiece[] = held.map((blockColumns, i) => {
        const start = (firstBlock + i) * B;
        const from = Math.max(first, start) - start;
        return { column: blockColumns[c]!, from, rows: Math.min(end, start + B) - start - from };
      });
      return runColumn(pieces);
    });
  }

  private block(conn: DuckConnection, handle: SourceHandle, src: ReadableSource, columns: ColumnInfo[], block: number): Promise<ColumnData[]> {
    const { blocks, queryTimeoutMs } = this.parts;
    return blocks.get(handle, columns.map((c) => c.name), block, (names) =>
      readRowRange(conn, src, pickColumns(src.columns, names), block * blocks.blockRows, blocks.rowsIn(handle, block), queryTimeoutMs),
    );
  }

  /** Scrolling on: the block after (or before) this window, read once this request is answered. */
  private readAhead(handle: SourceHandle, src: ReadableSource, columns: ColumnInfo[], first: number, end: number, later: Later): void {
    const { blocks } = this.parts;
    const B = blocks.blockRows;
    const names = columns.map((c) => c.name);
    const wanted: number[] = [];
    const lastBlock = Math.floor((end - 1) / B);
    if ((end - 1) % B >= B / 2 && lastBlock + 1 < blocks.blockCount(handle)) wanted.push(lastBlock + 1);
    const firstBlock = Math.floor(first / B);
    if (first % B < B / 2 && firstBlock > 0) wanted.push(firstBlock - 1);
    for (const block of wanted) {
      if (names.every((name) => blocks.peek(handle, name, block))) continue;
      later((conn) => this.block(conn, handle, src, columns, block));
    }
  }

  /** Sorted positions [first, end): rowids from the sort index, rows from the blocks or by rowid. */
  private async sortedRows(
    conn: DuckConnection,
    handle: SourceHandle,
    src: ReadableSource,
    columns: ColumnInfo[],
    sort: SortKey[],
    first: number,
    end: number,
    later: Later,
    maxBytes?: number,
  ): Promise<WindowColumn[]> {
    const { blocks, sortIndex, background } = this.parts;
    const order = orderBy(src.columns, sort);
    const rowids = await sortIndex.rowids(src.table, order, first, end, (from, to) => this.locate(conn, src, sort, from, to));
    const names = columns.map((c) => c.name);
    // Rows from anywhere need the whole source in memory (unless its rows are too wide to cache).
    if (!this.isWide(src) && !blocks.holdsAll(handle, names)) background.warm(handle, src, src.columns.filter((c) => names.includes(c.name)));
    // A sort looked at in more than one place is worth finding whole.
    if (sortIndex.rangeCount(src.table, order) > 1) background.sortWhole(handle, src, sort, order);
    this.locateAhead(src, sort, order, end, end - first, later);
    return this.pick(conn, handle, src, columns, rowids, maxBytes);
  }

  /**
   * Before rows with variable-width values are read: their bytes, refused past `maxBytes` before
   * anything is materialized, and remembered per row to keep wide sources out of the block cache.
   */
  private async measure(conn: DuckConnection, src: ReadableSource, columns: ColumnInfo[], where: string, rows: number, maxBytes: number | undefined): Promise<void> {
    if (!hasVariableColumns(columns) || rows === 0) return;
    const bytes = await valueBytes(conn, `${src.table} AS ${SORT_SOURCE}`, columns, where.replaceAll('rowid', `${SORT_SOURCE}.rowid`), rows, this.parts.queryTimeoutMs).catch((error: unknown) => {
      // Values too big for the engine even to measure are too big for a window.
      const outOfMemory = error instanceof FramegateError ? error.code === ErrorCodes.OutOfMemory : /^Out of Memory/.test(duckErrorClass(error));
      if (maxBytes !== undefined && outOfMemory) throw windowTooLarge(maxBytes);
      throw error;
    });
    this.rowBytes.set(src.table, Math.max(this.rowBytes.get(src.table) ?? 0, bytes / rows));
    if (maxBytes !== undefined && bytes > maxBytes) throw windowTooLarge(maxBytes);
  }

  /** Whether a block of this source's rows, as measured so far, is too big to cache. */
  private isWide(src: ReadableSource): boolean {
    const perRow = this.rowBytes.get(src.table);
    const { blocks } = this.parts;
    return perRow !== undefined && perRow * blocks.blockRows > blocks.maxBytes * WIDE_BLOCK_SHARE;
  }

  private locate(conn: DuckConnection, src: ReadableSource, sort: SortKey[], from: number, to: number) {
    return locateSorted(conn, { table: src.table, columns: src.columns, sort, rowCount: src.rowCount }, from, to, this.parts.locate, this.parts.queryTimeoutMs);
  }

  /** Scrolling down a sorted grid: locate the positions after these before they are asked for. */
  private locateAhead(src: ReadableSource, sort: SortKey[], order: string, end: number, size: number, later: Later): void {
    const { sortIndex } = this.parts;
    const ahead = Math.min(src.rowCount, end + LOCATE_AHEAD_WINDOWS * size);
    if (ahead <= end || sortIndex.peek(src.table, order, end, ahead)) return;
    later((conn) => sortIndex.rowids(src.table, order, end, ahead, (from, to) => this.locate(conn, src, sort, from, to)));
  }

  /**
   * The rows with these rowids: picked out of the blocks that are held, the others fetched by
   * rowid from DuckDB. While the source is being read into the cache in rowid order, the fetch
   * scans only the part not read yet. Blocks are immutable: those taken before the fetch stay
   * right even if the cache lets them go meanwhile.
   */
  private async pick(conn: DuckConnection, handle: SourceHandle, src: ReadableSource, columns: ColumnInfo[], rowids: RowIds, maxBytes?: number): Promise<WindowColumn[]> {
    const { blocks } = this.parts;
    const placement = placeRows(rowids, blocks.blockRows, blocks.blockCount(handle));
    const found = placement.blocks.map((block) => columns.map((c) => blocks.peek(handle, c.name, block)));
    const absent: number[] = [];
    for (let i = 0; i < placement.rows; i++) if (found[placement.slot[i]!]!.some((d) => !d)) absent.push(i);
    if (absent.length === 0) {
      return columns.map((_, c) => pickedColumn(found[0]![c]!.kind, found.map((b) => b[c]!), placement.slot, placement.inBlock));
    }
    const ids = absent.map((i) => rowids[i]!);
    await this.measure(conn, src, columns, `rowid IN (${ids.join(', ')})`, ids.length, maxBytes);
    const fetched = await readRowsById(
      conn,
      src,
      columns,
      ids,
      this.parts.queryTimeoutMs,
    );
    const slot = placement.slot.slice();
    const inBlock = placement.inBlock.slice();
    absent.forEach((i, j) => {
      slot[i] = placement.blocks.length; // the fetched rows come after the blocks
      inBlock[i] = fetched.order[j]!;
    });
    return columns.map((_, c) => {
      const rows = fetched.batch.columns[c]!;
      return pickedColumn(rows.kind, [...found.map((b) => b[c] ?? rows), rows], slot, inBlock);
    });
  }

  /**
   * The whole source in rowid order as blocks: from the cache when every block is held, else read
   * in pieces and offered to the cache as they pass (kept if there is room).
   */
  async *exportBlocks(conn: DuckConnection, src: ReadableSource, columns: ColumnInfo[]): AsyncGenerator<ColumnBatch> {
    const { blocks } = this.parts;
    const handle = blocks.source(src.table, src.rowCount);
    const unique = uniqueColumns(columns);
    const names = unique.map((c) => c.name);
    const order = (batch: { columns: ColumnData[]; rowCount: number }): ColumnBatch => {
      const byName = new Map(names.map((name, i) => [name, batch.columns[i]!]));
      const out = columns.map((c) => byName.get(c.name)!);
      return { fields: fieldsOf(columns, out), rowCount: batch.rowCount, columns: out };
    };
    const count = blocks.blockCount(handle);
    let block = 0;
    // Held blocks first, for as long as they stay held (a block evicted meanwhile ends the run).
    for (const held = blocks.holdsAll(handle, names); held && block < count; block++) {
      const data = names.map((name) => blocks.peek(handle, name, block));
      if (data.some((d) => !d)) break;
      yield order({ columns: data as ColumnData[], rowCount: blocks.rowsIn(handle, block) });
    }
    if (block >= count) return;
    // Kept only when the whole rest fits in room that is free now: an export never pushes hot blocks out.
    const keep = blocks.hasRoomFor((src.rowCount - block * blocks.blockRows) * estimatedRowBytes(unique));
    for await (const batch of readBlocks(conn, src, unique, blocks.blockRows, this.parts.pieceBlocks, this.parts.queryTimeoutMs, block)) {
      if (keep) names.forEach((name, i) => blocks.offer(handle, name, block, batch.columns[i]!));
      block++;
      yield order(batch);
    }
  }
}

/** Columns without repeats (a window may name one twice). */
function uniqueColumns(columns: ColumnInfo[]): ColumnInfo[] {
  const seen = new Set<string>();
  return columns.filter((c) => !seen.has(c.name) && seen.add(c.name));
}
