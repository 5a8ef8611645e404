/**
 * A frame preview's version in the grid webview (headless Chromium, real gateway): "v1" after the
 * title; a newer version shows the banner and keeps the rows shown; Stay on v1 makes the grid one
 * of NAME@1 that offers nothing newer; Reload shows the latest.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Selectors } from '../../webview/dom-ids';
import { startGridHarness, waitFor, type GridHarness } from './support/grid-harness';

let harness: GridHarness;
const rows = (n: number) => tableToIPC(tableFromArrays({ n: Int32Array.from({ length: n }, (_, i) => i) }), 'stream');

before(async () => {
  harness = await startGridHarness('vdom');
});

after(async () => {
  await harness?.close();
});

test('a newer version shows the banner and keeps v1; Stay on v1 pins the grid to NAME@1', async () => {
  await harness.client.upload({ name: 'pinned' }, rows(3));
  const stays: string[] = [];
  const grid = await harness.openGrid({ kind: 'frame', name: 'vdom.pinned' }, { session: { onStay: (name) => stays.push(name) } });
  const { page } = grid;
  await waitFor(async () => (await page.textContent(Selectors.version)) === 'v1', 'the version label');
  assert.equal(await page.isVisible(Selectors.versionBanner), false);

  await harness.client.upload({ name: 'pinned', replace: true }, rows(5));
  await grid.session.sendInit();
  await page.waitForSelector(Selectors.versionBanner, { state: 'visible' });
  assert.equal(await page.textContent(Selectors.versionBannerText), 'v2 by vdom is newer than the v1 shown here.');
  assert.equal(await page.textContent(Selectors.reloadButton), 'Reload v2');
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), '3');

  await page.click(Selectors.stayButton);
  await waitFor(async () => (await page.textContent(Selectors.title)) === 'vdom.pinned@1', 'the title names the version');
  assert.deepEqual(stays, ['vdom.pinned@1']);
  await page.waitForSelector(Selectors.versionBanner, { state: 'hidden' });
  await harness.client.upload({ name: 'pinned', replace: true }, rows(7));
  await grid.session.sendInit();
  assert.equal(await page.isVisible(Selectors.versionBanner), false, 'a grid of NAME@1 offers nothing newer');
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), '3');
  await grid.close();
});

test('Reload shows the latest version and hides the banner', async () => {
  await harness.client.upload({ name: 'moving' }, rows(2));
  const grid = await harness.openGrid({ kind: 'frame', name: 'vdom.moving' });
  const { page } = grid;
  await waitFor(async () => (await page.textContent(Selectors.version)) === 'v1', 'the version label');
  await harness.client.upload({ name: 'moving', replace: true }, rows(9));
  await grid.session.sendInit();
  await page.waitForSelector(Selectors.versionBanner, { state: 'visible' });
  await page.click(Selectors.reloadButton);
  await page.waitForSelector(Selectors.versionBanner, { state: 'hidden' });
  await waitFor(async () => (await page.textContent(Selectors.version)) === 'v2', 'v2 shown');
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), '9');
  await grid.close();
});
