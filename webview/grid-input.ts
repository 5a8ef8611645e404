/**
 * Mouse and keyboard on the grid: the cell cursor and selection (selection.ts, navigation.ts),
 * header clicks for sorting, and the copy shortcut.
 *
 * Gestures: click a cell to put the cursor there, Shift+click (or drag) to select the range to it; click a
 * row number for the whole row (Shift: rows); click a column name to sort by it, Shift+click to
 * add it to the sort, Ctrl/Cmd+click to select the whole column (Ctrl/Cmd+Shift: columns).
 */
import { PROFILE_HEADER_ROW, type Grid } from './grid';
import { navigate } from './navigation';
import { moveTo, rectContains, selectCell, selectColumns, selectionRect, selectRows, type Cell } from './selection';

export interface InputOptions {
  /** Ctrl/Cmd+C (and the browser's copy event). */
  copy(): void;
  /** A right click (or the context-menu key) at x, y; the cursor moved there if it was outside the selection. */
  contextMenu(x: number, y: number): void;
  /** A right click on a column's name: its menu (filters, chart). */
  columnMenu?(x: number, y: number, column: string): void;
  /** A click on a column's profile line (the header's third row): show that column's summary. */
  showProfile?(column: string): void;
  /** A click or Enter on a nested cell: show its value expanded (`json`, the cell's own value). */
  expand?(json: string, title: string, at: DOMRect): void;
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

/** Ctrl, or Cmd on macOS. */
function primary(event: KeyboardEvent | MouseEvent): boolean {
  return isMac() ? event.metaKey : event.ctrlKey;
}

export function attachInput(grid: Grid, options: InputOptions): () => void {
  const table = grid.table;
  let busy: Promise<void> = Promise.resolve();
  /** When Ctrl/Cmd+C last copied: a host that also runs the browser's copy command must not copy twice. */
  let keyCopyAt = -Infinity;
  /** Key presses are applied one after another, each seeing where the last one scrolled to. */
  const queue = (work: () => Promise<void>) => {
    busy = busy.then(work).catch(() => undefined);
  };

  const cellAt = (
    target: EventTarget | null,
  ): { kind: 'cell'; cell: Cell } | { kind: 'row'; row: number } | { kind: 'column'; col: number; name: boolean; profile: boolean } | undefined => {
    if (!(target instanceof Element) || target.closest('.rt-column-resize')) return undefined;
    const element = target.closest('td, th');
    if (!(element instanceof HTMLTableCellElement)) return undefined;
    const meta = table.getMeta(element);
    if (meta?.type === 'body') return { kind: 'cell', cell: { row: meta.y, col: meta.x } };
    if (meta?.type === 'row_header') return { kind: 'row', row: meta.y };
    if (meta?.type === 'column_header') return { kind: 'column', col: meta.x, name: meta.column_header_y === 0, profile: meta.column_header_y === PROFILE_HEADER_ROW };
    return undefined;
  };

  const expand = (cell: Cell, at: DOMRect) => {
    const json = grid.nestedAt(cell.row, cell.col);
    const column = grid.columnInfo[cell.col];
    if (json !== undefined && column) options.expand?.(json, `${column.name}, row ${cell.row + 1}`, at);
  };

  /** A drag over body cells selects the range from where it started. */
  let drag: { from: Cell; moved: boolean } | undefined;
  /** Set between the mouseup that ends a drag and the click the browser sends right after it. */
  let suppressClick = false;

  const onMouseUp = () => {
    if (drag?.moved) {
      suppressClick = true;
      // The click (if any) is dispatched before this runs.
      setTimeout(() => (suppressClick = false), 0);
    }
    drag = undefined;
  };

  const onClick = (event: MouseEvent) => {
    if (suppressClick) return; // the drag already selected
    const hit = cellAt(event.target);
    if (!hit) return;
    table.focus({ preventScroll: true });
    const selection = grid.selection;
    switch (hit.kind) {
      case 'cell':
        void grid.select(selection && event.shiftKey ? moveTo(selection, hit.cell, true) : selectCell(hit.cell));
        if (!event.shiftKey) expand(hit.cell, (event.target as Element).closest('td')!.getBoundingClientRect());
        return;
      case 'row':
        void grid.select(selectRows(selection, hit.row, event.shiftKey));
        return;
      case 'column': {
        if (primary(event)) {
          void grid.select(selectColumns(selection, hit.col, event.shiftKey, grid.view().top));
          return;
        }
        const column = grid.columnInfo[hit.col];
        if (column && hit.profile) options.showProfile?.(column.name);
        if (!column || !hit.name) return;
        void (event.shiftKey ? grid.addSortKey(column.name) : grid.toggleSort(column.name));
      }
    }
  };

  const onMouseDown = (event: MouseEvent) => {
    const hit = cellAt(event.target);
    // Shift+click extends the selection; without this the browser would also select text.
    if (event.shiftKey && hit) event.preventDefault();
    drag = event.button === 0 && !event.shiftKey && hit?.kind === 'cell' ? { from: hit.cell, moved: false } : undefined;
  };

  const onMouseOver = (event: MouseEvent) => {
    if (!drag || (event.buttons & 1) === 0) return;
    const hit = cellAt(event.target);
    if (hit?.kind !== 'cell') return;
    if (!drag.moved && hit.cell.row === drag.from.row && hit.cell.col === drag.from.col) return;
    drag.moved = true;
    table.focus({ preventScroll: true });
    void grid.select(moveTo(selectCell(drag.from), hit.cell, true));
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
      event.preventDefault();
      const rect = (table.querySelector('tbody td.fg-cursor') ?? table).getBoundingClientRect();
      options.contextMenu(rect.left + 4, rect.bottom);
      return;
    }
    if (primary(event) && (event.key === 'c' || event.key === 'C')) {
      event.preventDefault();
      keyCopyAt = performance.now();
      options.copy();
      return;
    }
    if (event.key === 'Enter' && grid.selection) {
      const cursor = grid.selection.cursor;
      expand(cursor, (table.querySelector('tbody td.fg-cursor') ?? table).getBoundingClientRect());
      return;
    }
    const selection = grid.selection ?? selectCell({ row: grid.view().top, col: 0 });
    const result = navigate(selection, { key: event.key, shift: event.shiftKey, ctrl: primary(event) }, grid.extent, grid.view());
    if (!result) return;
    event.preventDefault();
    queue(async () => {
      // Measure again when it is this key's turn: the previous one may have scrolled.
      const now = navigate(grid.selection ?? selection, { key: event.key, shift: event.shiftKey, ctrl: primary(event) }, grid.extent, grid.view());
      if (!now) return;
      await grid.select(now.selection, { ...(now.scrollTop !== undefined ? { top: now.scrollTop } : {}), column: true });
    });
  };

  const onContextMenu = (event: MouseEvent) => {
    const hit = cellAt(event.target);
    if (!hit) return;
    event.preventDefault();
    const name = hit.kind === 'column' && hit.name ? grid.columnInfo[hit.col]?.name : undefined;
    if (name !== undefined && options.columnMenu) {
      options.columnMenu(event.clientX, event.clientY, name);
      return;
    }
    const selection = grid.selection;
    const inside = selection !== undefined && hit.kind === 'cell' && rectContains(selectionRect(selection, grid.extent), hit.cell.row, hit.cell.col);
    if (hit.kind === 'cell' && !inside) void grid.select(selectCell(hit.cell));
    options.contextMenu(event.clientX, event.clientY);
  };

  const onCopy = (event: ClipboardEvent) => {
    if (!grid.selection) return;
    event.preventDefault();
    if (performance.now() - keyCopyAt > 1000) options.copy();
  };

  table.addEventListener('click', onClick);
  table.addEventListener('mousedown', onMouseDown);
  table.addEventListener('mouseover', onMouseOver);
  document.addEventListener('mouseup', onMouseUp);
  table.addEventListener('keydown', onKeyDown);
  table.addEventListener('contextmenu', onContextMenu);
  document.addEventListener('copy', onCopy);
  return () => {
    table.removeEventListener('click', onClick);
    table.removeEventListener('mousedown', onMouseDown);
    table.removeEventListener('mouseover', onMouseOver);
    document.removeEventListener('mouseup', onMouseUp);
    table.removeEventListener('keydown', onKeyDown);
    table.removeEventListener('contextmenu', onContextMenu);
    document.removeEventListener('copy', onCopy);
  };
}
