/**
 * Viewport math and a small LRU of fetched windows for the virtual grid. Pure: no DOM, no Arrow,
 * so unit tests reach it directly.
 *
 * regular-table asks for the cells of (x0, y0)–(x1, y1): columns [x0, x1) and rows [y0, y1).
 * We fetch that rectangle plus a margin (aligned to blocks so neighbouring scroll positions
 * ask for the same window and hit the cache), and answer later viewports from the cache.
 */
/** What regular-table renders in a cell (same as its own CellScalar). */
export type CellScalar = number | string | boolean | null;

export interface Viewport {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface WindowPlan {
  /** First row to fetch. */
  offset: number;
  /** Rows to fetch (≥ 1: the gateway refuses limit 0). */
  limit: number;
  /** Columns [colStart, colEnd) to fetch. */
  colStart: number;
  colEnd: number;
}

export interface PlanOptions {
  /** Extra rows fetched above and below the viewport. */
  rowMargin: number;
  /** Extra columns fetched left and right of the viewport. */
  colMargin: number;
  /** Row offsets and ends are aligned to multiples of this. */
  rowBlock: number;
  /** Upper bound on rows in one window (the protocol's MAX_WINDOW_ROWS or less). */
  maxRows: number;
}

export const DEFAULT_PLAN: PlanOptions = { rowMargin: 200, colMargin: 4, rowBlock: 100, maxRows: 5000 };

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** The window to fetch for a viewport over a source of `totalRows` × `totalCols`. */
export function planWindow(viewport: Viewport, totalRows: number, totalCols: number, options: PlanOptions = DEFAULT_PLAN): WindowPlan {
  const y0 = clamp(Math.floor(viewport.y0), 0, totalRows);
  const y1 = clamp(Math.ceil(viewport.y1), y0, totalRows);
  let start = Math.floor(Math.max(0, y0 - options.rowMargin) / options.rowBlock) * options.rowBlock;
  let end = Math.min(totalRows, Math.ceil((y1 + options.rowMargin) / options.rowBlock) * options.rowBlock);
  if (end - start > options.maxRows) {
    // A very tall viewport: keep the visible rows, trim the margins.
    start = Math.max(0, Math.min(start, y0));
    end = Math.min(totalRows, start + options.maxRows);
  }
  const x0 = clamp(Math.floor(viewport.x0), 0, totalCols);
  const x1 = clamp(Math.ceil(viewport.x1), x0, totalCols);
  return {
    offset: start,
    limit: Math.max(1, end - start),
    colStart: Math.max(0, x0 - options.colMargin),
    colEnd: Math.min(totalCols, x1 + options.colMargin),
  };
}

/** A fetched window: `data[c][r]` is column `colStart + c`, row `offset + r`. */
export interface CachedWindow {
  /** Identifies the sort the rows were fetched in; windows of another sort never match. */
  sortKey: string;
  offset: number;
  rows: number;
  colStart: number;
  colEnd: number;
  /** Total rows of the source when the window was fetched. */
  rowCount: number;
  data: CellScalar[][];
}

/** Does `window` hold every cell of `viewport` (clipped to the source's size)? */
export function covers(window: CachedWindow, viewport: Viewport, sortKey: string, totalCols: number): boolean {
  if (window.sortKey !== sortKey) return false;
  const y0 = Math.max(0, viewport.y0);
  const y1 = Math.min(viewport.y1, window.rowCount);
  const x0 = Math.max(0, viewport.x0);
  const x1 = Math.min(viewport.x1, totalCols);
  const rowsOk = y1 <= y0 || (window.offset <= y0 && window.offset + window.rows >= y1);
  const colsOk = x1 <= x0 || (window.colStart <= x0 && window.colEnd >= x1);
  return rowsOk && colsOk;
}

/**
 * The cells of `viewport` out of a window, column-major as regular-table wants them. Cells the
 * window lacks (a failed fetch) are null, so the shape always matches the viewport.
 */
export function sliceWindow(window: CachedWindow, viewport: Viewport, totalCols: number, totalRows = window.rowCount): CellScalar[][] {
  const y0 = Math.max(0, viewport.y0);
  const y1 = Math.min(viewport.y1, totalRows);
  const x1 = Math.min(viewport.x1, totalCols);
  const out: CellScalar[][] = [];
  for (let x = Math.max(0, viewport.x0); x < x1; x++) {
    const column = window.data[x - window.colStart];
    const cells: CellScalar[] = [];
    for (let y = y0; y < y1; y++) cells.push(column?.[y - window.offset] ?? null);
    out.push(cells);
  }
  return out;
}

/** Least-recently-used cache of windows. */
export class WindowCache {
  private windows: CachedWindow[] = [];

  constructor(readonly capacity = 8) {}

  get size(): number {
    return this.windows.length;
  }

  /** A cached window covering the viewport, marked most recently used; undefined on a miss. */
  find(viewport: Viewport, sortKey: string, totalCols: number): CachedWindow | undefined {
    const index = this.windows.findIndex((w) => covers(w, viewport, sortKey, totalCols));
    if (index < 0) return undefined;
    const [hit] = this.windows.splice(index, 1);
    this.windows.unshift(hit!);
    return hit;
  }

  /** Like `find`, without touching the recency order (for lookups while painting). */
  peek(viewport: Viewport, sortKey: string, totalCols: number): CachedWindow | undefined {
    return this.windows.find((w) => covers(w, viewport, sortKey, totalCols));
  }

  add(window: CachedWindow): void {
    this.windows.unshift(window);
    this.windows.length = Math.min(this.windows.length, this.capacity);
  }

  clear(): void {
    this.windows = [];
  }
}
