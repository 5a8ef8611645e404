/**
 * The grid webview in headless Chromium over a real gateway (see support/grid-harness.ts):
 * rendering, virtual windows, sorting, Save as, and no CSP errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Methods } from '../../protocol';
import { Selectors } from '../../webview/dom-ids';
import { cspViolations, firstRow, rowNumbers, startGridHarness, texts, waitFor, type GridHarness } from './support/grid-harness';

const ROWS = 50_000;
let harness: GridHarness;

before(async () => {
  harness = await startGridHarness();
  const table = tableFromArrays({
    id: Int32Array.from({ length: ROWS }, (_, i) => i),
    label: Array.from({ length: ROWS }, (_, i) => `row-${i}`),
    score: Float64Array.from({ length: ROWS }, (_, i) => (i * 7919) % ROWS),
  });
  await harness.client.upload({ name: 'grid' }, tableToIPC(table, 'stream'));
});

after(async () => {
  await harness?.close();
});

const openGrid: GridHarness['openGrid'] = (source, options) => harness.openGrid(source, options);

test('a frame renders with typed headers, row numbers and count, under the strict CSP', async () => {
  const grid = await openGrid({ kind: 'frame', name: 'grid' });
  const { page, fromWebview, problems } = grid;
  assert.equal(await page.textContent(Selectors.title), 'grid');
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), String(ROWS));
  assert.equal(await page.textContent(Selectors.rowCount), '50,000 rows');
  assert.deepEqual(await texts(page, Selectors.columnHeader), ['id', 'label', 'score']);
  assert.deepEqual(await texts(page, Selectors.columnType), ['INTEGER', 'VARCHAR', 'DOUBLE']);
  assert.deepEqual((await firstRow(page)).slice(0, 2), ['0', 'row-0']);
  assert.equal((await rowNumbers(page))[0], 1);
  assert.equal(await page.isVisible(Selectors.saveButton), false);
  // Only the window needed (plus margin) was fetched, not the frame.
  const windows = fromWebview.filter((m) => m.type === 'window');
  assert.ok(windows.length >= 1);
  for (const w of windows) assert.ok(w.type === 'window' && w.limit <= 5000, JSON.stringify(w));
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  if (process.env.FRAMEGATE_SCREENSHOT) await page.screenshot({ path: process.env.FRAMEGATE_SCREENSHOT });
  // The CSP is in force (and the violation probe works): an inline style attribute is refused.
  await page.evaluate(() => document.body.setAttribute('style', 'color: red'));
  await waitFor(async () => (await cspViolations(page)).some((v) => v.startsWith('style-src')), 'a style-src violation');
  await grid.close();
});

test('scrolling far down fetches just that window and shows those rows', async () => {
  const grid = await openGrid({ kind: 'frame', name: 'grid' });
  const { page, fromWebview, problems } = grid;
  const before = fromWebview.length;
  await page.$eval(Selectors.grid, (grid) => {
    grid.scrollTop = grid.scrollHeight * 0.8;
  });
  await waitFor(async () => {
    const headers = await rowNumbers(page);
    return headers[0]! > 30_000;
  }, 'rows near 80% to show');
  const first = Number((await rowNumbers(page))[0]);
  await waitFor(async () => (await firstRow(page))[1] === `row-${first - 1}`, 'cells of the scrolled-to rows');
  const fetched = fromWebview.slice(before).filter((m) => m.type === 'window');
  assert.ok(fetched.length >= 1);
  assert.ok(fetched.some((w) => w.type === 'window' && w.offset <= first - 1 && w.offset + w.limit >= first), JSON.stringify(fetched));
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await grid.close();
});

test('clicking a header sorts on the gateway: ascending, descending, then unsorted', async () => {
  const grid = await openGrid({ kind: 'frame', name: 'grid' });
  const { page, fromWebview } = grid;
  const scoreHeader = `${Selectors.columnHeader}[data-column="score"]`;
  const firstScore = async () => (await firstRow(page))[2];
  await page.click(scoreHeader);
  await waitFor(async () => (await page.getAttribute(scoreHeader, 'data-sort')) === 'asc' && (await firstScore()) === '0', 'ascending');
  await page.click(scoreHeader);
  await waitFor(async () => (await page.getAttribute(scoreHeader, 'data-sort')) === 'desc' && (await firstScore()) === (ROWS - 1).toLocaleString('en-US'), 'descending');
  await page.click(scoreHeader);
  await waitFor(async () => (await page.getAttribute(scoreHeader, 'data-sort')) === 'none' && (await firstRow(page))[1] === 'row-0', 'unsorted');
  const sorts = fromWebview.flatMap((m) => (m.type === 'window' ? [JSON.stringify(m.sort)] : []));
  assert.ok(sorts.includes(JSON.stringify([{ column: 'score', descending: false }])));
  assert.ok(sorts.includes(JSON.stringify([{ column: 'score', descending: true }])));
  await grid.close();
});

test('a result grid shows Save as…, which asks the extension to save', async () => {
  const result = await harness.client.request(Methods.sql, { sql: 'SELECT id, label FROM grid WHERE id < 25' });
  const grid = await openGrid({ kind: 'result', id: result.id }, { result });
  const { page, fromWebview } = grid;
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), '25');
  assert.equal(await page.isVisible(Selectors.saveButton), true);
  await page.click(Selectors.saveButton);
  await waitFor(() => fromWebview.some((m) => m.type === 'saveAs'), 'saveAs message');
  await grid.close();
});

test('a 10M-row frame scrolls to its middle and its very last row, fetching only windows', async () => {
  const big = 10_000_000;
  await harness.client.request(Methods.save, { name: 'ten_million', from: { sql: `SELECT range AS id, 'row-' || range AS label FROM range(${big})` }, replace: true });
  const grid = await openGrid({ kind: 'frame', name: 'ten_million' });
  const { page, fromWebview, problems } = grid;
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), String(big));

  const scrollTo = (fraction: number) =>
    page.$eval(
      Selectors.grid,
      (grid, f) => {
        grid.scrollTop = (grid.scrollHeight - grid.clientHeight) * f;
      },
      fraction,
    );
  const firstRowNumber = async () => Number((await rowNumbers(page))[0]);

  await scrollTo(0.5);
  await waitFor(async () => Math.abs((await firstRowNumber()) - big / 2) < big / 100, 'rows near the middle');
  const middle = await firstRowNumber();
  await waitFor(async () => (await firstRow(page))[1] === `row-${middle - 1}`, 'cells of the middle rows');

  // The very end: browsers cap an element's height far below 10M rows × row height, so this
  // checks the grid maps its scroll range onto all the rows, not just the first few million.
  await scrollTo(1);
  await waitFor(async () => (await rowNumbers(page)).includes(big), 'the last row number');
  const headers = await rowNumbers(page);
  const lastCells = await page.$$eval(`${Selectors.grid} tbody tr`, (rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => (cell.textContent ?? '').trim())),
  );
  assert.equal(lastCells[headers.indexOf(big)]?.[1], `row-${big - 1}`);

  const fetchedRows = fromWebview.reduce((sum, m) => sum + (m.type === 'window' ? m.limit : 0), 0);
  assert.ok(fetchedRows < 20_000, `fetched ${fetchedRows} rows in all, not the frame`);
  assert.deepEqual(problems, []);
  await grid.close();
});

test('when the frame is saved again, the grid reloads in place: same sort, same scroll position', async () => {
  const grid = await openGrid({ kind: 'frame', name: 'grid' });
  const { page, session, fromWebview, problems } = grid;
  const scoreHeader = `${Selectors.columnHeader}[data-column="score"]`;
  await page.click(scoreHeader);
  await waitFor(async () => (await page.getAttribute(scoreHeader, 'data-sort')) === 'asc', 'ascending');
  await page.$eval(Selectors.grid, (grid) => {
    grid.scrollTop = (grid.scrollHeight - grid.clientHeight) / 2;
  });
  await waitFor(async () => Number((await rowNumbers(page))[0]) > ROWS / 4, 'rows near the middle');
  const before = Number((await rowNumbers(page))[0]);
  const windowsBefore = fromWebview.length;

  // What the extension does on `frames/changed` for a previewed frame.
  await session.sendInit();
  await waitFor(() => fromWebview.slice(windowsBefore).some((m) => m.type === 'window'), 'windows fetched again');
  assert.equal(await page.getAttribute(scoreHeader, 'data-sort'), 'asc');
  assert.equal(Number((await rowNumbers(page))[0]), before);
  const refetched = fromWebview.slice(windowsBefore).filter((m) => m.type === 'window');
  assert.ok(refetched.every((m) => m.type === 'window' && JSON.stringify(m.sort) === JSON.stringify([{ column: 'score', descending: false }])));
  assert.deepEqual(problems, []);
  await grid.close();
});
