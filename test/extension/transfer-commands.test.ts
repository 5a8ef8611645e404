/**
 * Export… and Upload to Framegate end to end against a real gateway process, with a scripted UI
 * instead of VS Code: what is asked, what is written, what Cancel leaves behind, and that
 * declining to replace saves nothing and says nothing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordBatchReader } from 'apache-arrow';
import { Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { ConnectionManager } from '../../extension/connection';
import { silentLogger } from '../../extension/log';
import { frameTreeItems } from '../../extension/tree-items';
import { defaultFileName, exportData, exportProgressText, filePathOf, uploadToFramegate } from '../../extension/transfer-commands';
import type { GridTarget } from '../../extension/commands';
import { RecordingGrids, ScriptedUi } from './support/scripted-ui';
import { startGatewayProcess, tempGatewayDirs, type GatewayDirs, type GatewayProcess } from './support/gateway-process';
import { tempDir } from '../server/support';

describe('transfer commands: pure parts', () => {
  test('the default file name is the frame name without its namespace, fit for a file', () => {
    assert.equal(defaultFileName('alice.sales', 'parquet'), 'sales.parquet');
    assert.equal(defaultFileName('alice.sales@2', 'csv'), 'sales_2.csv');
    assert.equal(defaultFileName('SELECT * FROM x (3 columns)', 'arrow'), 'SELECT_FROM_x_3_columns.arrow');
    assert.equal(defaultFileName('@@', 'csv'), 'export.csv');
  });
  test('progress names rows (of how many, when known) and bytes', () => {
    assert.equal(exportProgressText(1500, 2048, 10_000), '1,500 of 10,000 rows · 2.0 KiB');
    assert.equal(exportProgressText(7, 100, undefined), '7 rows · 100 bytes');
  });
  test('the Explorer hands a file Uri; a string path works too; anything else is no file', () => {
    assert.equal(filePathOf({ scheme: 'file', fsPath: '/w/people.csv' }), '/w/people.csv');
    assert.equal(filePathOf('/w/people.csv'), '/w/people.csv');
    assert.equal(filePathOf({ scheme: 'untitled', fsPath: 'x' }), undefined);
    assert.equal(filePathOf(undefined), undefined);
  });
});

describe('transfer commands against a real gateway', () => {
  let dirs: GatewayDirs;
  let gateway: GatewayProcess;
  let connection: ConnectionManager;
  let work: string;
  const revealed: string[] = [];

  before(async () => {
    dirs = tempGatewayDirs();
    gateway = await startGatewayProcess(dirs);
    const token = await gateway.addUser('erin');
    connection = new ConnectionManager({ connect: (url) => GatewayClient.connect(url, { token }), log: silentLogger });
    await connection.connect(gateway.url);
    const client = connection.requireClient();
    await client.request(Methods.save, { name: 'orders', from: { sql: 'SELECT range AS id, (range * 0.25)::DECIMAL(10,2) AS total FROM range(20000)' } });
    work = tempDir('framegate-transfer-');
  });
  after(async () => {
    connection?.dispose();
    await gateway?.stop();
    dirs?.remove();
  });

  const context = (ui: ScriptedUi, grids = new RecordingGrids()) => ({
    connection,
    ui,
    grids,
    log: silentLogger,
    revealFrame: (name: string) => {
      revealed.push(name);
      return Promise.resolve();
    },
  });

  test('Export… on a tree frame: format, then the save dialog (the frame name offered), then the whole frame', async () => {
    const frame = await connection.requireClient().request(Methods.schema, { name: 'orders' });
    const item = frameTreeItems([frame], 'mine', connection.me!)[0]!;
    const path = join(work, 'orders');
    const ui = new ScriptedUi([{ pick: 'Arrow' }, { save: path }]);
    const written = await exportData(context(ui), item);
    // No extension typed: the format's is added.
    assert.equal(written, `${path}.arrow`);
    assert.equal(ui.saves[0]?.defaultName, 'orders.arrow');
    assert.deepEqual(ui.saves[0]?.filters, { Arrow: ['arrow'] });
    let rows = 0;
    for (const batch of RecordBatchReader.from(readFileSync(`${path}.arrow`))) rows += batch.numRows;
    assert.equal(rows, 20_000);
    assert.match(ui.progress[0]?.reports.at(-1) ?? '', /^20,000 of 20,000 rows · /);
    assert.deepEqual(ui.infos, [`Exported 20,000 rows of erin.orders to ${path}.arrow.`]);
  });

  test('Export… with a result panel in front exports that result; dismissing a step writes nothing', async () => {
    const client = connection.requireClient();
    const result = await client.request(Methods.sql, { sql: 'SELECT id FROM orders WHERE id < 10' });
    const grids = new RecordingGrids();
    const front: GridTarget = { source: { kind: 'result', id: result.id }, title: 'SQL result', result };
    const withFront = Object.assign(grids, { activeTarget: () => front });
    const path = join(work, 'result.csv');
    const ui = new ScriptedUi([{ pick: 'CSV' }, { save: path }]);
    await exportData(context(ui, withFront));
    assert.equal(readFileSync(path, 'utf8'), `id\n${Array.from({ length: 10 }, (_, i) => i).join('\n')}\n`);
    assert.equal(ui.saves[0]?.defaultName, 'SQL_result.csv');

    const dismissed = new ScriptedUi([{ pick: 'CSV' }, { save: undefined }]);
    assert.equal(await exportData(context(dismissed, withFront)), undefined);
    assert.deepEqual([dismissed.errors, dismissed.infos, dismissed.progress.length], [[], [], 0]);
  });

  test('Cancel during Export… stops it and leaves no file (nor a partial one)', async () => {
    const client = connection.requireClient();
    await client.request(Methods.save, { name: 'wide', from: { sql: "SELECT range AS id, repeat('y', 200) AS pad FROM range(2000000)" } });
    const path = join(work, 'wide.parquet');
    const ui = new ScriptedUi([{ pick: 'erin.wide' }, { pick: 'Parquet' }, { save: path }]);
    const ctx = context(ui);
    // Cancel as soon as the first progress arrives.
    const originalProgress = ui.withProgress.bind(ui);
    ui.withProgress = (title, task) =>
      originalProgress(title, (progress) =>
        task({
          signal: progress.signal,
          report: (message) => {
            progress.report(message);
            ui.progress.at(-1)?.cancel();
          },
        }),
      );
    await assert.rejects(exportData(ctx), (error: Error) => /cancel/i.test(error.message));
    assert.equal(existsSync(path), false);
    assert.deepEqual(readdirSync(work).filter((f) => f.includes('wide')), []);
  });

  test('Upload to Framegate: the name from the file, the frame revealed; declining to replace saves nothing and says nothing', async () => {
    const csv = join(work, '2024 people.csv');
    writeFileSync(csv, 'name,score\nada,1.5\nbob,\n');
    const ui = new ScriptedUi([{ input: 'people' }]);
    const frame = await uploadToFramegate(context(ui), { scheme: 'file', fsPath: csv });
    assert.equal(ui.inputs[0]?.value, 'f_2024_people');
    assert.equal(frame?.name, 'erin.people');
    assert.equal(frame?.rowCount, 2);
    assert.deepEqual(revealed, ['erin.people']);
    assert.deepEqual(ui.infos, ['Uploaded erin.people (2 rows).']);

    const again = new ScriptedUi([{ input: 'people' }, { confirm: false }]);
    assert.equal(await uploadToFramegate(context(again), { scheme: 'file', fsPath: csv }), undefined);
    assert.deepEqual([again.errors, again.infos], [[], []]);
    assert.equal((await connection.requireClient().request(Methods.schema, { name: 'people' })).version, 1);

    const replace = new ScriptedUi([{ input: 'people' }, { confirm: true }]);
    assert.equal((await uploadToFramegate(context(replace), { scheme: 'file', fsPath: csv }))?.version, 2);
  });

  test('Upload to Framegate refuses what it cannot upload, with a clear message', async () => {
    const ui = new ScriptedUi();
    assert.equal(await uploadToFramegate(context(ui), { scheme: 'file', fsPath: join(work, 'notes.md') }), undefined);
    assert.deepEqual(ui.errors, ['Framegate: notes.md is not a CSV, Parquet, JSON or Arrow file.']);
    const broken = join(work, 'broken.parquet');
    writeFileSync(broken, 'this is not parquet');
    const bad = new ScriptedUi([{ input: 'broken' }]);
    await assert.rejects(uploadToFramegate(context(bad), broken), /cannot read the uploaded file as PARQUET/);
    // Nothing of it was kept, and nothing of it waits in the gateway's data dir.
    assert.equal((await connection.requireClient().request(Methods.listFrames, {})).frames.some((f) => f.name === 'erin.broken'), false);
    const uploads = join(dirs.dataDir, 'tmp', 'uploads');
    assert.deepEqual(existsSync(uploads) ? readdirSync(uploads) : [], []);
  });
});
