/**
 * Column profiles in the grid page (the built webview under its CSP, a real gateway): the header's
 * profile line and the Summary panel show the null and distinct counts the gateway's own SQL
 * gives, for every column. Screenshot: test-artifacts/profile-panel.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { Methods } from '../../protocol';
import { Selectors } from '../../webview/dom-ids';
import { startGridHarness, texts, waitFor, type GridHarness } from './support/grid-harness';

let harness: GridHarness;

before(async () => {
  harness = await startGridHarness('profiler');
});

after(async () => {
  await harness?.close();
});

test('the header and the Summary panel show the nulls and distinct values the gateway counts', async () => {
  const sql = `SELECT range AS id, CASE WHEN range % 7 = 0 THEN NULL ELSE 'r' || (range % 5) END AS region,
    CASE WHEN range % 3 = 0 THEN NULL ELSE range % 11 END AS amount, DATE '2024-01-01' + CAST(range % 30 AS INTEGER) AS day FROM range(5000)`;
  await harness.client.request(Methods.save, { name: 'profiled', from: { sql }, replace: true });
  const truth = await harness.client.request(Methods.sql, {
    sql: `SELECT count(*) - count(region) AS region_nulls, count(DISTINCT region) AS region_distinct,
      count(*) - count(amount) AS amount_nulls, count(DISTINCT amount) AS amount_distinct FROM profiled`,
  });
  const { ipc } = await harness.client.window({ source: { kind: 'result', id: truth.id }, offset: 0, limit: 1 });
  const expected = tableFromIPC(ipc).get(0)!.toJSON() as Record<string, bigint | number>;

  const grid = await harness.openGrid({ kind: 'frame', name: 'profiled' }, { viewport: { width: 1100, height: 520 } });
  const { page } = grid;
  await waitFor(async () => (await texts(page, Selectors.columnProfile)).some((t) => t.includes('distinct')), 'profile lines in the header');
  const lines = await texts(page, Selectors.columnProfile);
  // region: every 7th row is NULL; amount: every 3rd.
  assert.equal(lines[1], `${Math.round((Number(expected.region_nulls) / 5000) * 100)}% null · ${Number(expected.region_distinct)} distinct`);
  assert.equal(lines[2], `${Math.round((Number(expected.amount_nulls) / 5000) * 100)}% null · ${Number(expected.amount_distinct)} distinct`);

  // Clicking a profile line opens the Summary panel at that column.
  await page.click(`${Selectors.columnProfile} >> nth=1`);
  await page.waitForSelector(`${Selectors.summary}:not([hidden])`);
  const fact = (column: string, name: string) => page.textContent(`${Selectors.profileCard}[data-column="${column}"] dd[data-fact="${name}"]`);
  assert.equal(await fact('region', 'nulls'), `${Number(expected.region_nulls).toLocaleString('en-US')} (${Math.round((Number(expected.region_nulls) / 5000) * 100)}%)`);
  assert.equal(await fact('region', 'distinct'), String(Number(expected.region_distinct)));
  assert.equal(await fact('amount', 'distinct'), String(Number(expected.amount_distinct)));
  assert.equal(await fact('day', 'min'), '2024-01-01');
  assert.equal(await page.$$eval(`${Selectors.profileCard}[data-column="amount"] .fg-histogram .fg-bar`, (bars) => bars.length), 20);
  assert.equal(await page.$$eval(`${Selectors.profileCard}[data-column="region"] .fg-top-values .fg-bar`, (bars) => bars.length), 5);
  assert.equal(await page.getAttribute(`${Selectors.profileCard}[data-column="region"]`, 'class'), 'fg-profile fg-profile-focused');
  const artifacts = resolve(__dirname, '..', '..', 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'profile-panel.png') });
  assert.deepEqual(grid.problems, []);
  await grid.close();
});
