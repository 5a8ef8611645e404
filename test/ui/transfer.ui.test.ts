/**
 * Files in and out in a real VS Code (code-server + Chromium) against a real gateway: Export… on
 * a frame in the tree writes Parquet through the save dialog (code-server's own, a quick input
 * holding the path), and the file is read back with DuckDB and compared with the gateway's copy,
 * value for value (a DECIMAL, a timestamp with a zone, NULLs); Upload to Framegate on a CSV in the
 * Explorer makes a frame that the tree shows and the gateway holds.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { decodeArrowRows } from '../../cli/values';
import { DuckDatabase } from '../../server/engine/duckdb/duckdb';
import { contextMenuAction, notification, openFramegateView, statusBarItem, treeRow } from './framegate-page';
import { answerInput, launchUi, pickQuickItem, screenshot, type UiSession } from './harness';

const PRICES_SQL = `SELECT range::INTEGER AS id,
  CASE WHEN range % 4 = 0 THEN NULL ELSE ((range * 37 - 500)::VARCHAR || '.' || lpad((range % 100)::VARCHAR, 2, '0'))::DECIMAL(12,2) END AS price,
  TIMESTAMPTZ '2026-03-29 00:59:59.5+00' + range * INTERVAL 17 MINUTE AS sold_at,
  CASE WHEN range % 5 = 0 THEN NULL ELSE 'item ' || range END AS label
FROM range(5000)`;
/** Every column exactly (decimals as text, instants in microseconds), in id order: what the two sides are compared by. */
const AS_TEXT = (from: string) => `SELECT id, price::VARCHAR AS price, epoch_us(sold_at) AS sold_us, label FROM ${from} ORDER BY id`;

describe('Export and upload in a real VS Code (code-server + Chromium)', { timeout: 10 * 60_000 }, () => {
  let ui: UiSession;
  let page: Page;
  let admin: GatewayClient;

  before(
    async () => {
      ui = await launchUi();
      page = ui.page;
      admin = await GatewayClient.connect(ui.gateway.url, { token: ui.gateway.adminToken });
      await admin.request(Methods.save, { name: 'main.prices', from: { sql: PRICES_SQL } });
      await statusBarItem(page, /@ 127\.0\.0\.1:\d+/);
    },
    { timeout: 8 * 60_000 },
  );

  after(async () => {
    admin?.close();
    await ui?.close();
  });

  test('Export… on a frame writes the whole frame as Parquet, equal to the gateway copy', { timeout: 180_000 }, async () => {
    await openFramegateView(page);
    const row = treeRow(page, 'main.prices');
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    await contextMenuAction(page, row, 'Export…');
    await pickQuickItem(page, 'Parquet');
    // code-server's save dialog is a quick input holding the path; it offers the frame's name.
    const path = join(ui.codeServer.workspace, 'prices-export.parquet');
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input')?.value ?? '').endsWith('prices.parquet'), undefined, { timeout: 15_000 });
    await answerInput(page, path);
    await notification(page, /Exported 5,000 rows of main\.prices/, 120_000);
    assert.ok(existsSync(path));
    await screenshot(page, 'exported-parquet.png');

    const db = await DuckDatabase.open(':memory:');
    const conn = await db.connect();
    try {
      const types = await conn.rows(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`);
      assert.deepEqual(
        types.map((t) => `${String(t.name)} ${String(t.type)}`),
        ['id INTEGER', 'price DECIMAL(12,2)', 'sold_at TIMESTAMP WITH TIME ZONE', 'label VARCHAR'],
      );
      const fromFile = await conn.rows(AS_TEXT(`read_parquet('${path}')`));
      const result = await admin.request(Methods.sql, { sql: AS_TEXT('main.prices') });
      const { ipc } = await admin.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 10_000 });
      const fromGateway = decodeArrowRows(ipc).rows;
      assert.equal(fromFile.length, 5000);
      assert.deepEqual(
        fromFile.map((r) => [Number(r.id), r.price ?? null, Number(r.sold_us), r.label ?? null]),
        fromGateway.map((r) => [r.id, r.price, r.sold_us, r.label]),
      );
      assert.equal(fromFile[1]?.price, '-463.01');
    } finally {
      conn.close();
      db.close();
    }
  });

  test('Upload to Framegate on a CSV in the Explorer makes a frame the tree shows', { timeout: 180_000 }, async () => {
    const csv = join(ui.codeServer.workspace, 'people.csv');
    writeFileSync(csv, 'name,age,balance\nada,36,1250.75\nbob,,-3.10\ncy,41,0.00\n');
    await page.keyboard.press('Control+Shift+E');
    const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'people.csv' }).first();
    // The Explorer picks up the new file by watching the folder.
    await file.waitFor({ state: 'visible', timeout: 60_000 });
    await contextMenuAction(page, file, 'Upload to Framegate');
    // The name is offered from the file's; Enter takes it.
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('.quick-input-widget .quick-input-box input')?.value === 'people', undefined, { timeout: 15_000 });
    await page.locator('.quick-input-widget .quick-input-box input').press('Enter');
    await notification(page, /Uploaded admin\.people \(3 rows\)/, 120_000);
    await treeRow(page, 'people').waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'uploaded-csv.png');

    const frame = await admin.request(Methods.schema, { name: 'admin.people' });
    assert.deepEqual(
      frame.columns.map((c) => c.name),
      ['name', 'age', 'balance'],
    );
    const { ipc } = await admin.window({ source: { kind: 'frame', name: 'admin.people' }, offset: 0, limit: 10, sort: [{ column: 'name', descending: false }] });
    assert.deepEqual(
      decodeArrowRows(ipc).rows.map((r) => [r.name, r.age]),
      [
        ['ada', 36],
        ['bob', null],
        ['cy', 41],
      ],
    );
  });
});
