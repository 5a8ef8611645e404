/**
 * Filter chips and quick charts in a real VS Code (code-server + Chromium) against a real gateway
 * with the demo frame main.sales (1,000,000 rows): Chart… on a column header draws a histogram
 * from the gateway's aggregate (data/chart, in the gateway's log) while the grid holds only its
 * windows; Filter by Values… shows a chip, the rows the gateway counts and its SQL, and × removes
 * it. What the UI shows is checked against what the gateway answers; screenshots are kept.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { Methods, type FrameInfo } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { Selectors } from '../../webview/dom-ids';
import { gridFrame, readGrid, statusBarItem } from './framegate-page';
import { launchUi, pickQuickItem, runCommand, screenshot, type UiSession } from './harness';

describe('Filter chips and quick charts in a real VS Code (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let ui: UiSession;
  let page: Page;
  let admin: GatewayClient;
  let sales: FrameInfo;
  let grid: Frame;

  before(
    async () => {
      ui = await launchUi();
      page = ui.page;
      admin = await GatewayClient.connect(ui.gateway.url, { token: ui.gateway.adminToken });
      sales = await admin.request(Methods.schema, { name: 'main.sales' });
      // Connected (as the local admin, through the gateway's credentials file) before asking for frames.
      await statusBarItem(page, /@ 127\.0\.0\.1:\d+/);
      await runCommand(page, 'Framegate: Preview');
      await pickQuickItem(page, 'main.sales');
      grid = await gridFrame(page, 'main.sales');
    },
    { timeout: 12 * 60_000 },
  );

  after(async () => {
    admin?.close();
    await ui?.close();
  });

  const header = (column: string) => grid.locator(`${Selectors.columnHeader}[data-column="${column}"]`);

  test('Chart… on a numeric column draws a histogram from the gateway aggregate, not the rows', { timeout: 120_000 }, async () => {
    const logged = () => ui.gateway.process.tail(2000).split('\n').filter((l) => l.includes('"event":"chart"'));
    assert.equal(logged().length, 0);
    await header('amount').click({ button: 'right' });
    await grid.locator(`${Selectors.columnMenuItem}[data-action="chart"]`).click();
    const panel = grid.locator(`${Selectors.chart}[data-chart-state="drawn"]`);
    await panel.waitFor({ state: 'visible', timeout: 60_000 });
    const expected = await admin.request(Methods.chart, { source: { kind: 'frame', name: 'main.sales' }, chart: { kind: 'histogram', column: 'amount', bins: 30 } });
    assert.equal(await panel.getAttribute('data-chart-points'), String(expected.x.length));
    assert.equal(expected.rowCount, sales.rowCount);
    assert.match((await grid.locator('#fg-chart-note').textContent()) ?? '', new RegExp(`From ${sales.rowCount.toLocaleString('en-US')} rows, 30 points`));
    // The canvas was painted (Chart.js drew on it), and the gateway computed the aggregate.
    const painted = await grid.locator(Selectors.chartCanvas).evaluate((canvas: HTMLCanvasElement) => canvas.width > 0 && canvas.toDataURL().length > 5_000);
    assert.ok(painted, 'the chart canvas holds a drawing');
    const entries = logged().map((l) => JSON.parse(l) as { kind: string; rows: number; points: number });
    assert.ok(entries.some((e) => e.kind === 'histogram' && e.rows === sales.rowCount && e.points === 30), JSON.stringify(entries));
    // The grid itself holds only the windows it shows: far fewer rows than the chart summarises.
    assert.ok((await readGrid(grid)).rows.length < 1_000);
    await screenshot(page, 'chart-histogram.png');
  });

  test('Filter by Values… shows a chip, the rows the gateway keeps and its SQL; × removes it', { timeout: 120_000 }, async () => {
    const profile = await admin.request(Methods.profile, { source: { kind: 'frame', name: 'main.sales' } });
    const top = profile.columns.find((c) => c.name === 'region')?.top?.[0];
    assert.ok(top, 'region has top values');
    // The values form offers the profile's top values once the grid has the profile.
    await grid.locator(Selectors.columnProfile).first().waitFor({ state: 'visible', timeout: 60_000 });
    await header('region').click({ button: 'right' });
    await grid.locator(`${Selectors.columnMenuItem}[data-action="filter-values"]`).click();
    await grid.locator(`${Selectors.filterForm} input[type="checkbox"][value="${top.value}"]`).check();
    await grid.locator(`${Selectors.filterForm} button[type="submit"]`).click();
    const chip = grid.locator(Selectors.filterChip);
    await chip.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal((await chip.textContent())?.replace('×', '').trim(), `region ∈ ${top.value}`);
    const window = await admin.window({ source: { kind: 'frame', name: 'main.sales' }, offset: 0, limit: 1, filters: [{ kind: 'values', column: 'region', values: [top.value] }] });
    await grid.locator(`${Selectors.rowCount}[data-row-count="${window.result.rowCount}"]`).waitFor({ timeout: 60_000 });
    assert.equal(window.result.rowCount, top.count);
    await grid.locator(Selectors.viewSql, { hasText: window.result.sql! }).waitFor({ timeout: 30_000 });
    const shown = await readGrid(grid);
    const regionAt = shown.columns.indexOf('region');
    assert.ok(shown.rows.length > 0 && shown.rows.every((r) => r.cells[regionAt] === top.value));
    await screenshot(page, 'filter-chip.png');

    await grid.locator(Selectors.filterChipRemove).click();
    await grid.locator(Selectors.filterBar).waitFor({ state: 'hidden', timeout: 30_000 });
    await grid.locator(`${Selectors.rowCount}[data-row-count="${sales.rowCount}"]`).waitFor({ timeout: 60_000 });
  });
});
