/**
 * SQL where people write it, in a real VS Code (code-server + Chromium) against a real gateway
 * with the demo frame `main.sales`, as its admin: typing in a .sql file shows the language
 * server's completion list with the gateway's frames, a bad column gets a squiggle, the Run lens
 * opens the result grid beside the editor, and a Framegate notebook runs its cells with the grid
 * inline (real rows, a cell reading an earlier cell's saved result, a 10,000,000-row result
 * scrolled to its last row), then saves SQL and text summaries to the .fgnb file.
 * What the UI shows is checked against what the gateway itself answers.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import type { Locator, Page } from 'playwright-core';
import { Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { gridFrame, readGrid, statusBarItem } from './framegate-page';
import { launchUi, runCommand, screenshot, type UiSession } from './harness';

const REPORT_SQL = 'SELECT region, count(*) AS orders FROM sales GROUP BY region ORDER BY region;\n';
const NOTEBOOK = {
  format: 'framegate-notebook',
  version: 1,
  cells: [
    { kind: 'markdown', source: ['# North'] },
    { kind: 'sql', source: ['-- save as north_orders', "SELECT order_id, product, amount FROM sales WHERE region = 'North' AND order_id <= 200"] },
    { kind: 'sql', source: ['SELECT product, count(*) AS n FROM north_orders GROUP BY product ORDER BY product'] },
    { kind: 'sql', source: ['SELECT range AS i, range * 2 AS twice FROM range(10000000)'] },
  ],
};

async function eventually(check: () => Promise<void> | void, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Opens a workspace file through Quick Open. */
async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(name);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

/** The gateway's rows of `sql`, as strings, for comparing with what a grid shows. */
async function gatewayRows(client: GatewayClient, sql: string, offset = 0, limit = 20): Promise<string[][]> {
  const result = await client.request(Methods.sql, { sql });
  const { ipc } = await client.window({ source: { kind: 'result', id: result.id }, offset, limit });
  await client.request(Methods.closeResult, { id: result.id });
  const table = tableFromIPC(ipc);
  return Array.from({ length: table.numRows }, (_, r) => table.schema.fields.map((_f, c) => String(table.getChildAt(c)?.get(r) as unknown)));
}

const plain = (text: string): string => text.replace(/,/g, '').trim();

/**
 * The inline grid titled `title` (the renderer's output, in a shadow root, which Playwright's CSS
 * pierces), once it has drawn. The notebook renders only the outputs near the viewport, so the
 * notebook is scrolled down until it shows.
 */
async function inlineGrid(page: Page, title: string, timeoutMs = 120_000): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      const grid = frame.locator('.fg-output[data-fg-state="ready"]').filter({ has: frame.locator('#fg-title', { hasText: title }) });
      if ((await grid.count().catch(() => 0)) > 0) return grid.first();
    }
    if (Date.now() > deadline) throw new Error(`no inline grid titled ${title} within ${timeoutMs} ms`);
    // Over the cells' left gutter (outputs are a webview of their own, toolbars cover the rest).
    await page.locator('.notebook-editor').first().hover({ force: true, position: { x: 12, y: 300 } });
    await page.mouse.wheel(0, 300);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Scrolls the notebook until `grid` (in the outputs' webview) is fully on screen. */
async function revealInNotebook(page: Page, grid: Locator): Promise<void> {
  const height = page.viewportSize()?.height ?? 760;
  for (let i = 0; i < 40; i++) {
    const box = await grid.boundingBox();
    if (box && box.y >= 0 && box.y + box.height <= height) return;
    await page.locator('.notebook-editor').first().hover({ force: true, position: { x: 12, y: 300 } });
    await page.mouse.wheel(0, !box || box.y + box.height > height ? 200 : -200);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The rows an inline grid shows: row number and cell texts. */
async function inlineRows(grid: Locator): Promise<{ number: number; cells: string[] }[]> {
  const rows = grid.locator('regular-table tbody tr');
  const out: { number: number; cells: string[] }[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const number = Number(plain((await row.locator('th').first().textContent()) ?? ''));
    if (!Number.isFinite(number) || number <= 0) continue;
    out.push({ number, cells: (await row.locator('td').allTextContents()).map((t) => t.trim()) });
  }
  return out;
}

describe('SQL files and notebooks in a real VS Code (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let ui: UiSession;
  let page: Page;
  let client: GatewayClient;

  before(
    async () => {
      ui = await launchUi();
      page = ui.page;
      client = await GatewayClient.connect(ui.gateway.url, { token: ui.gateway.adminToken });
      writeFileSync(join(ui.codeServer.workspace, 'report.sql'), REPORT_SQL);
      writeFileSync(join(ui.codeServer.workspace, 'analysis.fgnb'), JSON.stringify(NOTEBOOK, null, 2));
      await statusBarItem(page, /@ 127\.0\.0\.1:\d+/, 90_000);
    },
    { timeout: 12 * 60_000 },
  );
  after(async () => {
    client?.close();
    await ui?.close();
  });

  test('typing in a .sql file shows a completion list with the gateway\'s frames', { timeout: 120_000 }, async () => {
    await openFile(page, 'report.sql');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 30_000 });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('SELECT * FROM sa');
    const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'sales' }).first();
    await eventually(async () => {
      if (!(await suggestion.isVisible())) await page.keyboard.press('Control+Space');
      await suggestion.waitFor({ state: 'visible', timeout: 3_000 });
    }, 60_000);
    const frames = (await client.request(Methods.listFrames, {})).frames.map((f) => f.name);
    assert.ok(frames.includes('main.sales'));
    // The details of the item: the gateway's full name, owner and row count.
    await eventually(async () => assert.match((await suggestion.textContent()) ?? '', /main\.sales · admin · 1,000,000 rows/));
    await screenshot(page, 'sql-completion.png');
    await page.keyboard.press('Escape');
  });

  test('a bad column is underlined as you type, from the engine\'s binder', { timeout: 90_000 }, async () => {
    await page.keyboard.type(' WHERE no_such_column > 1');
    await page.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 60_000 });
    await screenshot(page, 'sql-diagnostics.png');
    // Back to the file as written.
    await page.keyboard.press('Control+Shift+Home');
    await page.keyboard.press('Delete');
    await page.keyboard.type(REPORT_SQL.trim());
  });

  test('the Run lens opens the result grid beside the editor, with the gateway\'s rows', { timeout: 120_000 }, async () => {
    const lens = page.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: /^Run$/ }).first();
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    await lens.click();
    const grid = await gridFrame(page, /report\.sql/);
    const shown = await readGrid(grid);
    const expected = await gatewayRows(client, REPORT_SQL.replace(';', ''));
    assert.deepEqual(shown.columns, ['region', 'orders']);
    assert.equal(shown.rowCount, expected.length);
    assert.deepEqual(shown.rows.map((r) => r.cells.map(plain)), expected);
    // Beside the editor: two editor groups.
    assert.ok((await page.locator('.part.editor .editor-group-container').count()) >= 2);
    await screenshot(page, 'sql-run-statement.png');
  });

  test('a notebook runs its cells on the gateway and shows each result as the grid inline', { timeout: 240_000 }, async () => {
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'analysis.fgnb');
    await page.locator('.notebook-editor').first().waitFor({ state: 'visible', timeout: 60_000 });
    await runCommand(page, 'Notebook: Run All');
    // Cell 2 saved its result; cell 3 read it by name.
    const first = await inlineGrid(page, 'Cell 2 → ');
    assert.match((await first.locator('#fg-status').textContent()) ?? '', /saved as .*north_orders/);
    const saved = await client.request(Methods.schema, { name: 'north_orders' });
    assert.equal(saved.name, `${ui.gateway.adminUser}.north_orders`);
    const expected = await gatewayRows(client, 'SELECT product, count(*) AS n FROM north_orders GROUP BY product ORDER BY product');
    const second = await inlineGrid(page, 'Cell 3');
    await eventually(async () => assert.deepEqual((await inlineRows(second)).map((r) => r.cells.map(plain)), expected));
    await revealInNotebook(page, second);
    await screenshot(page, 'notebook-inline-grid.png');
  });

  test('an inline 10,000,000-row result scrolls to its last row, loading only windows', { timeout: 180_000 }, async () => {
    const big = await inlineGrid(page, 'Cell 4');
    await eventually(async () => assert.equal(plain((await big.locator('#fg-row-count').getAttribute('data-row-count')) ?? ''), '10000000'));
    await big.locator('regular-table').evaluate((table) => {
      table.scrollTop = table.scrollHeight;
    });
    await eventually(async () => {
      const rows = await inlineRows(big);
      const last = rows.at(-1);
      assert.equal(last?.number, 10_000_000);
      assert.deepEqual(last?.cells.map(plain), ['9999999', '19999998']);
    }, 60_000);
    await revealInNotebook(page, big);
    await screenshot(page, 'notebook-inline-10m.png');
  });

  test('saving the notebook keeps its SQL and a text summary of each output, not the data', { timeout: 90_000 }, async () => {
    await page.keyboard.press('Control+S');
    await eventually(() => {
      const saved = JSON.parse(readFileSync(join(ui.codeServer.workspace, 'analysis.fgnb'), 'utf8')) as { cells: { kind: string; source: string[]; output?: string[] }[] };
      assert.deepEqual(saved.cells.map((c) => c.source), NOTEBOOK.cells.map((c) => c.source));
      const summary = saved.cells[2]!.output ?? [];
      assert.match(summary[0] ?? '', /^\d+ rows × 2 columns · \d+ ms$/);
      assert.match(summary[1] ?? '', /^product +\| n$/);
      assert.match(saved.cells[3]!.output?.[0] ?? '', /^10,000,000 rows × 2 columns/);
      assert.ok((saved.cells[3]!.output?.length ?? 0) <= 14, 'only the first rows are kept');
    });
  });
});
