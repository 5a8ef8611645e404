/** Command logic end to end against a real gateway, with a scripted UI instead of VS Code. */
import { mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { ErrorCodes, Methods, Notifications, type FramesChangedNotification } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import * as commands from '../../extension/commands';
import * as files from '../../extension/file-commands';
import * as sql from '../../extension/sql-commands';
import { memoryState, SqlHistory } from '../../extension/sql-history';
import { ConnectionManager } from '../../extension/connection';
import { silentLogger } from '../../extension/log';
import { frameTreeItems } from '../../extension/tree-items';
import { RecordingGrids, ScriptedUi } from './support/scripted-ui';
import { startGatewayProcess, tempGatewayDirs, waitFor, type GatewayDirs, type GatewayProcess } from './support/gateway-process';

let dirs: GatewayDirs;
let gateway: GatewayProcess;
let connection: ConnectionManager;

const ROWS = 1000;
const regions = ['EU', 'US', 'APAC', 'LATAM'];

before(async () => {
  dirs = tempGatewayDirs();
  gateway = await startGatewayProcess(dirs);
  const token = await gateway.addUser('frank');
  connection = new ConnectionManager({ connect: (url) => GatewayClient.connect(url, { token }), log: silentLogger });
  await connection.connect(gateway.url);
  assert.equal(connection.me?.user, 'frank');
  const sales = tableFromArrays({
    id: Int32Array.from({ length: ROWS }, (_, i) => i),
    region: Array.from({ length: ROWS }, (_, i) => regions[i % 4]!),
    amount: Float64Array.from({ length: ROWS }, (_, i) => i / 10),
  });
  const client = connection.requireClient() as GatewayClient;
  await client.upload({ name: 'sales' }, tableToIPC(sales, 'stream'));
});

after(async () => {
  connection?.dispose();
  await gateway?.stop();
  dirs?.remove();
});

function context(ui: ScriptedUi, grids = new RecordingGrids(), history = new SqlHistory(memoryState())) {
  return { ctx: { connection, ui, grids, log: silentLogger, history }, grids, history };
}

async function windowRows(source: { kind: 'result'; id: string } | { kind: 'frame'; name: string }, columns?: string[]) {
  const { result, ipc } = await connection.requireClient().window({ source, offset: 0, limit: 10_000, ...(columns ? { columns } : {}) });
  return { result, table: tableFromIPC(ipc) };
}

test('Preview picks a frame and opens its grid; from the tree it needs no prompt', async () => {
  const ui = new ScriptedUi([{ pick: 'frank.sales' }]);
  const { ctx, grids } = context(ui);
  const frame = await commands.preview(ctx);
  assert.ok(frame);
  assert.equal(frame.rowCount, ROWS);
  // Full names: what was uploaded as "sales" lives in frank's namespace.
  assert.deepEqual(grids.opened, [{ source: { kind: 'frame', name: 'frank.sales' }, title: 'frank.sales' }]);

  const item = frameTreeItems([frame], 'mine', connection.me!)[0]!;
  assert.equal(item.label, 'sales');
  const again = context(new ScriptedUi());
  await commands.preview(again.ctx, item);
  assert.deepEqual(again.grids.opened[0]?.source, { kind: 'frame', name: 'frank.sales' });
});

test('Select Columns… runs query/select with the chosen columns and opens the result', async () => {
  const ui = new ScriptedUi([{ pickMany: ['amount', 'id'] }]);
  const { ctx, grids } = context(ui);
  const result = await commands.selectColumns(ctx, 'sales');
  assert.ok(result);
  assert.deepEqual(result.columns.map((c) => c.name), ['id', 'amount']);
  assert.equal(result.rowCount, ROWS);
  assert.deepEqual(grids.opened[0]?.source, { kind: 'result', id: result.id });
  assert.equal(grids.opened[0]?.result, result);
  const { table } = await windowRows({ kind: 'result', id: result.id });
  assert.deepEqual(table.schema.fields.map((f) => f.name), ['id', 'amount']);
});

test('Filter… applies a SQL condition on the gateway', async () => {
  const ui = new ScriptedUi([{ input: "region = 'EU' AND amount >= 50" }]);
  const { ctx } = context(ui);
  const result = await commands.filter(ctx, 'sales');
  // ids 500..999 with id % 4 == 0: 125 rows.
  assert.ok(result);
  assert.equal(result.rowCount, 125);
  const { table } = await windowRows({ kind: 'result', id: result.id });
  const column = table.getChild('region');
  assert.ok(column);
  assert.ok(Array.from(column, (r) => String(r)).every((r) => r === 'EU'));
});

test('Run SQL… opens the query result under a cancellable progress notification', async () => {
  const ui = new ScriptedUi([{ input: 'SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY region' }]);
  const { ctx, grids } = context(ui);
  const result = await sql.runSql(ctx);
  assert.equal(result?.rowCount, 4);
  assert.match(grids.opened[0]!.title, /^Result: SELECT region, count/);
  assert.deepEqual(ui.progress.map((p) => [p.title, p.done]), [['Framegate: running the query…', true]]);
});

test('a failed Run SQL… offers the same SQL again with what went wrong; every try is in the history', async () => {
  const typo = 'SELECT regin, count(*) AS n FROM sales GROUP BY regin';
  const fixed = 'SELECT region, count(*) AS n FROM sales GROUP BY region';
  const ui = new ScriptedUi([{ input: typo }, { input: fixed }]);
  const { ctx, history } = context(ui);
  const result = await commands.runCommand(ctx, 'runSql', () => sql.runSql(ctx));
  assert.equal(result?.rowCount, 4);
  assert.deepEqual(ui.errors, [], 'the problem is shown in the editor, not as a separate error');
  const again = ui.inputs[1]!;
  assert.equal(again.value, typo, 'the SQL typed is offered again');
  assert.match(again.prompt, /^The SQL is not valid: .*"regin"/);
  assert.doesNotMatch(again.prompt, /InvalidSql|Binder Error|1010/);
  assert.deepEqual(history.list(), [fixed, typo]);

  // The next Run SQL… starts from the last query; giving up on a failing one keeps it too.
  const next = new ScriptedUi([{ input: 'DELETE FROM sales' }, { input: undefined }]);
  const out = await sql.runSql({ ...ctx, ui: next });
  assert.equal(out, undefined);
  assert.equal(next.inputs[0]!.value, fixed);
  assert.match(next.inputs[1]!.prompt, /^Framegate does not run this SQL: /);
  assert.equal(history.latest(), 'DELETE FROM sales');

  const picked = new ScriptedUi([{ pick: fixed }, { input: fixed }]);
  const rerun = await sql.runSqlFromHistory({ ...ctx, ui: picked });
  assert.equal(rerun?.rowCount, 4);
  assert.deepEqual(picked.picks[0]!.map((i) => i.label), ['DELETE FROM sales', fixed, typo]);
});

test("Cancel on a running query's progress interrupts it on the gateway at once", async () => {
  // A cross join no optimizer shortcuts: minutes of work unless interrupted.
  const runaway = 'SELECT count(*) AS n FROM sales a, sales b, sales c, sales d WHERE (a.id * 7 + b.id * 13 + c.id + d.id) % 1000003 = 17';
  const ui = new ScriptedUi([{ input: runaway }]);
  const { ctx, grids } = context(ui);
  const running = commands.runCommand(ctx, 'runSql', () => sql.runSql(ctx));
  await waitFor(() => ui.progress.length === 1, 'the progress notification');
  const cancelledAt = Date.now();
  ui.progress[0]!.cancel();
  assert.equal(await running, undefined);
  assert.ok(Date.now() - cancelledAt < 10_000, `cancelled within ${Date.now() - cancelledAt} ms`);
  assert.deepEqual(ui.errors, [], 'a cancel is not an error');
  assert.equal(grids.opened.length, 0);
  assert.equal(ui.unused, 0, 'not offered again');
  // The session is free again: the next query runs at once.
  const after = await sql.runSql(ctx, 'SELECT 1 AS one', { ask: false });
  assert.equal(after?.rowCount, 1);
});

test('Save Result As… validates the name, saves, and asks before replacing', async () => {
  const grids = new RecordingGrids();
  const ui = new ScriptedUi([{ input: "region = 'US'" }]);
  const { ctx } = context(ui, grids);
  const result = await commands.filter(ctx, 'sales');
  assert.ok(result);

  // An invalid name cannot be accepted by the input box.
  ui.script({ input: '9lives' });
  await assert.rejects(sql.saveResultAs(ctx), /refused/);

  ui.script({ input: 'frank.us_sales' });
  const saved = await sql.saveResultAs(ctx); // the active result
  assert.equal(saved?.name, 'frank.us_sales');
  assert.equal(saved?.owner, 'frank');
  assert.equal(saved?.rowCount, 250);

  // Same name again: declining the replace saves nothing and reports nothing; accepting makes version 2.
  ui.script({ input: 'frank.us_sales' }, { confirm: false });
  assert.equal(await commands.runCommand(ctx, 'saveResultAs', () => sql.saveResultAs(ctx, result.id)), undefined);
  assert.deepEqual(ui.errors, []);
  assert.equal((await connection.requireClient().request(Methods.schema, { name: 'frank.us_sales' })).version, saved?.version);
  ui.script({ input: 'frank.us_sales' }, { confirm: true });
  const replaced = await sql.saveResultAs(ctx, result.id);
  assert.equal(replaced?.version, (saved?.version ?? 0) + 1);
  assert.equal(ui.unused, 0);

  const none = new ScriptedUi();
  assert.equal(await sql.saveResultAs(context(none).ctx), undefined);
  assert.match(none.errors[0]!, /no query result is open/);
});

test('Load File… browses the import dirs to a file and loads it under the suggested name', async () => {
  writeFileSync(join(dirs.importDir, 'people-2024.csv'), 'name,age\nada,36\nalan,41\ngrace,85\n');
  mkdirSync(join(dirs.importDir, 'archive'), { recursive: true });
  writeFileSync(join(dirs.importDir, 'archive', 'old.csv'), 'x\n1\n');
  const root = realpathSync(dirs.importDir);
  const browse = new ScriptedUi([{ pick: root }, { pick: 'archive' }, { pick: files.UP_LABEL }, { pick: 'people-2024.csv' }, { input: 'people_2024' }]);
  const browsed = await files.loadFile(context(browse).ctx);
  assert.equal(browsed?.rowCount, 3);
  assert.deepEqual(browse.picks[1]!.map((i) => [i.label, i.description]), [
    [files.UP_LABEL, 'the import directories'],
    ['archive', 'folder'],
    ['people-2024.csv', `${statSync(join(dirs.importDir, 'people-2024.csv')).size} bytes`],
    [files.TYPE_PATH_LABEL, undefined],
  ]);
  assert.deepEqual(browse.picks[2]!.map((i) => i.label), [files.UP_LABEL, 'old.csv', files.TYPE_PATH_LABEL]);
  assert.equal(browse.inputs[0]!.value, 'people_2024', 'the name suggested from the file');
  await connection.requireClient().request(Methods.delete, { name: 'people_2024' });

  const ui = new ScriptedUi([{ pick: root }, { pick: files.TYPE_PATH_LABEL }, { input: 'people-2024.csv' }, { input: 'people_2024' }]);
  const { ctx } = context(ui);
  const loaded = await files.loadFile(ctx);
  assert.equal(loaded?.name, 'frank.people_2024');
  assert.equal(loaded?.rowCount, 3);
  assert.match(ui.infos[0]!, /Loaded frank\.people_2024 \(3 rows\)/);

  // Loading over it: Cancel on "Replace it?" keeps the frame as it was and shows no error.
  const again = new ScriptedUi([{ pick: root }, { pick: 'people-2024.csv' }, { input: 'people_2024' }, { confirm: false }]);
  assert.equal(await commands.runCommand(context(again).ctx, 'loadFile', () => files.loadFile(context(again).ctx)), undefined);
  assert.deepEqual(again.errors, []);
  assert.equal(again.unused, 0);
  assert.equal((await connection.requireClient().request(Methods.schema, { name: 'frank.people_2024' })).version, loaded?.version);

  const missing = new ScriptedUi([{ pick: files.TYPE_PATH_LABEL }, { input: 'nope.csv' }, { input: 'nope' }]);
  await commands.runCommand(context(missing).ctx, 'loadFile', () => files.loadFile(context(missing).ctx));
  assert.match(missing.errors[0]!, /^Framegate: No file nope\.csv/);
});

test('Delete asks first and deletes only when confirmed', async () => {
  await connection.requireClient().request(Methods.save, { name: 'doomed', from: { sql: 'SELECT 1 AS x' } });
  const ui = new ScriptedUi([{ confirm: false }, { confirm: true }]);
  const { ctx } = context(ui);
  assert.equal(await commands.deleteFrame(ctx, 'doomed'), false);
  assert.ok((await connection.requireClient().request(Methods.listFrames, {})).frames.some((f) => f.name === 'frank.doomed'));
  assert.equal(await commands.deleteFrame(ctx, 'doomed'), true);
  assert.ok(!(await connection.requireClient().request(Methods.listFrames, {})).frames.some((f) => f.name === 'frank.doomed'));
  assert.match(ui.prompts[0]!, /Delete frame "frank\.doomed"/);
});

test('commands without a connection say so', async () => {
  const offline = new ConnectionManager({ connect: () => Promise.reject(new Error('unused')), log: silentLogger });
  const ui = new ScriptedUi();
  await commands.runCommand({ connection: offline, ui, grids: new RecordingGrids(), log: silentLogger }, 'preview', () =>
    commands.preview({ connection: offline, ui, grids: new RecordingGrids(), log: silentLogger }),
  );
  assert.match(ui.errors[0]!, /Not connected/);
});

test('Run SQL and Save Result As run without prompts when given their arguments', async () => {
  const ui = new ScriptedUi();
  const { ctx } = context(ui);
  const result = await sql.runSql(ctx, 'SELECT 7 AS seven', { ask: false });
  assert.ok(result);
  assert.equal(result.rowCount, 1);
  const saved = await sql.saveResultAs(ctx, result.id, 'frank.seven');
  assert.equal(saved?.name, 'frank.seven');
  await assert.rejects(sql.saveResultAs(ctx, result.id, 'not valid'), /frame name/);
  await assert.rejects(sql.runSql(ctx, '  ', { ask: false }), /SELECT/);
  assert.deepEqual(ui.prompts, []);
});

test('Share… with a colleague through the picks: they read it and hear of it; Unshare takes it back', async () => {
  const ginaToken = await gateway.addUser('gina');
  const gina = await gateway.connect(ginaToken);
  try {
    const changes: FramesChangedNotification[] = [];
    gina.onNotification(Notifications.framesChanged, (change) => changes.push(change));
    await assert.rejects(gina.request(Methods.schema, { name: 'frank.sales' }), (error: { code?: number }) => error.code === ErrorCodes.FrameNotFound);

    const ui = new ScriptedUi([{ pick: 'gina' }, { pick: 'Read only' }]);
    const shared = await commands.share(context(ui).ctx, 'frank.sales');
    assert.deepEqual(shared?.grants?.map((g) => [g.to, g.write]), [[{ kind: 'user', name: 'gina' }, false]]);
    assert.ok(ui.picks[0]!.some((i) => i.label === 'gina'), 'the colleague is offered');
    assert.ok(!ui.picks[0]!.some((i) => i.label === 'frank'), 'not yourself');
    assert.deepEqual(ui.infos, ['Shared frank.sales with gina (read only).']);
    await waitFor(() => changes.some((c) => c.name === 'frank.sales' && c.action === 'shared'), 'frames/changed at the colleague');

    const seen = await gina.request(Methods.schema, { name: 'frank.sales' });
    assert.equal(seen.scope, 'shared');
    assert.equal(seen.sharedBy, 'frank');
    assert.equal(seen.canWrite, false);
    const { result } = await gina.window({ source: { kind: 'frame', name: 'frank.sales' }, offset: 0, limit: 10 });
    assert.equal(result.rowCount, ROWS);

    const un = new ScriptedUi([{ pick: 'gina' }]);
    await commands.unshare(context(un).ctx, 'frank.sales');
    assert.deepEqual(un.infos, ['frank.sales is no longer shared with gina.']);
    await assert.rejects(gina.request(Methods.schema, { name: 'frank.sales' }), (error: { code?: number }) => error.code === ErrorCodes.FrameNotFound);
  } finally {
    gina.close();
  }
});

test('Publish makes a frame the team reads; a colleague cannot share it', async () => {
  const hugoToken = await gateway.addUser('hugo');
  const hugo = await gateway.connect(hugoToken);
  try {
    await connection.requireClient().request(Methods.save, { name: 'kpis', from: { sql: 'SELECT 1 AS x' } });
    const ui = new ScriptedUi();
    const published = await commands.publish(context(ui).ctx, 'frank.kpis');
    assert.equal(published?.published, true);
    const seen = await hugo.request(Methods.schema, { name: 'frank.kpis' });
    assert.equal(seen.scope, 'team');
    assert.equal(seen.canManage, false);

    const hugoConnection = new ConnectionManager({ connect: (url) => GatewayClient.connect(url, { token: hugoToken }), log: silentLogger });
    await hugoConnection.connect(gateway.url);
    const refused = new ScriptedUi();
    assert.equal(await commands.share({ connection: hugoConnection, ui: refused, grids: new RecordingGrids(), log: silentLogger }, 'frank.kpis'), undefined);
    assert.deepEqual(refused.errors, ['Framegate: only the owner of frank.kpis (frank) or an admin may share it.']);
    hugoConnection.dispose();
  } finally {
    hugo.close();
  }
});
