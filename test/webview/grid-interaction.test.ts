/**
 * The grid as people use it, in headless Chromium over a real gateway: formatted values,
 * keyboard paging on a frame large enough that regular-table scales its scrolling, a cursor and
 * selection that follow the data, stable column positions, copying and multi-column sort.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { Methods } from '../../protocol';
import { Selectors } from '../../webview/dom-ids';
import { renderedRows, rowNumbers, startGridHarness, texts, waitFor, type GridHarness, type GridPage } from './support/grid-harness';

// More rows than regular-table's 10M px scroll height holds at 20 px a row: scrolling is scaled.
const ROWS = 600_000;
const SQL = `SELECT range AS id,
  CASE WHEN range % 5 = 0 THEN NULL ELSE 'name-' || range END AS label,
  range % 3 AS grp,
  (CASE WHEN range = 0 THEN 9368748.060000122 ELSE (range * 7919 % 100000) / 100.0 END)::DOUBLE AS amount,
  CASE WHEN range = 1 THEN 'tab' || chr(9) || 'and' || chr(10) || 'line' ELSE 'plain' END AS note,
  TIMESTAMP '2024-03-05 06:07:08' + to_seconds(range) AS at
FROM range(${ROWS})`;
let harness: GridHarness;

before(async () => {
  harness = await startGridHarness('interaction');
  await harness.client.request(Methods.save, { name: 'people', from: { sql: SQL } });
});

after(async () => {
  await harness?.close();
});

/** Rows wholly inside the visible body area, top to bottom. */
async function fullyVisibleRows(page: Page): Promise<number[]> {
  return page.$eval(Selectors.grid, (table) => {
    const top = table.querySelector('thead')!.getBoundingClientRect().bottom;
    const bottom = table.getBoundingClientRect().top + table.clientHeight;
    return [...table.querySelectorAll('tbody tr')]
      .filter((tr) => {
        const rect = tr.getBoundingClientRect();
        return rect.top >= top - 0.5 && rect.bottom <= bottom + 0.5;
      })
      .map((tr) => Number((tr.querySelector('th')?.textContent ?? '').replace(/\D/g, '')));
  });
}

async function cursor(page: Page): Promise<{ row: number; col: number } | undefined> {
  const cell = await page.$(Selectors.cursorCell);
  if (!cell) return undefined;
  return { row: Number(await cell.getAttribute('data-row')), col: Number(await cell.getAttribute('data-col')) };
}

async function cellAt(page: Page, row: number, col: number): Promise<string> {
  return (await page.textContent(`${Selectors.cell}[data-row="${row}"][data-col="${col}"]`))?.trim() ?? '';
}

async function open(): Promise<GridPage> {
  const grid = await harness.openGrid({ kind: 'frame', name: 'people' });
  await waitFor(async () => (await cellAt(grid.page, 0, 3)) !== '' && (await cellAt(grid.page, 0, 3)) !== 'NULL', 'the first window');
  return grid;
}

test('values are formatted for people: grouped numbers with one number of decimals per column, NULL, readable timestamps', async () => {
  const grid = await open();
  const { page } = grid;
  const rows = await renderedRows(page);
  assert.deepEqual(rows[0]!.cells, ['0', 'NULL', '0', '9,368,748.06', 'plain', '03/05/2024, 06:07:08']);
  assert.equal(rows[1]!.cells[1], 'name-1');
  // Two fraction digits for every amount, right-aligned in tabular figures: the decimal points line up.
  const amounts = rows.map((r) => r.cells[3]!);
  assert.ok(amounts.every((a) => /^\d{1,3}(,\d{3})*\.\d{2}$/.test(a)), amounts.join(' '));
  const style = await page.$eval(`${Selectors.cell}[data-row="0"][data-col="3"]`, (td) => {
    const s = getComputedStyle(td);
    return { align: s.textAlign, figures: s.fontVariantNumeric };
  });
  assert.deepEqual(style, { align: 'right', figures: 'tabular-nums' });
  // NULL is its own dimmed thing, not the text of a cell.
  assert.deepEqual(await page.$$eval(Selectors.nullCell, (cells) => [...new Set(cells.map((c) => c.getAttribute('data-col')))]), ['1']);
  assert.equal(await page.$eval(`${Selectors.cell}[data-row="1"][data-col="1"]`, (td) => td.classList.contains('fg-null')), false);
  assert.deepEqual(grid.problems, []);
  await grid.close();
});

test('PageDown/PageUp move exactly one screen, Home/End and Ctrl+Home/End reach the ends; the columns never shift', async () => {
  const grid = await open();
  const { page } = grid;
  await page.click(`${Selectors.cell}[data-row="0"][data-col="0"]`);
  const firstColumnLeft = () => page.$eval(`${Selectors.columnHeader}[data-column="id"]`, (th) => th.getBoundingClientRect().left);
  const left = await firstColumnLeft();
  let shown = await fullyVisibleRows(page);
  const screen = shown.length;
  assert.ok(screen >= 20, `${screen} rows on screen`);
  for (let page_ = 1; page_ <= 3; page_++) {
    await page.keyboard.press('PageDown');
    const last = shown[shown.length - 1]!;
    await waitFor(async () => (await fullyVisibleRows(page))[0] === last + 1, `page ${page_} to start at row ${last + 1}`);
    shown = await fullyVisibleRows(page);
    assert.equal(shown.length, screen);
    assert.deepEqual(await cursor(page), { row: page_ * screen, col: 0 });
  }
  await page.keyboard.press('PageUp');
  await waitFor(async () => (await fullyVisibleRows(page))[0] === 2 * screen + 1, 'one screen back');
  assert.deepEqual(await cursor(page), { row: 2 * screen, col: 0 });

  await page.keyboard.press('End');
  await waitFor(async () => (await fullyVisibleRows(page)).includes(ROWS), 'the last row');
  assert.deepEqual(await cursor(page), { row: ROWS - 1, col: 0 });
  assert.equal(await cellAt(page, ROWS - 1, 0), (ROWS - 1).toLocaleString('en-US'));
  // Row numbers grew from 1 digit to 7 (and separators): the data columns stayed where they were.
  assert.equal(await firstColumnLeft(), left);

  await page.keyboard.press('Control+ArrowRight');
  await waitFor(async () => (await cursor(page))?.col === 5, 'the last column');
  await page.keyboard.press('Control+Home');
  await waitFor(async () => (await fullyVisibleRows(page))[0] === 1, 'the first row');
  assert.deepEqual(await cursor(page), { row: 0, col: 0 });
  assert.equal(await firstColumnLeft(), left);
  assert.deepEqual(grid.problems, []);
  await grid.close();
});

test('the cursor moves with arrows and Tab, scrolling the grid; the highlight follows the data, not the recycled cells', async () => {
  const grid = await open();
  const { page } = grid;
  await page.click(`${Selectors.cell}[data-row="2"][data-col="1"]`);
  assert.deepEqual(await cursor(page), { row: 2, col: 1 });
  const text = await cellAt(page, 2, 1);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown');
  await waitFor(async () => JSON.stringify(await cursor(page)) === JSON.stringify({ row: 3, col: 3 }), 'cursor at row 3, column 3');
  await page.keyboard.press('Shift+Tab');
  await waitFor(async () => (await cursor(page))?.col === 2, 'Shift+Tab goes back');
  // Arrow down past the screen: the grid scrolls so the cursor stays visible.
  const screen = (await fullyVisibleRows(page)).length;
  for (let i = 0; i < screen + 5; i++) await page.keyboard.press('ArrowDown');
  const target = 3 + screen + 5;
  await waitFor(async () => (await cursor(page))?.row === target && (await fullyVisibleRows(page)).includes(target + 1), 'the cursor scrolled into view');

  // Select row 2's cell again, then scroll a few rows: regular-table reuses its <td>s for other
  // rows; the highlight must stay on the cell showing that value (or leave the screen with it).
  await page.keyboard.press('Control+Home');
  await page.click(`${Selectors.cell}[data-row="2"][data-col="1"]`);
  for (const scroll of [3 * 20, 1 * 20]) {
    await page.$eval(Selectors.grid, (table, px) => (table.scrollTop = px), scroll);
    await waitFor(async () => (await rowNumbers(page))[0]! > 1, 'scrolled');
    const selected = await page.$$eval(Selectors.selectedCell, (cells) => cells.map((c) => [c.getAttribute('data-row'), (c.textContent ?? '').trim()]));
    assert.ok(selected.every(([row, shownText]) => row === '2' && shownText === text), JSON.stringify(selected));
  }
  // The browser's own text selection cannot stick to cells either.
  assert.equal(await page.$eval(Selectors.cell, (td) => getComputedStyle(td).userSelect), 'none');
  await grid.close();
});

test('moving the cursor across a wide frame scrolls its columns into view', async () => {
  const columns = Array.from({ length: 40 }, (_, i) => `range * ${i} AS "column_${i}"`).join(', ');
  await harness.client.request(Methods.save, { name: 'wide', from: { sql: `SELECT ${columns} FROM range(100)` }, replace: true });
  const grid = await harness.openGrid({ kind: 'frame', name: 'wide' });
  const { page } = grid;
  await waitFor(async () => (await cellAt(page, 1, 1)) === '1', 'the first window');
  /** Is the cursor cell wholly inside the visible body area? */
  const cursorInView = () =>
    page.$eval(Selectors.grid, (table) => {
      const td = table.querySelector('tbody td.fg-cursor');
      if (!td) return false;
      const rect = td.getBoundingClientRect();
      const left = table.querySelector('tbody th')!.getBoundingClientRect().right;
      const right = table.getBoundingClientRect().left + table.clientWidth;
      return rect.left >= left - 0.5 && rect.right <= right + 0.5;
    });
  await page.click(`${Selectors.cell}[data-row="1"][data-col="0"]`);
  await page.keyboard.press('Control+ArrowRight');
  await waitFor(async () => (await cursor(page))?.col === 39 && (await cursorInView()), 'the last column in view');
  assert.equal(await cellAt(page, 1, 39), '39');
  await page.keyboard.press('Control+ArrowLeft');
  await waitFor(async () => (await cursor(page))?.col === 0 && (await cursorInView()), 'the first column in view');
  for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowRight');
  await waitFor(async () => (await cursor(page))?.col === 15 && (await cursorInView()), 'column 15 in view');
  assert.deepEqual(grid.problems, []);
  await grid.close();
});

test('ranges, rows, columns and all are selected with Shift, the row numbers, Ctrl+click on a header and Ctrl+A', async () => {
  const grid = await open();
  const { page } = grid;
  const selected = () => page.$$eval(Selectors.selectedCell, (cells) => cells.map((c) => `${c.getAttribute('data-row')}:${c.getAttribute('data-col')}`));
  await page.click(`${Selectors.cell}[data-row="1"][data-col="0"]`);
  await page.click(`${Selectors.cell}[data-row="2"][data-col="1"]`, { modifiers: ['Shift'] });
  assert.deepEqual((await selected()).sort(), ['1:0', '1:1', '2:0', '2:1']);
  await page.keyboard.press('Shift+ArrowRight');
  await waitFor(async () => (await selected()).length === 6, 'Shift+arrow grows the range');

  // Dragging from a cell selects the range to where the pointer is released.
  const centre = async (row: number, col: number) => {
    const box = (await page.locator(`${Selectors.cell}[data-row="${row}"][data-col="${col}"]`).boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  const from = await centre(3, 1);
  const to = await centre(5, 3);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
  await waitFor(async () => (await selected()).length === 9, 'the dragged range');
  assert.deepEqual(await cursor(page), { row: 5, col: 3 });

  await page.click(`${Selectors.rowHeader}[data-row="4"]`);
  assert.deepEqual((await selected()).sort(), ['4:0', '4:1', '4:2', '4:3', '4:4', '4:5']);
  await page.click(`${Selectors.rowHeader}[data-row="5"]`, { modifiers: ['Shift'] });
  assert.equal((await selected()).length, 12);

  // Ctrl+click selects a column and does not sort.
  await page.click(`${Selectors.columnHeader}[data-column="grp"]`, { modifiers: ['Control'] });
  const column = await selected();
  assert.ok(column.length >= 20 && column.every((c) => c.endsWith(':2')), column.join(' '));
  assert.equal(await page.getAttribute(`${Selectors.columnHeader}[data-column="grp"]`, 'data-sort'), 'none');

  await page.keyboard.press('Control+a');
  await waitFor(async () => (await selected()).length === (await page.$$(Selectors.cell)).length, 'everything');
  await grid.close();
});

test('Ctrl+C copies TSV with a header; the context menu copies CSV and Markdown; big selections are fetched or refused', async () => {
  const grid = await open();
  const { page, clipboard } = grid;
  await page.click(`${Selectors.cell}[data-row="0"][data-col="1"]`);
  await page.click(`${Selectors.cell}[data-row="1"][data-col="4"]`, { modifiers: ['Shift'] });
  await page.keyboard.press('Control+c');
  await waitFor(() => clipboard.length === 1, 'the clipboard');
  // Plain values: full precision, NULL empty, the tab and newline of a value quoted.
  assert.equal(clipboard[0], 'label\tgrp\tamount\tnote\n\t0\t9368748.060000122\tplain\nname-1\t1\t79.19\t"tab\tand\nline"');
  await waitFor(async () => (await page.textContent(Selectors.status)) === 'Copied 2 rows × 4 columns as TSV', 'the confirmation');

  await page.click(`${Selectors.cell}[data-row="1"][data-col="2"]`, { button: 'right' });
  // Right-clicking inside the selection keeps it.
  assert.equal((await page.$$(Selectors.selectedCell)).length, 8);
  await page.click(`${Selectors.menuItem}[data-action="csv"]`);
  await waitFor(() => clipboard.length === 2, 'the CSV');
  assert.equal(clipboard[1], 'label,grp,amount,note\n,0,9368748.060000122,plain\nname-1,1,79.19,"tab\tand\nline"');
  await page.click(`${Selectors.cell}[data-row="0"][data-col="2"]`, { button: 'right' });
  await page.click(`${Selectors.menuItem}[data-action="markdown"]`);
  await waitFor(() => clipboard.length === 3, 'the Markdown');
  assert.equal(clipboard[2], '| label | grp | amount | note |\n| --- | ---: | ---: | --- |\n| NULL | 0 | 9,368,748.06 | plain |\n| name-1 | 1 | 79.19 | tab\tand<br>line |');
  assert.equal(await page.isVisible(Selectors.menu), false);
  // From the keyboard too: Shift+F10 opens it at the cursor, Escape closes it.
  await page.focus(Selectors.grid);
  await page.keyboard.press('Shift+F10');
  await page.waitForSelector(`${Selectors.menu}:not([hidden])`);
  await page.keyboard.press('Escape');
  await page.waitForSelector(Selectors.menu, { state: 'hidden' });

  // A whole column of 600,000 rows: fetched from the extension in windows, not from the screen.
  const windowsBefore = grid.fromWebview.filter((m) => m.type === 'window').length;
  await page.click(`${Selectors.columnHeader}[data-column="id"]`, { modifiers: ['Control'] });
  await page.keyboard.press('Control+c');
  await waitFor(() => clipboard.length === 4, 'the column', 60_000);
  const lines = clipboard[3]!.split('\n');
  assert.equal(lines.length, ROWS + 1);
  assert.deepEqual([lines[0], lines[1], lines[ROWS]], ['id', '0', String(ROWS - 1)]);
  const fetched = grid.fromWebview.filter((m) => m.type === 'window').slice(windowsBefore);
  assert.ok(fetched.length >= ROWS / 50_000 && fetched.every((m) => m.type === 'window' && m.limit <= 50_000), `${fetched.length} windows`);

  // Everything is 3.6M cells: refused, and the grid says why.
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+c');
  await waitFor(async () => /Not copied: .*3,600,000 cells; copying is limited to 1,000,000 cells/.test((await page.textContent(Selectors.status)) ?? ''), 'the refusal');
  assert.equal(clipboard.length, 4);
  await grid.close();
});

test('Shift+click adds sort keys shown as chips with their SQL; × drops a key', async () => {
  const grid = await open();
  const { page, clipboard } = grid;
  assert.equal(await page.isVisible(Selectors.sortBar), false);
  await page.click(`${Selectors.columnHeader}[data-column="grp"]`);
  await page.click(`${Selectors.columnHeader}[data-column="amount"]`, { modifiers: ['Shift'] });
  await page.click(`${Selectors.columnHeader}[data-column="amount"]`, { modifiers: ['Shift'] });
  await waitFor(async () => (await page.textContent(Selectors.sortSql)) === 'ORDER BY "grp", "amount" DESC', 'two keys');
  assert.deepEqual(await texts(page, `${Selectors.sortChip} .fg-chip-flip`), ['1. grp ▲', '2. amount ▼']);
  // The gateway sorted the whole frame: grp 0 first and, among those, the largest amount (row 0's).
  await waitFor(async () => (await page.getAttribute(`${Selectors.columnHeader}[data-column="amount"]`, 'data-sort-index')) === '2', 'the header mark');
  const sorted = async () => [await cellAt(page, 0, 2), await cellAt(page, 0, 3), await cellAt(page, 1, 2), await cellAt(page, 1, 3)];
  await waitFor(async () => JSON.stringify(await sorted()) === JSON.stringify(['0', '9,368,748.06', '0', '999.99']), 'sorted rows');

  await page.click(Selectors.copySortSql);
  await waitFor(() => clipboard.includes('ORDER BY "grp", "amount" DESC'), 'the SQL on the clipboard');

  await page.click(`${Selectors.sortChip}[data-column="grp"] .fg-chip-remove`);
  await waitFor(async () => (await page.textContent(Selectors.sortSql)) === 'ORDER BY "amount" DESC', 'one key left');
  // By amount alone all six rows of 999.99 follow (grp 0 alone has two).
  const amounts = async () => Promise.all([1, 2, 3, 4, 5, 6].map((row) => cellAt(page, row, 3)));
  await waitFor(async () => (await amounts()).every((a) => a === '999.99'), 'sorted by amount alone');
  await page.click(`${Selectors.sortChip} .fg-chip-remove`);
  await waitFor(async () => !(await page.isVisible(Selectors.sortBar)), 'no sort, no bar');
  await grid.close();
});
