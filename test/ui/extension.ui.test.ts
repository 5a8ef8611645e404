/**
 * The packaged extension in a real VS Code (code-server) against a real gateway with the demo
 * frame `main.sales`, driven through Chromium like a person would: connecting with no set-up
 * through the gateway's credentials file (as its admin), Sign In as alice through the command's
 * inputs, the Frames view in its three groups, Preview, the virtual grid (scrolling, sorting),
 * Run SQL, Save Result As, and Share… with a colleague through the Quick Picks, who then reads the
 * frame with the CLI. What the UI shows is checked against what the gateway itself answers
 * (GatewayClient and the CLI), never against constants.
 *
 * The first run installs code-server and Node 24 into .cache/vscode-server (~3 min); when that
 * is impossible the suite fails (it is never skipped).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import type { Frame, Locator, Page } from 'playwright-core';
import { Methods, type FrameInfo, type SortKey, type Source } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { cellValue, columnKind } from '../../webview/arrow-cells';
import { columnFormatter } from '../../webview/format';
import { Selectors } from '../../webview/dom-ids';
import {
  contextMenuAction,
  contextMenuLabels,
  gridFrame,
  notification,
  openFramegateView,
  readGrid,
  scrollGrid,
  statusBarItem,
  treeRow,
  waitForCells,
  type GridContents,
} from './framegate-page';
import { ADMIN_NAME, answerInput, cliPath, launchUi, pickQuickItem, runCommand, screenshot, type UiSession } from './harness';

const UI_USER = 'alice';
const COLLEAGUE = 'bob';
// A NULL among the results: the grid shows it as a dimmed NULL (see sql-result.png).
const SQL = "SELECT region, sum(amount) AS total, CASE WHEN region = 'North' THEN NULL ELSE count(*) END AS orders FROM sales GROUP BY region";
const SECOND_SQL = 'SELECT product, avg(unit_price) AS price FROM sales GROUP BY product';
const SAVED_NAME = 'region_totals';
const SAVED_FULL_NAME = `${UI_USER}.${SAVED_NAME}`;

/** Retries `check` until it passes: for assertions on a DOM that is still updating. */
async function eventually(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The gateway's own rows for `source` at `offset`, formatted as grid text (the page's locale is en-US). */
async function gatewayRows(client: GatewayClient, source: Source, offset: number, limit: number, sort?: SortKey[]): Promise<string[][]> {
  const { ipc } = await client.window({ source, offset, limit, ...(sort ? { sort } : {}) });
  const table = tableFromIPC(ipc);
  const columns = table.schema.fields.map((field, c) => {
    const values = Array.from({ length: table.numRows }, (_, r) => cellValue(field, table.getChildAt(c)?.get(r)));
    return { values, format: columnFormatter(columnKind(field), values, 'en-US') };
  });
  const rows: string[][] = [];
  for (let r = 0; r < table.numRows; r++) rows.push(columns.map((c) => c.format.display(c.values[r]!)));
  return rows;
}

/** Grid text → comparable text: numbers lose thousands separators the grid may add. */
function normalize(text: string): string {
  const plain = text.replace(/,/g, '');
  return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(plain) ? String(Number(plain)) : text;
}

/** Asserts the visible rows of `grid` are exactly the gateway's rows at the same positions. */
async function assertRowsMatchGateway(client: GatewayClient, grid: GridContents, source: Source, sort?: SortKey[]): Promise<void> {
  assert.ok(grid.rows.length >= 5, `the grid shows ${grid.rows.length} rows`);
  const first = grid.rows[0]!.number;
  grid.rows.forEach((row, i) => assert.equal(row.number, first + i, 'row numbers are consecutive'));
  const expected = await gatewayRows(client, source, first - 1, grid.rows.length, sort);
  assert.equal(expected.length, grid.rows.length);
  grid.rows.forEach((row, i) => {
    assert.deepEqual(row.cells.map(normalize), expected[i]!.map(normalize), `row ${row.number}`);
  });
}

/** The input box of step `step` of Sign In, once it shows (not the palette it replaces). */
async function signInStep(page: Page, step: 1 | 2): Promise<Locator> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: `Framegate: Sign In (${step}/2)` }).waitFor({ state: 'visible', timeout: 15_000 });
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.waitFor({ state: 'visible', timeout: 15_000 });
  return box;
}

function cliJson(args: string[]): unknown {
  // An empty config dir: the CLI must use the --token it is given, not a saved one.
  const run = spawnSync(process.execPath, [cliPath, ...args, '--json'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, FRAMEGATE_CONFIG_DIR: '/nonexistent-framegate-config' } });
  assert.equal(run.status, 0, `framegate ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown;
}

describe('Framegate in a real VS Code (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let ui: UiSession;
  let page: Page;
  let client: GatewayClient;
  let sales: FrameInfo;
  let aliceToken: string;
  let bobToken: string;
  const salesSource: Source = { kind: 'frame', name: 'main.sales' };
  const gatewayLabel = () => new URL(ui.gateway.url).host;

  before(
    async () => {
      ui = await launchUi();
      page = ui.page;
      // The verifier is the gateway's admin: it sees every frame.
      client = await GatewayClient.connect(ui.gateway.url, { token: ui.gateway.adminToken });
      sales = await client.request(Methods.schema, { name: 'main.sales' });
      aliceToken = await ui.gateway.addUser(UI_USER);
      bobToken = await ui.gateway.addUser(COLLEAGUE);
    },
    { timeout: 12 * 60_000 },
  );

  after(async () => {
    client?.close();
    await ui?.close();
  });

  test('with no set-up the extension connects through the local credentials file, as the admin', { timeout: 90_000 }, async () => {
    const item = await statusBarItem(page, /@ 127\.0\.0\.1:\d+/);
    assert.equal((await item.textContent())?.trim(), `${ADMIN_NAME} (admin) @ ${gatewayLabel()}`);
    await openFramegateView(page);
    await treeRow(page, 'My frames').waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'connected-as-admin.png');
  });

  test('Framegate: Sign In… with a token through its inputs: the status bar says alice, the tree shows the three groups', { timeout: 90_000 }, async () => {
    await runCommand(page, 'Framegate: Sign In…');
    const urlBox = await signInStep(page, 1);
    assert.equal(await urlBox.inputValue(), ui.gateway.url, 'the URL is prefilled from framegate.url');
    await urlBox.press('Enter');
    // The token box hides what is typed.
    await signInStep(page, 2);
    await page.locator('.quick-input-widget .quick-input-box input[type="password"]').waitFor({ state: 'visible', timeout: 15_000 });
    await answerInput(page, aliceToken);

    const item = await statusBarItem(page, new RegExp(`^\\s*${UI_USER} @ `));
    assert.equal((await item.textContent())?.trim(), `${UI_USER} @ ${gatewayLabel()}`);
    await notification(page, new RegExp(`signed in to ${gatewayLabel().replace(/\./g, '\\.')} as ${UI_USER}`));
    await openFramegateView(page);
    for (const group of ['My frames', 'Shared with me', 'Team']) {
      await treeRow(page, group).waitFor({ state: 'visible', timeout: 30_000 });
    }
    // An admin group is for admins only.
    assert.equal(await treeRow(page, 'All frames (admin)').count(), 0);
    await screenshot(page, 'signed-in.png');
  });

  test('the Frames view lists the demo frame under Team; expanding it shows its columns and types', { timeout: 90_000 }, async () => {
    await openFramegateView(page);
    const row = treeRow(page, 'main.sales');
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await row.locator('.label-description').textContent()) ?? '', new RegExp(sales.rowCount.toLocaleString('en-US')));

    await row.locator('.monaco-tl-twistie').click();
    for (const column of sales.columns) {
      const columnRow = treeRow(page, column.name);
      await columnRow.waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal((await columnRow.locator('.label-description').textContent())?.trim(), column.type, `type of ${column.name}`);
    }
    await screenshot(page, 'tree.png');
  });

  let previewGrid: Frame | undefined;
  const openedGrid = (): Frame => {
    assert.ok(previewGrid, 'needs the grid the Preview test opened');
    return previewGrid;
  };

  test('Framegate: Preview on sales opens a grid of the real rows with column names and types', { timeout: 90_000 }, async () => {
    await runCommand(page, 'Framegate: Preview');
    await pickQuickItem(page, 'main.sales');
    previewGrid = await gridFrame(page, 'main.sales');

    const shown = await readGrid(previewGrid);
    assert.deepEqual(shown.columns, sales.columns.map((c) => c.name));
    assert.deepEqual(shown.types, sales.columns.map((c) => c.type));
    assert.equal(shown.rowCount, sales.rowCount);
    assert.equal(shown.rows[0]?.number, 1);
    // Looks like data for people: ids, dates (en-US), names, prices with grouping and two decimals.
    const first = shown.rows[0].cells;
    assert.match(first[sales.columns.findIndex((c) => c.name === 'order_id')]!, /^\d+$/);
    assert.match(first[sales.columns.findIndex((c) => c.name === 'order_date')]!, /^\d{2}\/\d{2}\/\d{4}$/);
    assert.match(first[sales.columns.findIndex((c) => c.name === 'region')]!, /^[A-Z][a-z]+$/);
    assert.match(first[sales.columns.findIndex((c) => c.name === 'amount')]!, /^\d{1,3}(,\d{3})*\.\d{2}$/);
    await assertRowsMatchGateway(client, shown, salesSource);
    await screenshot(page, 'grid.png');
  });

  test('scrolling far down fetches further windows from the gateway', { timeout: 60_000 }, async () => {
    const grid = openedGrid();
    const before = await readGrid(grid);
    await scrollGrid(grid, 0.6);
    const target = Math.floor(sales.rowCount * 0.5);
    await waitForCells(grid, target);
    await eventually(async () => {
      const after = await readGrid(grid);
      assert.ok(after.rows[0]!.number > target, `first row ${after.rows[0]!.number} is far down`);
      assert.notDeepEqual(after.rows[0]!.cells, before.rows[0]!.cells);
      await assertRowsMatchGateway(client, after, salesSource);
    });
    await screenshot(page, 'grid-scrolled.png');

    await scrollGrid(grid, 0);
    await eventually(async () => assert.equal((await readGrid(grid)).rows[0]?.number, 1));
  });

  test('clicking a column header sorts the whole frame on the gateway', { timeout: 60_000 }, async () => {
    const grid = openedGrid();
    const header = grid.locator(`${Selectors.columnHeader}[data-column="amount"]`);
    await header.click();
    await grid.locator(`${Selectors.columnHeader}[data-column="amount"][data-sort="asc"]`).waitFor({ timeout: 15_000 });
    await eventually(async () => {
      await assertRowsMatchGateway(client, await readGrid(grid), salesSource, [{ column: 'amount', descending: false }]);
    });

    await header.click();
    await grid.locator(`${Selectors.columnHeader}[data-column="amount"][data-sort="desc"]`).waitFor({ timeout: 15_000 });
    await eventually(async () => {
      const shown = await readGrid(grid);
      const amounts = shown.rows.map((r) => Number(r.cells[shown.columns.indexOf('amount')]!.replace(/,/g, '')));
      assert.deepEqual(amounts, [...amounts].sort((a, b) => b - a), 'amounts descend');
      await assertRowsMatchGateway(client, shown, salesSource, [{ column: 'amount', descending: true }]);
    });
    await screenshot(page, 'grid-sorted.png');
  });

  test('a selection copied with Ctrl+C (TSV) or the context menu (CSV) reaches VS Code\'s clipboard; Shift+click adds a sort key shown as a chip', { timeout: 60_000 }, async () => {
    const grid = openedGrid();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    const names = sales.columns.map((c) => c.name);
    const cell = (row: number, column: string) => grid.locator(`${Selectors.cell}[data-row="${row}"][data-col="${names.indexOf(column)}"]`);
    await cell(0, 'region').click();
    await cell(2, 'amount').click({ modifiers: ['Shift'] });
    await grid.locator(Selectors.selectedCell).nth(14).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+c');
    const sort = [{ column: 'amount', descending: true }];
    const { ipc } = await client.window({ source: salesSource, offset: 0, limit: 3, sort, columns: ['region', 'product', 'quantity', 'unit_price', 'amount'] });
    const table = tableFromIPC(ipc);
    const expected = [
      'region\tproduct\tquantity\tunit_price\tamount',
      ...Array.from({ length: 3 }, (_, r) => table.schema.fields.map((f, c) => String(cellValue(f, table.getChildAt(c)?.get(r)))).join('\t')),
    ].join('\n');
    await eventually(async () => {
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected);
      assert.equal(await grid.locator(Selectors.status).textContent(), 'Copied 3 rows × 5 columns as TSV');
    });

    // The grid's own context menu (not VS Code's) copies the same cells as CSV.
    await cell(1, 'product').click({ button: 'right' });
    await grid.locator(`${Selectors.menuItem}[data-action="csv"]`).click();
    await eventually(async () => {
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected.replace(/\t/g, ','));
      assert.equal(await grid.locator(Selectors.status).textContent(), 'Copied 3 rows × 5 columns as CSV');
    });

    await grid.locator(`${Selectors.columnHeader}[data-column="region"]`).click({ modifiers: ['Shift'] });
    await eventually(async () => {
      assert.equal(await grid.locator(Selectors.sortSql).textContent(), 'ORDER BY "amount" DESC, "region"');
      assert.equal(await grid.locator(Selectors.sortChip).count(), 2);
      await assertRowsMatchGateway(client, await readGrid(grid), salesSource, [...sort, { column: 'region', descending: false }]);
    });
    // The selection stays on the same cells (data coordinates) while the rows re-sort.
    assert.equal(await grid.locator(Selectors.selectedCell).count(), 15);
    await screenshot(page, 'grid-selection.png');
  });

  test('Framegate: Run SQL… shows the query result in a grid', { timeout: 90_000 }, async () => {
    await runCommand(page, 'Framegate: Run SQL…');
    await answerInput(page, SQL);
    const resultGrid = await gridFrame(page, /^Result: SELECT region/);

    // The same query through the gateway: group order is unspecified, so compare as a map.
    const expected = await client.request(Methods.sql, { sql: SQL });
    const expectedRows = await gatewayRows(client, { kind: 'result', id: expected.id }, 0, expected.rowCount);
    await client.request(Methods.closeResult, { id: expected.id });

    const shown = await readGrid(resultGrid);
    assert.deepEqual(shown.columns, expected.columns.map((c) => c.name));
    assert.deepEqual(shown.types, expected.columns.map((c) => c.type));
    assert.equal(shown.rowCount, expected.rowCount);
    assert.equal(shown.rows.length, expected.rowCount);
    // Totals are float sums over parallel threads: equal up to rounding, not bit for bit.
    const toMap = (rows: string[][]) => new Map(rows.map((cells) => [cells[0]!, Number(cells[1]!.replace(/,/g, ''))]));
    const shownTotals = toMap(shown.rows.map((r) => r.cells));
    const expectedTotals = toMap(expectedRows);
    assert.deepEqual([...shownTotals.keys()].sort(), [...expectedTotals.keys()].sort());
    for (const [region, total] of expectedTotals) {
      const got = shownTotals.get(region)!;
      assert.ok(Math.abs(got - total) <= Math.abs(total) * 1e-9, `total of ${region}: ${got} vs ${total}`);
    }
    assert.equal(await resultGrid.locator(Selectors.saveButton).isVisible(), true, 'results offer Save as…');
    assert.equal(await resultGrid.locator(Selectors.nullCell).textContent(), 'NULL');
    assert.equal(await resultGrid.locator(Selectors.nullCell).count(), 1);
    await screenshot(page, 'sql-result.png');
  });

  test('Framegate: Save Result As… saves a frame that the tree and the gateway show', { timeout: 90_000 }, async () => {
    await runCommand(page, 'Framegate: Save Result As…');
    await answerInput(page, SAVED_NAME);

    // A bare name saves in your own namespace: the tree shows it under My frames by its short name.
    await treeRow(page, SAVED_NAME).waitFor({ state: 'visible', timeout: 30_000 });
    const saved = await client.request(Methods.schema, { name: SAVED_FULL_NAME });
    assert.equal(saved.owner, UI_USER);
    assert.equal(saved.scope, 'admin', 'alice\'s, seen by the admin');
    assert.deepEqual(saved.columns.map((c) => c.name), ['region', 'total', 'orders']);
    const regions = await client.request(Methods.sql, { sql: 'SELECT DISTINCT region FROM main.sales' });
    assert.equal(saved.rowCount, regions.rowCount);

    const listed = cliJson(['--url', ui.gateway.url, '--token', aliceToken, 'ls']) as { frames: FrameInfo[] };
    const entry = listed.frames.find((f) => f.name === SAVED_FULL_NAME);
    assert.ok(entry, `framegate ls lists ${SAVED_NAME}`);
    assert.equal(entry.rowCount, saved.rowCount);
    await screenshot(page, 'saved.png');
  });

  test('another Run SQL… reuses the result tab instead of opening one more', { timeout: 90_000 }, async () => {
    const resultTabs = page.locator('.tabs-container .tab', { hasText: /^\s*Result:/ });
    assert.equal(await resultTabs.count(), 1);
    await runCommand(page, 'Framegate: Run SQL…');
    await answerInput(page, SECOND_SQL);
    const grid = await gridFrame(page, /^Result: SELECT product/);
    assert.deepEqual((await readGrid(grid)).columns, ['product', 'price']);
    await eventually(async () => assert.equal(await resultTabs.count(), 1));
    assert.match((await resultTabs.first().textContent()) ?? '', /Result: SELECT product/);
    assert.equal(await grid.locator(Selectors.pinButton).isVisible(), true, 'the reused result can be pinned');
  });

  test('Share… from the tree with a colleague through the Quick Picks; the colleague reads it with the CLI', { timeout: 120_000 }, async () => {
    // Nobody shared it yet: the colleague cannot see it.
    const before = spawnSync(process.execPath, [cliPath, '--url', ui.gateway.url, '--token', bobToken, 'head', SAVED_FULL_NAME], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, FRAMEGATE_CONFIG_DIR: '/nonexistent-framegate-config' },
    });
    assert.equal(before.status, 1, `the colleague cannot read it yet: ${before.stdout}${before.stderr}`);

    // Only frames you manage offer Share…; main.sales is the admin's.
    const teamLabels = await contextMenuLabels(page, treeRow(page, 'main.sales'));
    assert.ok(teamLabels.includes('Preview') && !teamLabels.includes('Share…') && !teamLabels.includes('Delete'), teamLabels.join(', '));

    await contextMenuAction(page, treeRow(page, SAVED_NAME), 'Share…');
    // Whom: the whole team, the gateway's groups and users (not yourself).
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
    const whom = (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents()).map((t) => t.trim());
    assert.deepEqual(whom, ['Whole team', ADMIN_NAME, COLLEAGUE]);
    await screenshot(page, 'share-whom.png');
    await pickQuickItem(page, COLLEAGUE);
    // What they may do.
    await pickQuickItem(page, 'Read only');
    await notification(page, new RegExp(`Shared ${SAVED_FULL_NAME.replace('.', '\\.')} with ${COLLEAGUE} \\(read only\\)\\.`));
    await eventually(async () => {
      assert.match((await treeRow(page, SAVED_NAME).locator('.label-description').textContent()) ?? '', new RegExp(`shared with ${COLLEAGUE}`));
    });
    await screenshot(page, 'shared.png');

    // The colleague reads it with the CLI, with their own token.
    const head = cliJson(['--url', ui.gateway.url, '--token', bobToken, 'head', SAVED_FULL_NAME]) as {
      rowCount: number;
      columns: { name: string }[];
      rows: Record<string, unknown>[];
    };
    const saved = await client.request(Methods.schema, { name: SAVED_FULL_NAME });
    assert.equal(head.rowCount, saved.rowCount);
    assert.deepEqual(head.columns.map((c) => c.name), ['region', 'total', 'orders']);
    // The same rows as the gateway's own Arrow values (not display text).
    const { ipc } = await client.window({ source: { kind: 'frame', name: SAVED_FULL_NAME }, offset: 0, limit: saved.rowCount });
    const table = tableFromIPC(ipc);
    const regionsColumn = table.getChild('region')!;
    const totalsColumn = table.getChild('total')!;
    const readTotals = new Map(head.rows.map((r) => [String(r.region), Number(r.total)]));
    assert.equal(readTotals.size, table.numRows);
    for (let r = 0; r < table.numRows; r++) {
      const region = String(regionsColumn.get(r));
      const total = Number(totalsColumn.get(r));
      assert.ok(Math.abs(readTotals.get(region)! - total) <= Math.abs(total) * 1e-9, `total of ${region}: ${readTotals.get(region)} vs ${total}`);
    }
    const grants = saved.grants?.map((g) => [g.to, g.write]);
    assert.deepEqual(grants, [[{ kind: 'user', name: COLLEAGUE }, false]]);
  });

  test('a rotated token stops the connection and offers Sign In; the status bar menu signs out', { timeout: 120_000 }, async () => {
    const rotated = await client.request(Methods.rotateToken, { user: UI_USER });
    // The gateway closes alice's session (4001): no reconnecting, the status bar and a notification say so.
    const status = await statusBarItem(page, /Framegate: sign in to /);
    assert.equal((await status.textContent())?.trim(), `Framegate: sign in to ${gatewayLabel()}`);
    const toast = await notification(page, /needs you to sign in: your token was rotated or revoked/);
    await screenshot(page, 'sign-in-required.png');
    await toast.locator('.monaco-button', { hasText: /^Sign In$/ }).click();

    const urlBox = await signInStep(page, 1);
    assert.equal(await urlBox.inputValue(), ui.gateway.url);
    await urlBox.press('Enter');
    await signInStep(page, 2);
    await answerInput(page, rotated.token);
    await statusBarItem(page, new RegExp(`^\\s*${UI_USER} @ `));

    // The status bar opens a menu instead of disconnecting at once.
    await (await statusBarItem(page, new RegExp(`^\\s*${UI_USER} @ `))).click();
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 15_000 });
    const actions = (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allTextContents()).map((t) => t.trim());
    assert.deepEqual(actions, ['Reconnect', 'Disconnect', 'Sign In as Someone Else…', 'Sign Out', 'Show Log']);
    await screenshot(page, 'status-menu.png');
    await pickQuickItem(page, 'Sign Out');
    await statusBarItem(page, /Framegate: disconnected/);
    await page.locator('.part.sidebar .welcome-view-content', { hasText: /Not connected/ }).waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'signed-out.png');
  });
});
