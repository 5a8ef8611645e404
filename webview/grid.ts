/**
 * The virtual grid: a `<regular-table>` whose data listener answers from a window cache and
 * asks the extension for missing windows (rows and columns) through `fetchWindow`.
 */
import 'regular-table';
import type { RegularTableElement } from 'regular-table';
import type { ColumnInfo, SortKey } from '../protocol';
import { decodeWindow } from './arrow-cells';
import { isNumericType } from './column-types';
import type { GridInit, WindowReplyMessage } from './messages';
import { keepSortOn, nextSort, SORT_ARROWS, sortCacheKey, sortDirection } from './sort';
import { planWindow, sliceWindow, WindowCache, type CachedWindow, type CellScalar, type Viewport } from './window-cache';

export interface WindowFetch {
  offset: number;
  limit: number;
  columns: string[];
  sort: SortKey[];
}

export interface GridOptions {
  fetchWindow(request: WindowFetch): Promise<WindowReplyMessage>;
  /** Called after each draw (row count, sort state, first-draw marker). */
  onDrawn?(state: { rowCount: number; sort: SortKey[] }): void;
  onError?(error: unknown): void;
}

interface DataResponse {
  num_rows: number;
  num_columns: number;
  data: CellScalar[][];
  column_headers: CellScalar[][];
  row_headers: CellScalar[][];
  merge_headers: 'row';
}

export class Grid {
  private columns: ColumnInfo[] = [];
  private rowCount = 0;
  private sort: SortKey[] = [];
  /** What is shown, to tell a reload of it (frame saved again, reconnect) from a new source. */
  private sourceKey = '';
  private readonly cache = new WindowCache(8);
  /** Bumped on each new source so replies for an old source are dropped. */
  private generation = 0;

  constructor(
    private readonly table: RegularTableElement,
    private readonly options: GridOptions,
  ) {
    table.setDataListener((x0, y0, x1, y1) => this.dataFor({ x0, y0, x1, y1 }));
    table.addStyleListener(() => this.styleHeaders());
    table.addEventListener('click', (event) => this.onClick(event));
  }

  /**
   * Shows a source. Cached windows are always dropped (the data may have changed). Showing the
   * same source again keeps the reader's place: the scroll position and the sort on columns that
   * still exist. A new source starts at the top, unsorted.
   */
  async setSource(init: GridInit): Promise<void> {
    this.generation++;
    const key = JSON.stringify(init.source);
    const reload = key === this.sourceKey;
    this.sourceKey = key;
    this.columns = init.columns;
    this.rowCount = init.rowCount;
    this.sort = reload ? keepSortOn(this.sort, init.columns) : [];
    this.cache.clear();
    if (!reload) {
      this.table.resetAutoSize();
      this.table.scrollTop = 0;
    }
    await this.redraw();
  }

  get currentSort(): SortKey[] {
    return this.sort;
  }

  /** Sorts by `column` (gateway-side), cycling asc → desc → none. */
  async toggleSort(column: string): Promise<void> {
    this.sort = nextSort(this.sort, column);
    await this.redraw();
  }

  private async redraw(): Promise<void> {
    try {
      await this.table.draw();
      this.options.onDrawn?.({ rowCount: this.rowCount, sort: this.sort });
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private async dataFor(viewport: Viewport): Promise<DataResponse> {
    const sortKey = sortCacheKey(this.sort);
    const totalCols = this.columns.length;
    let window = this.cache.find(viewport, sortKey, totalCols);
    if (!window) {
      const generation = this.generation;
      const plan = planWindow(viewport, this.rowCount, totalCols);
      const names = this.columns.slice(plan.colStart, plan.colEnd).map((c) => c.name);
      let data: CellScalar[][] = [];
      let rows = 0;
      let rowCount = this.rowCount;
      if (names.length > 0) {
        try {
          const reply = await this.options.fetchWindow({ offset: plan.offset, limit: plan.limit, columns: names, sort: this.sort });
          const decoded = decodeWindow(reply.ipc);
          data = decoded.columns;
          rows = decoded.rows;
          rowCount = reply.rowCount;
        } catch (error) {
          // Draw empty cells rather than break regular-table's render loop; the error is shown.
          this.options.onError?.(error);
          return this.response(viewport, { sortKey, offset: 0, rows: 0, colStart: 0, colEnd: 0, rowCount: this.rowCount, data: [] });
        }
      }
      if (generation === this.generation) this.rowCount = rowCount;
      window = { sortKey, offset: plan.offset, rows, colStart: plan.colStart, colEnd: plan.colEnd, rowCount, data };
      if (generation === this.generation) this.cache.add(window);
    }
    return this.response(viewport, window);
  }

  private response(viewport: Viewport, window: CachedWindow): DataResponse {
    const totalCols = this.columns.length;
    const y1 = Math.min(viewport.y1, this.rowCount);
    const x1 = Math.min(viewport.x1, totalCols);
    const shown = this.columns.slice(viewport.x0, x1);
    const rowHeaders: CellScalar[][] = [];
    for (let y = viewport.y0; y < y1; y++) rowHeaders.push([String(y + 1)]);
    return {
      num_rows: this.rowCount,
      num_columns: totalCols,
      data: sliceWindow(window, viewport, totalCols, this.rowCount),
      column_headers: shown.map((c) => [c.name + SORT_ARROWS[sortDirection(this.sort, c.name)], c.type]),
      row_headers: rowHeaders,
      // Never merge header cells across columns: neighbouring columns often share a type.
      merge_headers: 'row',
    };
  }

  /** Marks header cells with stable classes and data attributes (the UI tests use them); right-aligns numbers. */
  private styleHeaders(): void {
    for (const td of this.table.querySelectorAll<HTMLTableCellElement>('tbody td')) {
      const meta = this.table.getMeta(td);
      const column = meta?.type === 'body' ? this.columns[meta.x] : undefined;
      td.classList.toggle('fg-num', column !== undefined && isNumericType(column.type));
    }
    for (const th of this.table.querySelectorAll<HTMLTableCellElement>('thead th')) {
      const meta = this.table.getMeta(th);
      if (meta?.type !== 'column_header') continue;
      const column = this.columns[meta.x];
      if (!column) continue;
      const isName = meta.column_header_y === 0;
      th.classList.toggle('fg-col-name', isName);
      th.classList.toggle('fg-col-type', !isName);
      th.dataset.column = column.name;
      if (isName) {
        th.dataset.sort = sortDirection(this.sort, column.name);
        th.title = `${column.name} (${column.type}): click to sort`;
      }
    }
  }

  private onClick(event: MouseEvent): void {
    if (!(event.target instanceof Element) || event.target.closest('.rt-column-resize')) return; // resizing, not sorting
    const target = event.target.closest('th');
    if (!target) return;
    const meta = this.table.getMeta(target);
    if (meta?.type !== 'column_header') return;
    const column = this.columns[meta.x];
    if (column) void this.toggleSort(column.name);
  }
}
