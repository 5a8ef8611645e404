/**
 * Framegate's parts of the workbench, as the UI tests see them: the Frames tree in the activity
 * bar view and the grid webview (through the stable hooks of webview/dom-ids.ts).
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { READY_ATTRIBUTE, Selectors } from '../../webview/dom-ids';
import { findFrame } from './harness';

function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** Opens the Framegate view container from the activity bar. */
export async function openFramegateView(page: Page): Promise<void> {
  const icon = page.locator('.part.activitybar .action-item a[aria-label^="Framegate"]').first();
  await icon.waitFor({ state: 'visible', timeout: 60_000 });
  // Clicking an already open container closes it: click only when the view is not showing. A
  // container with one view has no pane header: its title says "Framegate: Frames".
  const view = page.locator('.part.sidebar .composite.title', { hasText: /Framegate/ });
  if (!(await view.isVisible())) await icon.click();
  await view.waitFor({ state: 'visible', timeout: 10_000 });
}

/** A row of the Frames tree by its label (a namespace, frame or column name). */
export function treeRow(page: Page, label: string): Locator {
  return page
    .locator('.part.sidebar .monaco-list-row[role="treeitem"]')
    .filter({ has: page.locator('.label-name', { hasText: exactly(label) }) })
    .first();
}

/** The grid webview whose title is `title`, once it has drawn rows with data in them. */
export async function gridFrame(page: Page, title: string | RegExp): Promise<Frame> {
  const frame = await findFrame(page, Selectors.title, { hasText: title, timeoutMs: 60_000 });
  await frame.waitForSelector(`body[${READY_ATTRIBUTE}="ready"]`, { timeout: 30_000 });
  await waitForCells(frame);
  return frame;
}

/** Waits until the grid's first body row shows values (its window has arrived). */
export async function waitForCells(frame: Frame, rowNumberAbove = 0): Promise<void> {
  try {
    await waitForFirstRow(frame, rowNumberAbove);
  } catch (error) {
    // Say what the grid shows instead, so a failure explains itself.
    const status = await frame.locator(Selectors.status).textContent().catch(() => null);
    const firstRow = await frame.locator(`${Selectors.grid} tbody tr`).first().innerHTML().catch(() => null);
    throw new Error(
      `the grid drew no cell values${rowNumberAbove ? ` below row ${rowNumberAbove}` : ''}: status line "${status ?? '?'}", ` +
        `first row ${firstRow ?? '(none)'} (${String(error)})`,
    );
  }
}

async function waitForFirstRow(frame: Frame, rowNumberAbove: number): Promise<void> {
  await frame.waitForFunction(
    ({ cell, rowHeader, above }) => {
      const firstHeader = document.querySelector(rowHeader);
      const cells = [...document.querySelectorAll(cell)].slice(0, 3);
      return (
        firstHeader !== null &&
        Number(firstHeader.textContent?.replace(/,/g, '')) > above &&
        cells.length > 0 &&
        cells.every((td) => (td.textContent ?? '').trim() !== '')
      );
    },
    { cell: Selectors.cell, rowHeader: Selectors.rowHeader, above: rowNumberAbove },
    { timeout: 30_000 },
  );
}

export interface GridContents {
  /** Column names from the header (`data-column`), left to right. */
  columns: string[];
  /** Column types from the second header row. */
  types: string[];
  /** `data-sort` of each column header. */
  sort: string[];
  /** Visible body rows: the 1-based row number and each cell's text. */
  rows: { number: number; cells: string[] }[];
  /** The toolbar's exact row count. */
  rowCount: number;
}

/**
 * Runs in the webview. Kept as source text: tsx (esbuild with keepNames) wraps named functions
 * of this file in a `__name` helper that does not exist inside the page.
 */
const READ_GRID_SOURCE = `(s) => {
  const rows = [...document.querySelectorAll(s.grid + ' tbody tr')].map((tr) => ({
    number: Number((tr.querySelector('th')?.textContent ?? '').replace(/,/g, '')),
    cells: [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()),
  }));
  const headers = [...document.querySelectorAll(s.columnHeader)];
  return {
    columns: headers.map((th) => th.dataset.column ?? ''),
    types: [...document.querySelectorAll(s.columnType)].map((th) => (th.textContent ?? '').trim()),
    sort: headers.map((th) => th.dataset.sort ?? ''),
    rows: rows.filter((r) => Number.isFinite(r.number) && r.number > 0),
    rowCount: Number(document.querySelector(s.rowCount)?.dataset.rowCount),
  };
}`;

/** What the grid shows now, read from its DOM. */
export async function readGrid(frame: Frame): Promise<GridContents> {
  return frame.evaluate<GridContents>(`(${READ_GRID_SOURCE})(${JSON.stringify(Selectors)})`);
}

/** Scrolls the grid so that about `fraction` of its rows lie above the viewport. */
export async function scrollGrid(frame: Frame, fraction: number): Promise<void> {
  await frame.evaluate(
    ({ grid, fraction }) => {
      const table = document.querySelector(grid);
      if (!table) throw new Error(`no ${grid}`);
      table.scrollTop = Math.round((table.scrollHeight - table.clientHeight) * fraction);
    },
    { grid: Selectors.grid, fraction },
  );
}

/** The Framegate status bar item, once its text matches `text`. */
export async function statusBarItem(page: Page, text: RegExp, timeoutMs = 60_000): Promise<Locator> {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return item;
}

/** Right-clicks `row` and clicks the context menu entry `label` (VS Code draws its menus in the page). */
export async function contextMenuAction(page: Page, row: Locator, label: string): Promise<void> {
  await row.click({ button: 'right' });
  const entry = menuEntry(page, label);
  await entry.waitFor({ state: 'visible', timeout: 10_000 });
  await entry.click();
}

/** The entries a right-click on `row` offers (the menu is closed again). */
export async function contextMenuLabels(page: Page, row: Locator): Promise<string[]> {
  await row.click({ button: 'right' });
  const labels = page.locator('.monaco-menu .action-item .action-label');
  await labels.first().waitFor({ state: 'visible', timeout: 10_000 });
  const texts = (await labels.allTextContents()).map((t) => t.trim()).filter((t) => t !== '');
  await page.keyboard.press('Escape');
  return texts;
}

function menuEntry(page: Page, label: string): Locator {
  return page.locator('.monaco-menu .action-item .action-label', { hasText: exactly(label) }).first();
}

/** A notification toast whose message matches `text`. */
export async function notification(page: Page, text: RegExp, timeoutMs = 30_000): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return toast;
}
