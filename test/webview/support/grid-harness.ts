/**
 * The grid webview in headless Chromium (playwright-core), fed by the extension's GridSession over
 * a real gateway: the built dist/webview.js under the real CSP, with postMessage standing in for
 * VS Code's webview bridge. Shared by the grid DOM tests.
 *
 * Teardown waits for what a test started: `GridPage.close()` disposes the session (replies still
 * being prepared are dropped, not posted to a closing page), waits for the messages in flight,
 * and only then closes the page.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Source } from '../../../protocol';
import { GatewayClient } from '../../../rpc/client';
import { GridSession, type GridSessionOptions } from '../../../extension/grid-session';
import { silentLogger } from '../../../extension/log';
import { renderWebviewHtml } from '../../../extension/webview-html';
import { READY_ATTRIBUTE, Selectors } from '../../../webview/dom-ids';
import type { ExtensionToWebview, WebviewToExtension } from '../../../webview/messages';
import { removeDir, startGatewayProcess, type GatewayProcess } from '../../support/gateway-process';
import { tempGatewayDirs, waitFor, type GatewayDirs } from '../../extension/support/gateway-process';

export { waitFor };

const root = resolve(__dirname, '..', '..', '..');
const chromiumPath = process.env.FRAMEGATE_CHROMIUM ?? '/usr/bin/chromium';

export interface GridPage {
  page: Page;
  session: GridSession;
  fromWebview: WebviewToExtension[];
  /** What the extension would have put on the clipboard. */
  clipboard: string[];
  problems: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  result?: { columns: { name: string; type: string }[]; rowCount: number };
  viewport?: { width: number; height: number };
  session?: Partial<GridSessionOptions>;
}

export interface GridHarness {
  client: GatewayClient;
  openGrid(source: Source, options?: OpenOptions): Promise<GridPage>;
  close(): Promise<void>;
}

/** A real gateway, a client, a static server for the page and a browser. */
export async function startGridHarness(user = 'dom'): Promise<GridHarness> {
  assert.ok(existsSync(join(root, 'dist', 'webview.js')), 'run npm run build first (dist/webview.js)');
  assert.ok(existsSync(chromiumPath), `Chromium is needed at ${chromiumPath} (apt-get install chromium, or set FRAMEGATE_CHROMIUM)`);
  const dirs: GatewayDirs = tempGatewayDirs();
  // Saving the 10M-row test frame can take over a minute on a loaded machine: no production
  // query timeout for these tests (the gateway's own timeout has tests of its own).
  const gateway: GatewayProcess = await startGatewayProcess({
    dataDir: dirs.dataDir,
    args: ['--import-dir', dirs.importDir, '--query-timeout-ms', '600000'],
  });
  // A user of its own: the frames the tests upload are theirs, and bare names find them.
  const client = await gateway.connect(await gateway.addUser(user));
  let origin = '';
  const server: Server = createServer((request, response) => {
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
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  const open = new Set<GridPage>();

  async function openGrid(source: Source, options: OpenOptions = {}): Promise<GridPage> {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 900, height: 600 } });
    const fromWebview: WebviewToExtension[] = [];
    const problems: string[] = [];
    const clipboard: string[] = [];
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
      writeClipboard: (text) => {
        clipboard.push(text);
        return Promise.resolve();
      },
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
      ...options.session,
    });
    await page.exposeFunction('__framegateToHost', (message: WebviewToExtension) => {
      fromWebview.push(message);
      void session.handle(message);
    });
    // A string, not a function: tsx's name helpers do not exist inside the page.
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ': ' + e.blockedURI));
      window.__framegateState = undefined;
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__framegateToHost(m), setState: (s) => { window.__framegateState = s; }, getState: () => window.__framegateState });
    `);
    const grid: GridPage = {
      page,
      session,
      fromWebview,
      clipboard,
      problems,
      close: async () => {
        open.delete(grid);
        session.dispose();
        await session.settled();
        await page.close();
      },
    };
    open.add(grid);
    await page.goto(origin);
    try {
      await page.waitForSelector(`body[${READY_ATTRIBUTE}="ready"]`, { state: 'attached', timeout: 20_000 });
    } catch (error) {
      const diagnostics = { problems, fromWebview, csp: await cspViolations(page), status: await page.textContent(Selectors.status) };
      await grid.close();
      throw new Error(`the grid did not get ready: ${JSON.stringify(diagnostics)}`, { cause: error });
    }
    return grid;
  }

  return {
    client,
    openGrid,
    close: async () => {
      // Pages a failed test left open are closed the same careful way.
      await Promise.all([...open].map((g) => g.close()));
      await browser.close();
      server.close();
      client.close();
      await gateway.stop();
      dirs.remove();
      removeDir(gateway.configDir);
    },
  };
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

export async function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (cells) => cells.map((c) => (c.textContent ?? '').trim()));
}

/** First rendered body row's cells. */
export async function firstRow(page: Page): Promise<string[]> {
  return page.$$eval(`${Selectors.grid} tbody tr:first-child td`, (cells) => cells.map((c) => (c.textContent ?? '').trim()));
}

/** Every rendered body row: its row number and cell texts. */
export async function renderedRows(page: Page): Promise<{ number: number; cells: string[] }[]> {
  return page.$$eval(`${Selectors.grid} tbody tr`, (rows) =>
    rows.map((tr) => ({
      number: Number((tr.querySelector('th')?.textContent ?? '').replace(/\D/g, '')),
      cells: Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim()),
    })),
  );
}

/** The row numbers shown, as numbers (the grid groups their digits). */
export async function rowNumbers(page: Page): Promise<number[]> {
  return (await texts(page, Selectors.rowHeader)).map((t) => Number(t.replace(/\D/g, '')));
}
