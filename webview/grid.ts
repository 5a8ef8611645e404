/**
 * The virtual grid: a `<regular-table>` whose data listener answers from a window cache and
 * asks the extension for missing windows (rows and columns) through `fetchWindow`. Cells are
 * kept raw and formatted per column (format.ts); the selection lives in data coordinates and is
 * painted onto whatever `<td>`s regular-table drew, on every draw.
 */
import 'regular-table';
import type { RegularTableElement } from 'regular-table';
import type { ColumnFilter, ColumnInfo, ColumnProfile, SortKey } from '../protocol';
import { decodeWindow } from './arrow-cells';
import { columnFormatter, rowNumberFormatter, type ColumnFormatter, type ColumnKind } from './format';
import { measureView, scrollToColumn, scrollToRow } from './grid-view';
import { headerSummary } from './profile-text';
import type { GridInit, WindowReplyMessage } from './messages';
import type { View } from './navigation';
import { rectContains, selectionRect, type Extent, type Selection } from './selection';
import { filterCacheKey, keepFiltersOn } from './filters';
import { addSortKey, keepSortOn, nextSort, removeSortKey, sortCacheKey, sortMark } from './sort';
import { planWindow, sliceWindow, WindowCache, type CachedWindow, type CellScalar, type Viewport } from './window-cache';

export interface WindowFetch {
  offset: number;
  limit: number;
  columns: string[];
  sort: SortKey[];
  filters: ColumnFilter[];
}

export interface GridOptions {
  fetchWindow(request: WindowFetch): Promise<WindowReplyMessage>;
  /** Called after each draw (row count, sort state, first-draw marker). */
  onDrawn?(state: { rowCount: number; sort: SortKey[] }): void;
  /** The sort changed (header clicks, chips). */
  onSortChange?(sort: SortKey[]): void;
  /** The filters changed (column menu, chips). */
  onFiltersChange?(filters: ColumnFilter[]): void;
  /** A window came with the SQL the view amounts to (filters or sort on a frame), or without. */
  onViewSql?(sql: string | undefined): void;
  onError?(error: unknown): void;
  /** For numbers and dates; the webview passes the UI language. */
  locale?: string;
}

interface DataResponse {
  num_rows: number;
  num_columns: number;
  data: CellScalar[][];
  column_headers: CellScalar[][];
  row_headers: CellScalar[][];
  merge_headers: 'row';
}

/** The header row (0-based) holding each column's profile summary, under its name and type. */
export const PROFILE_HEADER_ROW = 2;

/** A fetch the grid no longer wants (new source, disposed page): dropped without an error. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export class Grid {
  private columns: ColumnInfo[] = [];
  /** What each column holds, from the windows seen (nested cells expand). */
  private readonly kinds = new Map<string, ColumnKind>();
  private rowCount = 0;
  private sort: SortKey[] = [];
  private filters: ColumnFilter[] = [];
  /** What is shown, to tell a reload of it (frame saved again, reconnect) from a new source. */
  private sourceKey = '';
  private readonly cache = new WindowCache(8);
  /** One per column name for as long as the source is shown, so digits never change while scrolling. */
  private readonly formatters = new Map<string, ColumnFormatter>();
  private readonly rowNumber: (row: number) => string;
  /** Column profiles by name, once the gateway sent them; `undefined` while they are computed. */
  private profiles: Map<string, ColumnProfile> | undefined;
  private profileNote = '…';
  /** Bumped on each new source (and on dispose) so replies for an old source are dropped. */
  private generation = 0;
  private disposed = false;
  selection: Selection | undefined;

  constructor(
    readonly table: RegularTableElement,
    private readonly options: GridOptions,
  ) {
    this.rowNumber = rowNumberFormatter(options.locale);
    table.setDataListener((x0, y0, x1, y1) => this.dataFor({ x0, y0, x1, y1 }));
    table.addStyleListener(() => this.styleCells());
  }

  /**
   * Shows a source. Cached windows are always dropped (the data may have changed). Showing the
   * same source again keeps the reader's place: the scroll position, the selection and the sort on
   * columns that still exist. A new source starts at the top, unsorted, with nothing selected.
   */
  async setSource(init: GridInit): Promise<void> {
    this.generation++;
    const key = JSON.stringify(init.source);
    const reload = key === this.sourceKey;
    this.sourceKey = key;
    this.columns = init.columns;
    this.rowCount = init.rowCount;
    this.sort = reload ? keepSortOn(this.sort, init.columns) : [];
    this.filters = reload ? keepFiltersOn(this.filters, init.columns) : [];
    this.cache.clear();
    this.formatters.clear();
    this.kinds.clear();
    this.profiles = undefined;
    this.profileNote = '…';
    if (!reload) {
      this.selection = undefined;
      this.table.resetAutoSize();
      this.table.scrollTop = 0;
      this.table.scrollLeft = 0;
    }
    this.sizeRowHeaders();
    this.options.onSortChange?.(this.sort);
    this.options.onFiltersChange?.(this.filters);
    await this.redraw();
  }

  /** Shows nothing (what was shown is gone): no columns, no rows, no sort, nothing fetched. */
  async clear(): Promise<void> {
    this.generation++;
    this.columns = [];
    this.rowCount = 0;
    this.sort = [];
    this.filters = [];
    this.selection = undefined;
    this.cache.clear();
    this.formatters.clear();
    this.kinds.clear();
    this.options.onSortChange?.(this.sort);
    this.options.onFiltersChange?.(this.filters);
    await this.redraw();
  }

  /** Shows each column's profile summary in its header (or `note` for all, when there is none). */
  async setProfiles(profiles: readonly ColumnProfile[] | undefined, note = ''): Promise<void> {
    this.profiles = profiles ? new Map(profiles.map((p) => [p.name, p])) : undefined;
    this.profileNote = note;
    await this.redraw();
  }

  profileOf(column: string): ColumnProfile | undefined {
    return this.profiles?.get(column);
  }

  /** Stops all work: fetches in flight are dropped and no more draws happen. */
  dispose(): void {
    this.disposed = true;
    this.generation++;
  }

  get currentSort(): SortKey[] {
    return this.sort;
  }

  get currentFilters(): ColumnFilter[] {
    return this.filters;
  }

  /** Filters run on the gateway: the row count comes back with the next window. */
  async setFilters(filters: ColumnFilter[]): Promise<void> {
    this.filters = filters;
    this.selection = undefined;
    this.table.scrollTop = 0;
    this.options.onFiltersChange?.(filters);
    await this.redraw();
  }

  get columnInfo(): readonly ColumnInfo[] {
    return this.columns;
  }

  get extent(): Extent {
    return { rows: this.rowCount, cols: this.columns.length };
  }

  get currentGeneration(): number {
    return this.generation;
  }

  async setSort(sort: SortKey[]): Promise<void> {
    this.sort = sort;
    this.options.onSortChange?.(sort);
    await this.redraw();
  }

  /** Plain header click: sorts by `column` alone (gateway-side), cycling asc → desc → none. */
  toggleSort(column: string): Promise<void> {
    return this.setSort(nextSort(this.sort, column));
  }

  /** Shift+click: `column` as a further sort key. */
  addSortKey(column: string): Promise<void> {
    return this.setSort(addSortKey(this.sort, column));
  }

  removeSortKey(column: string): Promise<void> {
    return this.setSort(removeSortKey(this.sort, column));
  }

  view(): View {
    return measureView(this.table);
  }

  /** Changes the selection and repaints; scrolls so the cursor is in view when asked. */
  async select(selection: Selection, scroll: { top?: number; column?: boolean } = {}): Promise<void> {
    this.selection = selection;
    if (scroll.top !== undefined) await scrollToRow(this.table, scroll.top, this.rowCount);
    if (scroll.column) await scrollToColumn(this.table, selection.cursor.col, this.columns.length);
    this.styleCells();
  }

  /** The column's formatter: made from the first window it appeared in (text until then). */
  formatter(column: ColumnInfo): ColumnFormatter {
    return this.formatters.get(column.name) ?? columnFormatter({ kind: 'text' }, [], this.options.locale);
  }

  /** A cached window holding rows [row0, row1] of columns [col0, col1] in the current sort, if any. */
  cachedWindow(viewport: Viewport): CachedWindow | undefined {
    return this.cache.find(viewport, this.viewKey(), this.columns.length);
  }

  /** Decodes a window reply, adopting formatters for columns seen for the first time. */
  decode(reply: WindowReplyMessage): { columns: CellScalar[][]; rows: number } {
    const decoded = decodeWindow(reply.ipc);
    decoded.names.forEach((name, i) => {
      if (!this.formatters.has(name)) this.formatters.set(name, columnFormatter(decoded.kinds[i]!, decoded.columns[i]!, this.options.locale));
      this.kinds.set(name, decoded.kinds[i]!);
    });
    return decoded;
  }

  private async redraw(): Promise<void> {
    if (this.disposed) return;
    try {
      await this.table.draw();
      this.options.onDrawn?.({ rowCount: this.rowCount, sort: this.sort });
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /** Row numbers get the width of the largest one up front, so columns do not shift as digits grow. */
  private sizeRowHeaders(): void {
    this.table.style.setProperty('--fg-row-digits', String(this.rowNumber(Math.max(1, this.rowCount)).length));
  }

  /** Windows of different sorts or filters never mix. */
  private viewKey(): string {
    return `${sortCacheKey(this.sort)}|${filterCacheKey(this.filters)}`;
  }

  private async dataFor(viewport: Viewport): Promise<DataResponse> {
    const sortKey = this.viewKey();
    const totalCols = this.columns.length;
    let window = this.cache.find(viewport, sortKey, totalCols);
    // A view shown before (filters removed, put back): its row count comes with its windows.
    if (window && window.rowCount !== this.rowCount) {
      this.rowCount = window.rowCount;
      this.sizeRowHeaders();
    }
    if (!window) {
      const generation = this.generation;
      const plan = planWindow(viewport, this.rowCount, totalCols);
      const names = this.columns.slice(plan.colStart, plan.colEnd).map((c) => c.name);
      let data: CellScalar[][] = [];
      let rows = 0;
      let rowCount = this.rowCount;
      if (names.length > 0 && !this.disposed) {
        try {
          const reply = await this.options.fetchWindow({ offset: plan.offset, limit: plan.limit, columns: names, sort: this.sort, filters: this.filters });
          if (generation !== this.generation || sortKey !== this.viewKey()) throw new CancelledError();
          this.options.onViewSql?.(reply.sql);
          const decoded = this.decode(reply);
          data = decoded.columns;
          rows = decoded.rows;
          rowCount = reply.rowCount;
        } catch (error) {
          // Draw empty cells rather than break regular-table's render loop; the error is shown.
          if (!(error instanceof CancelledError) && generation === this.generation) this.options.onError?.(error);
          return this.response(viewport, { sortKey, offset: 0, rows: 0, colStart: 0, colEnd: 0, rowCount: this.rowCount, data: [] });
        }
      }
      if (generation === this.generation && rowCount !== this.rowCount) {
        this.rowCount = rowCount;
        this.sizeRowHeaders();
      }
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
    for (let y = viewport.y0; y < y1; y++) rowHeaders.push([this.rowNumber(y + 1)]);
    const raw = sliceWindow(window, viewport, totalCols, this.rowCount);
    return {
      num_rows: this.rowCount,
      num_columns: totalCols,
      data: raw.map((cells, i) => {
        const format = this.formatter(shown[i]!);
        return cells.map((value) => format.display(value));
      }),
      column_headers: shown.map((c) => {
        const profile = this.profiles?.get(c.name);
        return [c.name + sortMark(this.sort, c.name), c.type, profile ? headerSummary(profile, this.options.locale) : this.profileNote];
      }),
      row_headers: rowHeaders,
      // Never merge header cells across columns: neighbouring columns often share a type.
      merge_headers: 'row',
    };
  }

  /** The raw value at a data position, from the cache (undefined when not fetched). */
  /** The JSON of a nested cell that is loaded (held in the window cache), else undefined. */
  nestedAt(row: number, col: number): string | undefined {
    const column = this.columns[col];
    if (!column || this.kinds.get(column.name)?.kind !== 'nested') return undefined;
    const raw = this.rawAt(col, row);
    return typeof raw === 'string' ? raw : undefined;
  }

  private rawAt(x: number, y: number): CellScalar | undefined {
    const window = this.cache.peek({ x0: x, y0: y, x1: x + 1, y1: y + 1 }, this.viewKey(), this.columns.length);
    if (!window || y - window.offset >= window.rows) return undefined;
    return window.data[x - window.colStart]?.[y - window.offset];
  }

  /**
   * Marks cells by what they show, not by which `<td>` they are: alignment, NULLs, the selection
   * and the cursor, plus stable classes and data attributes on headers (the UI tests use them).
   */
  styleCells(): void {
    const rect = this.selection && selectionRect(this.selection, this.extent);
    const cursor = this.selection?.cursor;
    const mode = this.selection?.mode;
    for (const td of this.table.querySelectorAll<HTMLTableCellElement>('tbody td')) {
      const meta = this.table.getMeta(td);
      if (meta?.type !== 'body') continue;
      const column = this.columns[meta.x];
      td.dataset.row = String(meta.y);
      td.dataset.col = String(meta.x);
      td.classList.toggle('fg-num', column !== undefined && this.formatter(column).align === 'right');
      td.classList.toggle('fg-null', this.rawAt(meta.x, meta.y) === null);
      td.classList.toggle('fg-selected', rect !== undefined && rectContains(rect, meta.y, meta.x));
      td.classList.toggle('fg-cursor', cursor !== undefined && cursor.row === meta.y && cursor.col === meta.x);
    }
    for (const th of this.table.querySelectorAll<HTMLTableCellElement>('tbody th')) {
      const meta = this.table.getMeta(th);
      const row = meta?.type === 'row_header' ? meta.y : -1;
      th.dataset.row = String(row);
      th.classList.toggle('fg-row-selected', rect !== undefined && (mode === 'rows' || mode === 'all') && row >= rect.row0 && row <= rect.row1);
    }
    for (const th of this.table.querySelectorAll<HTMLTableCellElement>('thead th')) {
      const meta = this.table.getMeta(th);
      if (meta?.type !== 'column_header') continue;
      const column = this.columns[meta.x];
      if (!column) continue;
      const isName = meta.column_header_y === 0;
      const isProfile = meta.column_header_y === PROFILE_HEADER_ROW;
      th.classList.toggle('fg-col-name', isName);
      th.classList.toggle('fg-col-type', !isName && !isProfile);
      th.classList.toggle('fg-col-profile', isProfile);
      if (isProfile) {
        const profile = this.profiles?.get(column.name);
        th.title = `${column.name}${profile ? `: ${headerSummary(profile, this.options.locale)}` : ''}. Click for its summary.`;
      }
      th.classList.toggle('fg-num', this.formatter(column).align === 'right');
      th.classList.toggle('fg-col-selected', rect !== undefined && (mode === 'columns' || mode === 'all') && meta.x >= rect.col0 && meta.x <= rect.col1);
      th.dataset.column = column.name;
      if (isName) {
        const index = this.sort.findIndex((k) => k.column === column.name);
        th.dataset.sort = index < 0 ? 'none' : this.sort[index]!.descending ? 'desc' : 'asc';
        th.dataset.sortIndex = index < 0 ? '' : String(index + 1);
        th.title = `${column.name} (${column.type})\nClick: sort · Shift+click: add to sort · Ctrl/Cmd+click: select column`;
      }
    }
  }
}
