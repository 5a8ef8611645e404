/**
 * Nested cells in the grid webview over a real gateway (support/grid-harness.ts): DuckDB's own
 * Arrow export of lists, structs and maps uploaded, shown compactly, and expanded by a click or
 * Enter into a tree built from the cell alone (no window is fetched for it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Selectors } from '../../webview/dom-ids';
import { NESTED_POPOVER_CLASS } from '../../webview/nested-popover';
import { referenceBytes } from '../support/nested-reference';
import { firstRow, startGridHarness, waitFor, type GridHarness } from './support/grid-harness';

let harness: GridHarness;

before(async () => {
  harness = await startGridHarness();
  await harness.client.upload({ name: 'nested' }, referenceBytes());
});

after(async () => {
  await harness?.close();
});

test('a nested cell shows compactly and opens into a tree on click and on Enter; Escape closes it', async () => {
  // Wide enough that every column is drawn (the grid draws only the columns in view).
  const { page, fromWebview, problems } = await harness.openGrid({ kind: 'frame', name: 'nested' }, { viewport: { width: 3200, height: 600 } });
  const row = await firstRow(page);
  assert.equal(row[1], '[0, 1]');
  assert.equal(row[2], "{a: 0, b: 'x0'}");
  assert.equal(row[3], '{k: 0, j: NULL}');

  const windowsBefore = fromWebview.filter((m) => m.type === 'window').length;
  const popover = `.${NESTED_POPOVER_CLASS}`;
  // Column 13 is ls: [{p: 1.5, q: [0]}, NULL].
  await page.click(`${Selectors.grid} tbody tr:first-child td:nth-of-type(14)`);
  await page.waitForSelector(popover);
  assert.equal(await page.textContent(`${popover} .fg-nested-title`), 'ls, row 1');
  assert.equal(await page.textContent(`${popover} > details > summary`), '[2 items]');
  assert.equal(await page.$eval(`${popover} > details > details`, (d) => (d as HTMLDetailsElement).open), false);
  await page.click(`${popover} > details > details > summary`);
  const leaves = await page.$$eval(`${popover} > details > details > .fg-nested-leaf`, (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(leaves, ['p: 1.5']);
  await page.keyboard.press('Escape');
  await waitFor(async () => (await page.$(popover)) === null, 'the popover closes on Escape');

  // Enter on the cursor cell opens the same view.
  await page.keyboard.press('Enter');
  await page.waitForSelector(popover);
  assert.equal(await page.textContent(`${popover} .fg-nested-title`), 'ls, row 1');
  assert.equal(fromWebview.filter((m) => m.type === 'window').length, windowsBefore, 'expanding fetched nothing');
  assert.deepEqual(problems, []);
});
