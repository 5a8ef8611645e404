/**
 * Copying the selection: the cells come from the window cache when it holds them, otherwise from
 * the extension in windows (never the whole frame blindly: selections over MAX_COPY_CELLS are
 * refused), then become TSV, CSV or Markdown (clipboard-text.ts). The extension writes the
 * clipboard.
 */
import { clipboardText, COPY_FORMAT_NAMES, type CopyFormat } from './clipboard-text';
import { CancelledError, type Grid, type WindowFetch } from './grid';
import type { WindowReplyMessage } from './messages';
import { describeRect, rectCells, selectionRect, type Rect } from './selection';
import type { CellScalar } from './window-cache';

export const MAX_COPY_CELLS = 1_000_000;
/** Cells per fetched window while copying: a few MB per message. */
const CELLS_PER_FETCH = 200_000;
const MAX_ROWS_PER_FETCH = 50_000;

export interface CopyOptions {
  fetchWindow(request: WindowFetch): Promise<WindowReplyMessage>;
  /** Hands the text to the extension (which confirms with a status). */
  write(text: string, description: string): void;
  status(message: string, isError: boolean): void;
}

export type CopyOutcome = { copied: number } | { refused: string } | { cancelled: true };

/** Raw cells of `rect`, row-major; fetched in windows where the cache lacks them. */
async function cellsOf(grid: Grid, rect: Rect, options: CopyOptions, progress: (done: number) => void): Promise<CellScalar[][]> {
  const generation = grid.currentGeneration;
  const cols = rect.col1 - rect.col0 + 1;
  const names = grid.columnInfo.slice(rect.col0, rect.col1 + 1).map((c) => c.name);
  const out: CellScalar[][] = [];
  const chunk = Math.max(1, Math.min(MAX_ROWS_PER_FETCH, Math.floor(CELLS_PER_FETCH / cols)));
  for (let row = rect.row0; row <= rect.row1; row += chunk) {
    const last = Math.min(rect.row1, row + chunk - 1);
    const cached = grid.cachedWindow({ x0: rect.col0, y0: row, x1: rect.col1 + 1, y1: last + 1 });
    let columns: CellScalar[][];
    let offset: number;
    let colStart: number;
    if (cached) {
      ({ data: columns, offset, colStart } = cached);
    } else {
      const reply = await options.fetchWindow({ offset: row, limit: last - row + 1, columns: names, sort: grid.currentSort, filters: grid.currentFilters });
      if (generation !== grid.currentGeneration) throw new CancelledError();
      columns = grid.decode(reply).columns;
      offset = row;
      colStart = rect.col0;
    }
    for (let r = row; r <= last; r++) {
      const cells: CellScalar[] = [];
      for (let c = rect.col0; c <= rect.col1; c++) cells.push(columns[c - colStart]?.[r - offset] ?? null);
      out.push(cells);
    }
    progress(out.length);
  }
  return out;
}

export async function copySelection(grid: Grid, format: CopyFormat, options: CopyOptions): Promise<CopyOutcome> {
  if (!grid.selection) return { refused: 'Nothing is selected.' };
  const rect = selectionRect(grid.selection, grid.extent);
  const cells = rectCells(rect);
  if (cells === 0) return { refused: 'Nothing is selected.' };
  if (cells > MAX_COPY_CELLS) {
    const message = `Not copied: ${describeRect(rect)} is ${cells.toLocaleString('en-US')} cells; copying is limited to ${MAX_COPY_CELLS.toLocaleString('en-US')} cells. Select fewer rows or columns, or use Save Result As… / framegate get.`;
    options.status(message, true);
    return { refused: message };
  }
  const total = rect.row1 - rect.row0 + 1;
  let rows: CellScalar[][];
  try {
    rows = await cellsOf(grid, rect, options, (done) => {
      if (done < total) options.status(`Copying… ${Math.floor((100 * done) / total)}%`, false);
    });
  } catch (error) {
    if (error instanceof CancelledError) return { cancelled: true };
    throw error;
  }
  const columns = grid.columnInfo.slice(rect.col0, rect.col1 + 1);
  const formatters = columns.map((c) => grid.formatter(c));
  // TSV and CSV carry plain values (full precision, ISO dates, empty NULLs) for spreadsheets and
  // scripts; Markdown is for people and shows what the grid shows.
  const text = (value: CellScalar, c: number) => (format === 'markdown' ? formatters[c]!.display(value) : formatters[c]!.plain(value));
  const table = { header: columns.map((c) => c.name), rows: rows.map((cellsOfRow) => cellsOfRow.map(text)), align: formatters.map((f) => f.align) };
  options.write(clipboardText(table, format), `${describeRect(rect)} as ${COPY_FORMAT_NAMES[format]}`);
  return { copied: cells };
}
