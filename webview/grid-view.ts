/**
 * What the grid shows right now, measured from regular-table's DOM, and scrolling that puts a
 * given row on top or a given column in view. The arithmetic is in navigation.ts.
 */
import type { RegularTableElement } from 'regular-table';
import { scrollTopForRow, type ScrollGeometry, type View } from './navigation';

interface BodyArea {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The part of the table where body cells show: below the header, right of the row numbers. */
function bodyArea(table: RegularTableElement): BodyArea {
  const host = table.getBoundingClientRect();
  const thead = table.querySelector('thead')?.getBoundingClientRect();
  const rowHeader = table.querySelector('tbody th')?.getBoundingClientRect();
  // clientWidth/Height leave out the scrollbars.
  return {
    top: thead?.bottom ?? host.top,
    bottom: host.top + table.clientHeight,
    left: rowHeader?.right ?? host.left,
    right: host.left + table.clientWidth,
  };
}

function rowOf(table: RegularTableElement, tr: HTMLTableRowElement): number | undefined {
  const cell = tr.querySelector<HTMLTableCellElement>('th, td');
  const meta = cell ? table.getMeta(cell) : undefined;
  return meta && 'y' in meta ? meta.y : undefined;
}

/** The first fully visible row and how many rows are fully visible. */
export function measureView(table: RegularTableElement): View {
  const area = bodyArea(table);
  let top: number | undefined;
  let count = 0;
  for (const tr of table.querySelectorAll<HTMLTableRowElement>('tbody tr')) {
    const rect = tr.getBoundingClientRect();
    if (rect.top < area.top - 0.5 || rect.bottom > area.bottom + 0.5) continue;
    const row = rowOf(table, tr);
    if (row === undefined) continue;
    top ??= row;
    count++;
  }
  if (top === undefined || count === 0) return { top: 0, pageRows: Math.max(1, pageRowsEstimate(table)) };
  // Past the last row the table is shorter than the screen: a screen is still what fits.
  return { top, pageRows: Math.max(count, pageRowsEstimate(table)) };
}

function rowHeight(table: RegularTableElement): number {
  return table.querySelector('tbody tr')?.getBoundingClientRect().height || 20;
}

function pageRowsEstimate(table: RegularTableElement): number {
  const area = bodyArea(table);
  return Math.floor((area.bottom - area.top + 0.5) / rowHeight(table));
}

function geometry(table: RegularTableElement, rows: number): ScrollGeometry {
  const clip = table.shadowRoot?.querySelector<HTMLElement>('.rt-scroll-table-clip');
  return {
    rows,
    rowHeight: rowHeight(table),
    headerRows: table.querySelectorAll('thead tr').length,
    clipHeight: clip?.clientHeight ?? table.clientHeight,
    scrollRange: table.scrollHeight - table.clientHeight,
  };
}

/**
 * Scrolls so that `row` is the first fully visible row. regular-table's own scrollToCell assumes
 * one row height of scrolling per row, which is wrong once its scroll height is capped; this
 * inverts its real mapping and checks the result, nudging by a pixel if rounding missed.
 */
export async function scrollToRow(table: RegularTableElement, row: number, rows: number): Promise<void> {
  let px = scrollTopForRow(row, geometry(table, rows));
  for (let attempt = 0; attempt < 3; attempt++) {
    table.scrollTop = px;
    await table.draw();
    const { top } = measureView(table);
    if (top === row || table.scrollTop !== px) return; // there, or clamped at an end
    px += top < row ? 1 : -1;
  }
}

function headerCell(table: RegularTableElement, col: number): HTMLTableCellElement | undefined {
  for (const th of table.querySelectorAll<HTMLTableCellElement>('thead tr:last-child th')) {
    const meta = table.getMeta(th);
    if (meta?.type === 'column_header' && meta.x === col) return th;
  }
  return undefined;
}

/** Scrolls horizontally until column `col` is wholly in view (or as much of it as fits). */
export async function scrollToColumn(table: RegularTableElement, col: number, columns: number): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const th = headerCell(table, col);
    const area = bodyArea(table);
    let delta = 0;
    if (th) {
      const rect = th.getBoundingClientRect();
      if (rect.left < area.left - 0.5) delta = rect.left - area.left;
      else if (rect.right > area.right + 0.5) delta = Math.min(rect.right - area.right, rect.left - area.left);
    } else if (col === 0) {
      delta = -table.scrollLeft;
    } else if (col === columns - 1) {
      delta = table.scrollWidth - table.scrollLeft;
    } else {
      // Not drawn yet: move a screen towards it.
      const drawn = [...table.querySelectorAll<HTMLTableCellElement>('thead tr:last-child th')].map((c) => table.getMeta(c));
      const first = drawn.find((m) => m?.type === 'column_header');
      const direction = first && first.type === 'column_header' && col < first.x ? -1 : 1;
      delta = direction * (area.right - area.left) * 0.8;
    }
    const before = table.scrollLeft;
    if (Math.abs(delta) < 0.5) return;
    table.scrollLeft = Math.round(before + delta);
    await table.draw();
    if (table.scrollLeft === before) return; // at an end
  }
}
