/**
 * Keyboard navigation of the cell cursor and the scrolling it needs. Pure: the grid passes in
 * what it measured (rows fully visible, the first of them) and applies what comes back.
 */
import { clampCell, moveTo, selectAll, type Cell, type Extent, type Selection } from './selection';

export interface KeyInput {
  key: string;
  shift: boolean;
  /** Ctrl, or Cmd on macOS. */
  ctrl: boolean;
}

export interface View {
  /** First fully visible row. */
  top: number;
  /** Rows fully visible at once (one screen). */
  pageRows: number;
}

export interface NavigationResult {
  selection: Selection;
  /** The row to scroll to the top of the screen, when the view must move. */
  scrollTop?: number;
}

/** The largest first row: the last screen ends at the last row. */
export function maxTop(extent: Extent, view: View): number {
  return Math.max(0, extent.rows - view.pageRows);
}

/** The first row to show so that `row` is on screen (unchanged when it already is). */
export function topToShow(row: number, extent: Extent, view: View): number {
  if (row < view.top) return row;
  if (row >= view.top + view.pageRows) return Math.min(maxTop(extent, view), row - view.pageRows + 1);
  return view.top;
}

/** What a key does to the selection; undefined for keys the grid leaves alone. */
export function navigate(selection: Selection, input: KeyInput, extent: Extent, view: View): NavigationResult | undefined {
  if (extent.rows === 0 || extent.cols === 0) return undefined;
  const { row, col } = selection.cursor;
  const page = Math.max(1, view.pageRows);
  const lastRow = extent.rows - 1;
  const lastCol = extent.cols - 1;
  let target: Cell;
  // Paging moves the view by exactly one screen and the cursor with it: no row is skipped.
  let pagedTop: number | undefined;
  switch (input.key) {
    case 'ArrowUp':
      target = { row: input.ctrl ? 0 : row - 1, col };
      break;
    case 'ArrowDown':
      target = { row: input.ctrl ? lastRow : row + 1, col };
      break;
    case 'ArrowLeft':
      target = { row, col: input.ctrl ? 0 : col - 1 };
      break;
    case 'ArrowRight':
      target = { row, col: input.ctrl ? lastCol : col + 1 };
      break;
    case 'Tab':
      // Tab walks the row and wraps to the next (Shift+Tab: the previous) row.
      if (input.shift) target = col > 0 ? { row, col: col - 1 } : { row: Math.max(0, row - 1), col: row > 0 ? lastCol : 0 };
      else target = col < lastCol ? { row, col: col + 1 } : { row: Math.min(lastRow, row + 1), col: row < lastRow ? 0 : lastCol };
      return { selection: moveTo(selection, clampCell(target, extent), false), ...scrollFor(clampCell(target, extent).row, extent, view) };
    case 'PageDown':
      target = { row: row + page, col };
      pagedTop = Math.min(maxTop(extent, view), view.top + page);
      break;
    case 'PageUp':
      target = { row: row - page, col };
      pagedTop = Math.max(0, view.top - page);
      break;
    case 'Home':
      target = { row: 0, col: input.ctrl ? 0 : col };
      break;
    case 'End':
      target = { row: lastRow, col: input.ctrl ? lastCol : col };
      break;
    case 'a':
    case 'A':
      if (!input.ctrl) return undefined;
      return { selection: selectAll(selection) };
    default:
      return undefined;
  }
  const cell = clampCell(target, extent);
  const next = moveTo(selection, cell, input.shift);
  if (pagedTop !== undefined) {
    // The cursor stays on screen even where the view cannot move a whole page (the ends).
    const top = topToShow(cell.row, extent, { ...view, top: pagedTop });
    return { selection: next, ...(top !== view.top ? { scrollTop: top } : {}) };
  }
  return { selection: next, ...scrollFor(cell.row, extent, view) };
}

function scrollFor(row: number, extent: Extent, view: View): { scrollTop?: number } {
  const top = topToShow(row, extent, view);
  return top === view.top ? {} : { scrollTop: top };
}

/** What regular-table's virtual scrolling depends on, as the grid measured it. */
export interface ScrollGeometry {
  rows: number;
  /** Body row height in px. */
  rowHeight: number;
  /** Header rows drawn above the body (they scroll with the table's rows). */
  headerRows: number;
  /** Height of the visible table area (regular-table's clip). */
  clipHeight: number;
  /** `scrollHeight - clientHeight` of the `<regular-table>`: how far it scrolls in px. */
  scrollRange: number;
}

/**
 * The `scrollTop` that puts `row` at the top. regular-table maps scrollTop linearly onto rows,
 * and caps its scroll height (10M px), so a pixel is worth more than a row height on large frames:
 * that made PageDown (a browser scroll of about one screen of pixels) move 66 rows with 36 shown.
 * Rounded down, so the row is shown whole (at most a sliver of the row above peeks in).
 */
export function scrollTopForRow(row: number, geometry: ScrollGeometry): number {
  const visibleRows = geometry.clipHeight / geometry.rowHeight - geometry.headerRows;
  const scrollableRows = Math.max(0, geometry.rows - visibleRows);
  if (scrollableRows === 0 || geometry.scrollRange <= 0) return 0;
  const top = Math.max(0, Math.min(row, scrollableRows));
  return Math.floor((top * geometry.scrollRange) / scrollableRows);
}
