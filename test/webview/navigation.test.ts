import { test } from 'node:test';
import assert from 'node:assert/strict';
import { navigate, scrollTopForRow, topToShow, type KeyInput } from '../../webview/navigation';
import { describeRect, rectCells, selectAll, selectCell, selectColumns, selectionRect, selectRows } from '../../webview/selection';

const extent = { rows: 1_000_000, cols: 5 };
const view = { top: 0, pageRows: 36 };
const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({ key: k, shift: false, ctrl: false, ...mods });

test('PageDown and PageUp move the view and the cursor by exactly one screen', () => {
  const down = navigate(selectCell({ row: 3, col: 1 }), key('PageDown'), extent, view)!;
  assert.deepEqual(down.selection.cursor, { row: 39, col: 1 });
  assert.equal(down.scrollTop, 36, 'the row after the last one shown becomes the first');
  const up = navigate(down.selection, key('PageUp'), extent, { top: 36, pageRows: 36 })!;
  assert.deepEqual(up.selection.cursor, { row: 3, col: 1 });
  assert.equal(up.scrollTop, 0);
  // At the end the view stops at the last screen and the cursor at the last row.
  const end = navigate(selectCell({ row: 999_990, col: 0 }), key('PageDown'), extent, { top: 999_964, pageRows: 36 })!;
  assert.deepEqual(end.selection.cursor, { row: 999_999, col: 0 });
  assert.equal(end.scrollTop, undefined);
});

test('Home/End and Ctrl+Home/End go to the first and last row (Ctrl: and column)', () => {
  const at = selectCell({ row: 500, col: 2 });
  assert.deepEqual(navigate(at, key('Home'), extent, view)!.selection.cursor, { row: 0, col: 2 });
  const end = navigate(at, key('End'), extent, view)!;
  assert.deepEqual(end.selection.cursor, { row: 999_999, col: 2 });
  assert.equal(end.scrollTop, 999_964);
  assert.deepEqual(navigate(at, key('End', { ctrl: true }), extent, view)!.selection.cursor, { row: 999_999, col: 4 });
  assert.deepEqual(navigate(at, key('Home', { ctrl: true }), extent, view)!.selection.cursor, { row: 0, col: 0 });
});

test('arrows move one cell and stop at the edges; Ctrl+arrows jump to the edges', () => {
  const origin = selectCell({ row: 0, col: 0 });
  assert.deepEqual(navigate(origin, key('ArrowUp'), extent, view)!.selection.cursor, { row: 0, col: 0 });
  assert.deepEqual(navigate(origin, key('ArrowRight'), extent, view)!.selection.cursor, { row: 0, col: 1 });
  assert.deepEqual(navigate(origin, key('ArrowRight', { ctrl: true }), extent, view)!.selection.cursor, { row: 0, col: 4 });
  assert.deepEqual(navigate(origin, key('ArrowDown', { ctrl: true }), extent, view)!.selection.cursor, { row: 999_999, col: 0 });
  // Moving below the screen scrolls just enough to show the cursor as the last row.
  const below = navigate(selectCell({ row: 35, col: 0 }), key('ArrowDown'), extent, view)!;
  assert.equal(below.scrollTop, 1);
  assert.equal(navigate(selectCell({ row: 10, col: 0 }), key('ArrowDown'), extent, view)!.scrollTop, undefined);
});

test('Tab and Shift+Tab walk the row and wrap', () => {
  assert.deepEqual(navigate(selectCell({ row: 2, col: 4 }), key('Tab'), extent, view)!.selection.cursor, { row: 3, col: 0 });
  assert.deepEqual(navigate(selectCell({ row: 2, col: 0 }), key('Tab', { shift: true }), extent, view)!.selection.cursor, { row: 1, col: 4 });
  assert.deepEqual(navigate(selectCell({ row: 0, col: 0 }), key('Tab', { shift: true }), extent, view)!.selection.cursor, { row: 0, col: 0 });
});

test('shift extends a range from the anchor; Ctrl+A selects all; other keys are left alone', () => {
  const start = selectCell({ row: 5, col: 1 });
  const grown = navigate(navigate(start, key('ArrowDown', { shift: true }), extent, view)!.selection, key('ArrowRight', { shift: true }), extent, view)!;
  assert.deepEqual(selectionRect(grown.selection, extent), { row0: 5, row1: 6, col0: 1, col1: 2 });
  assert.equal(describeRect(selectionRect(grown.selection, extent)), '2 rows × 2 columns');
  const all = navigate(start, key('a', { ctrl: true }), extent, view)!;
  assert.deepEqual(selectionRect(all.selection, extent), { row0: 0, row1: 999_999, col0: 0, col1: 4 });
  assert.equal(rectCells(selectionRect(all.selection, extent)), 5_000_000);
  assert.equal(navigate(start, key('a'), extent, view), undefined);
  assert.equal(navigate(start, key('x'), extent, view), undefined);
});

test('whole rows and whole columns, extended with shift', () => {
  const rows = selectRows(selectRows(undefined, 4, false), 7, true);
  assert.deepEqual(selectionRect(rows, extent), { row0: 4, row1: 7, col0: 0, col1: 4 });
  const cols = selectColumns(selectColumns(undefined, 3, false), 1, true);
  assert.deepEqual(selectionRect(cols, extent), { row0: 0, row1: 999_999, col0: 1, col1: 3 });
  assert.deepEqual(selectionRect(selectAll(undefined), { rows: 2, cols: 2 }), { row0: 0, row1: 1, col0: 0, col1: 1 });
  assert.equal(describeRect({ row0: 0, row1: 0, col0: 2, col1: 2 }), '1 cell');
});

test('topToShow keeps a visible row where it is', () => {
  assert.equal(topToShow(40, extent, { top: 30, pageRows: 36 }), 30);
  assert.equal(topToShow(10, extent, { top: 30, pageRows: 36 }), 10);
});

test('scrollTopForRow inverts regular-table scaled scrolling, rounding down so the row is shown whole', () => {
  // 1M rows of 20 px need 20M px; regular-table caps its scroll height at 10M, so a row is 10 px of scrolling.
  const big = { rows: 1_000_000, rowHeight: 20, headerRows: 2, clipHeight: 760, scrollRange: 10_000_000 - 760 };
  const visible = 760 / 20 - 2;
  for (const row of [0, 36, 72, 500_000, 999_000]) {
    const px = scrollTopForRow(row, big);
    // regular-table: start_row = scrollable_rows * scrollTop / scroll_range
    const start = ((big.rows - visible) * px) / big.scrollRange;
    assert.ok(start <= row && start > row - 1, `row ${row}: scrollTop ${px} starts at ${start}`);
  }
  assert.equal(scrollTopForRow(0, big), 0);
  // Unscaled (50k rows): one row is one row height.
  const small = { rows: 50_000, rowHeight: 20, headerRows: 2, clipHeight: 760, scrollRange: 50_002 * 20 - 760 };
  assert.equal(scrollTopForRow(36, small), 720);
  assert.equal(scrollTopForRow(5, { ...small, rows: 10 }), 0);
});
