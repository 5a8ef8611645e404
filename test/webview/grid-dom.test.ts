/**
 * The grid webview in headless Chromium (playwright-core), fed by the extension's GridSession over
 * a real gateway: the built dist/webview.js under the real CSP, with postMessage standing in for
 * VS Code's webview bridge. Checks rendering, virtual windows, sorting, Save as, and no CSP errors.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Methods, type Source } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { GridSession } from '../../extension/grid-session';
import { silentLogger } from '../../extension/log';
import { renderWebviewHtml } from '../../extension/webview-html';
import { READY_ATTRIBUTE, Selectors } from '../../webview/dom-ids';
import type { ExtensionToWebview, WebviewToExtension } from '../../webview/messages';
import { startGatewayProcess, tempGatewayDirs, waitFor, type GatewayDirs, type GatewayProcess } from '../extension/support/gateway-process';

const root = resolve(__dirname, '..', '..');
const chromiumPath = process.env.FRAMEGATE_CHROMIUM ?? '/usr/bin/chromium';
const ROWS = 50_000;

let dirs: GatewayDirs;
let gateway: GatewayProcess;
let client: GatewayClient;
let server: Server;
let origin: string;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(join(root, 'dist', 'webview.js')), 'run npm run build first (dist/webview.js)');
  assert.ok(existsSync(chromiumPath), `Chromium is needed at ${chromiumPath} (apt-get install chromium, or set FRAMEGATE_CHROMIUM)`);
  dirs = tempGatewayDirs();
  gateway = await startGatewayProcess(dirs);
  client = await GatewayClient.connect(gateway.url, { user: 'dom' });
  const table = tableFromArrays({
    id: Int32Array.from({ length: ROWS }, (_, i) => i),
    label: Array.from({ length: ROWS }, (_, i) => `row-${i}`),
    score: Float64Array.from({ length: ROWS }, (_, i) => (i * 7919) % ROWS),
  });
  await client.upload({ name: 'grid' }, tableToIPC(table, 'stream'));

  server = createServer((request, response) => {
    const file = { '/webview.js': 'webview.js', '/webview.css': 'webview.css' }[request.url ?? ''];
    if (file) {
      response.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/css' });
      response.end(readFileSync(join(root, 'dist', file)));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(renderWebviewHtml({ cspSource: origin, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/webview.css` }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  server?.close();
  client?.close();
  await gateway?.stop();
  dirs?.remove();
});

interface Harness {
  page: Page;
  session: GridSession;
  fromWebview: WebviewToExtension[];
  problems: string[];
}

/** Opens the grid page for `source`, bridging its messages to a GridSession. */
async function openGrid(source: Source, options: { result?: { columns: { name: string; type: string }[]; rowCount: number } } = {}): Promise<Harness> {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  const fromWebview: WebviewToExtension[] = [];
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const session = new GridSession({
    source,
    title: source.kind === 'frame' ? source.name : 'Result: test',
    result: options.result,
    client: () => client,
    log: silentLogger,
    post: async (message: ExtensionToWebview) => {
      // Like VS Code: JSON.stringify with a replacer that lifts typed arrays out of the message
      // (a Node Buffer's toJSON runs first, so it would not survive), revived on the page side.
      const buffers: string[] = [];
      const json = JSON.stringify(message, (_key, value: unknown) => {
        if (!ArrayBuffer.isView(value)) return value;
        buffers.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
        return { $$buffer: buffers.length - 1 };
      });
      await page.evaluate(
        ([text, parts]) => {
          const data: unknown = JSON.parse(text, (_key, value: { $$buffer?: number } | null) =>
            value && typeof value.$$buffer === 'number' ? Uint8Array.from(atob(parts[value.$$buffer]!), (c) => c.charCodeAt(0)) : value,
          );
          window.postMessage(data, '*');
        },
        [json, buffers] as const,
      );
      return true;
    },
  });
  await page.exposeFunction('__framegateToHost', (message: WebviewToExtension) => {
    fromWebview.push(message);
    void session.handle(message);
  });
  // A string, not a function: tsx's name helpers do not exist inside the page.
  await page.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ': ' + e.blockedURI));
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__framegateToHost(m) });
  `);
  await page.goto(origin);
  try {
    await page.waitForSelector(`body[${READY_ATTRIBUTE}="ready"]`, { state: 'attached', timeout: 20_000 });
  } catch (error) {
    const diagnostics = { problems, fromWebview, csp: await cspViolations(page), status: await page.textContent(Selectors.status) };
    throw new Error(`the grid did not get ready: ${JSON.stringify(diagnostics)}`, { cause: error });
  }
  return { page, session, fromWebview, problems };
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

async function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (cells) => cells.map((c) => (c.textContent ?? '').trim()));
}

/** First rendered body row's cells. */
async function firstRow(page: Page): Promise<string[]> {
  return page.$$eval(`${Selectors.grid} tbody tr:first-child td`, (cells) => cells.map((c) => (c.textContent ?? '').trim()));
}

test('a frame renders with typed headers, row numbers and count, under the strict CSP', async () => {
  const { page, fromWebview, problems } = await openGrid({ kind: 'frame', name: 'grid' });
  assert.equal(await page.textContent(Selectors.title), 'grid');
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), String(ROWS));
  assert.equal(await page.textContent(Selectors.rowCount), '50,000 rows');
  assert.deepEqual(await texts(page, Selectors.columnHeader), ['id', 'label', 'score']);
  assert.deepEqual(await texts(page, Selectors.columnType), ['INTEGER', 'VARCHAR', 'DOUBLE']);
  assert.deepEqual((await firstRow(page)).slice(0, 2), ['0', 'row-0']);
  assert.equal((await texts(page, Selectors.rowHeader))[0], '1');
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
  await page.close();
});

test('scrolling far down fetches just that window and shows those rows', async () => {
  const { page, fromWebview, problems } = await openGrid({ kind: 'frame', name: 'grid' });
  const before = fromWebview.length;
  await page.$eval(Selectors.grid, (grid) => {
    grid.scrollTop = grid.scrollHeight * 0.8;
  });
  await waitFor(async () => {
    const headers = await texts(page, Selectors.rowHeader);
    return Number(headers[0]) > 30_000;
  }, 'rows near 80% to show');
  const first = Number((await texts(page, Selectors.rowHeader))[0]);
  await waitFor(async () => (await firstRow(page))[1] === `row-${first - 1}`, 'cells of the scrolled-to rows');
  const fetched = fromWebview.slice(before).filter((m) => m.type === 'window');
  assert.ok(fetched.length >= 1);
  assert.ok(fetched.some((w) => w.type === 'window' && w.offset <= first - 1 && w.offset + w.limit >= first), JSON.stringify(fetched));
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('clicking a header sorts on the gateway: ascending, descending, then unsorted', async () => {
  const { page, fromWebview } = await openGrid({ kind: 'frame', name: 'grid' });
  const scoreHeader = `${Selectors.columnHeader}[data-column="score"]`;
  const firstScore = async () => (await firstRow(page))[2];
  await page.click(scoreHeader);
  await waitFor(async () => (await page.getAttribute(scoreHeader, 'data-sort')) === 'asc' && (await firstScore()) === '0', 'ascending');
  await page.click(scoreHeader);
  await waitFor(async () => (await page.getAttribute(scoreHeader, 'data-sort')) === 'desc' && (await firstScore()) === String(ROWS - 1), 'descending');
  await page.click(scoreHeader);
  await waitFor(async () => (await page.getAttribute(scoreHeader, 'data-sort')) === 'none' && (await firstRow(page))[1] === 'row-0', 'unsorted');
  const sorts = fromWebview.flatMap((m) => (m.type === 'window' ? [JSON.stringify(m.sort)] : []));
  assert.ok(sorts.includes(JSON.stringify([{ column: 'score', descending: false }])));
  assert.ok(sorts.includes(JSON.stringify([{ column: 'score', descending: true }])));
  await page.close();
});

test('a result grid shows Save as…, which asks the extension to save', async () => {
  const result = await client.request(Methods.sql, { sql: 'SELECT id, label FROM grid WHERE id < 25' });
  const { page, fromWebview } = await openGrid({ kind: 'result', id: result.id }, { result });
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), '25');
  assert.equal(await page.isVisible(Selectors.saveButton), true);
  await page.click(Selectors.saveButton);
  await waitFor(() => fromWebview.some((m) => m.type === 'saveAs'), 'saveAs message');
  await page.close();
});

test('a 10M-row frame scrolls to its middle and its very last row, fetching only windows', async () => {
  const big = 10_000_000;
  await client.request(Methods.save, { name: 'ten_million', from: { sql: `SELECT range AS id, 'row-' || range AS label FROM range(${big})` }, replace: true });
  const { page, fromWebview, problems } = await openGrid({ kind: 'frame', name: 'ten_million' });
  assert.equal(await page.getAttribute(Selectors.rowCount, 'data-row-count'), String(big));

  const scrollTo = (fraction: number) =>
    page.$eval(
      Selectors.grid,
      (grid, f) => {
        grid.scrollTop = (grid.scrollHeight - grid.clientHeight) * f;
      },
      fraction,
    );
  const firstRowNumber = async () => Number((await texts(page, Selectors.rowHeader))[0]);

  await scrollTo(0.5);
  await waitFor(async () => Math.abs((await firstRowNumber()) - big / 2) < big / 100, 'rows near the middle');
  const middle = await firstRowNumber();
  await waitFor(async () => (await firstRow(page))[1] === `row-${middle - 1}`, 'cells of the middle rows');

  // The very end: browsers cap an element's height far below 10M rows × row height, so this
  // checks the grid maps its scroll range onto all the rows, not just the first few million.
  await scrollTo(1);
  await waitFor(async () => (await texts(page, Selectors.rowHeader)).includes(String(big)), 'the last row number');
  const headers = await texts(page, Selectors.rowHeader);
  const lastCells = await page.$$eval(`${Selectors.grid} tbody tr`, (rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('td'), (cell) => (cell.textContent ?? '').trim())),
  );
  assert.equal(lastCells[headers.indexOf(String(big))]?.[1], `row-${big - 1}`);

  const fetchedRows = fromWebview.reduce((sum, m) => sum + (m.type === 'window' ? m.limit : 0), 0);
  assert.ok(fetchedRows < 20_000, `fetched ${fetchedRows} rows in all, not the frame`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('when the frame is saved again, the grid reloads in place: same sort, same scroll position', async () => {
  const { page, session, fromWebview, problems } = await openGrid({ kind: 'frame', name: 'grid' });
  const scoreHeader = `${Selectors.columnHeader}[data-column="score"]`;
  await page.click(scoreHeader);
  await waitFor(async () => (await page.getAttribute(scoreHeader, 'data-sort')) === 'asc', 'ascending');
  await page.$eval(Selectors.grid, (grid) => {
    grid.scrollTop = (grid.scrollHeight - grid.clientHeight) / 2;
  });
  await waitFor(async () => Number((await texts(page, Selectors.rowHeader))[0]) > ROWS / 4, 'rows near the middle');
  const before = Number((await texts(page, Selectors.rowHeader))[0]);
  const windowsBefore = fromWebview.length;

  // What the extension does on `frames/changed` for a previewed frame.
  await session.sendInit();
  await waitFor(() => fromWebview.slice(windowsBefore).some((m) => m.type === 'window'), 'windows fetched again');
  assert.equal(await page.getAttribute(scoreHeader, 'data-sort'), 'asc');
  assert.equal(Number((await texts(page, Selectors.rowHeader))[0]), before);
  const refetched = fromWebview.slice(windowsBefore).filter((m) => m.type === 'window');
  assert.ok(refetched.every((m) => m.type === 'window' && JSON.stringify(m.sort) === JSON.stringify([{ column: 'score', descending: false }])));
  assert.deepEqual(problems, []);
  await page.close();
});
