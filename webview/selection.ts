/**
 * The grid's cell cursor and selection, in data coordinates (row and column indexes of the
 * source), never DOM nodes: regular-table reuses its `<td>`s while scrolling, so whatever is
 * highlighted is recomputed from these on every draw. Pure.
 */
export interface Cell {
  row: number;
  col: number;
}

/** `cells`: the rectangle anchor–cursor; `rows`/`columns`: whole rows or columns between them. */
export type SelectionMode = 'cells' | 'rows' | 'columns' | 'all';

export interface Selection {
  anchor: Cell;
  /** The active cell: where the keyboard moves from. */
  cursor: Cell;
  mode: SelectionMode;
}

/** Inclusive bounds of a selection. */
export interface Rect {
  row0: number;
  row1: number;
  col0: number;
  col1: number;
}

export interface Extent {
  rows: number;
  cols: number;
}

export function clampCell(cell: Cell, extent: Extent): Cell {
  return {
    row: Math.max(0, Math.min(cell.row, extent.rows - 1)),
    col: Math.max(0, Math.min(cell.col, extent.cols - 1)),
  };
}

export function selectCell(cell: Cell): Selection {
  return { anchor: cell, cursor: cell, mode: 'cells' };
}

/** Moves the cursor; with `extend` (shift) the anchor stays and the selection grows. */
export function moveTo(selection: Selection, cell: Cell, extend: boolean): Selection {
  return extend ? { ...selection, cursor: cell } : selectCell(cell);
}

/** A row header click: that whole row; with `extend`, every row from the anchor's. */
export function selectRows(selection: Selection | undefined, row: number, extend: boolean): Selection {
  const col = selection?.cursor.col ?? 0;
  if (extend && selection) return { anchor: selection.anchor, cursor: { row, col }, mode: 'rows' };
  return { anchor: { row, col }, cursor: { row, col }, mode: 'rows' };
}

/** A column header click with Ctrl/Cmd: that whole column; with shift too, every column from the anchor's. */
export function selectColumns(selection: Selection | undefined, col: number, extend: boolean, topRow = 0): Selection {
  const row = selection?.cursor.row ?? topRow;
  if (extend && selection) return { anchor: selection.anchor, cursor: { row, col }, mode: 'columns' };
  return { anchor: { row, col }, cursor: { row, col }, mode: 'columns' };
}

export function selectAll(selection: Selection | undefined): Selection {
  const cursor = selection?.cursor ?? { row: 0, col: 0 };
  return { anchor: cursor, cursor, mode: 'all' };
}

export function selectionRect(selection: Selection, extent: Extent): Rect {
  const { anchor, cursor, mode } = selection;
  const rows = mode === 'columns' || mode === 'all' ? [0, extent.rows - 1] : [Math.min(anchor.row, cursor.row), Math.max(anchor.row, cursor.row)];
  const cols = mode === 'rows' || mode === 'all' ? [0, extent.cols - 1] : [Math.min(anchor.col, cursor.col), Math.max(anchor.col, cursor.col)];
  return { row0: rows[0]!, row1: Math.min(rows[1]!, extent.rows - 1), col0: cols[0]!, col1: Math.min(cols[1]!, extent.cols - 1) };
}

export function rectContains(rect: Rect, row: number, col: number): boolean {
  return row >= rect.row0 && row <= rect.row1 && col >= rect.col0 && col <= rect.col1;
}

export function rectCells(rect: Rect): number {
  return Math.max(0, rect.row1 - rect.row0 + 1) * Math.max(0, rect.col1 - rect.col0 + 1);
}

/** "3 rows × 2 columns", "1 cell". */
export function describeRect(rect: Rect): string {
  const rows = rect.row1 - rect.row0 + 1;
  const cols = rect.col1 - rect.col0 + 1;
  if (rows === 1 && cols === 1) return '1 cell';
  const n = (count: number, word: string) => `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
  return `${n(rows, 'row')} × ${n(cols, 'column')}`;
}
