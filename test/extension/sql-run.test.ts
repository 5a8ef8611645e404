/**
 * Running SQL from files and notebook cells, end to end against a real gateway process with a
 * scripted UI instead of VS Code: the statement at the cursor or in a selection, one results
 * panel per file beside the editor, Run File (the last result shown, the others freed; a failure
 * names its line), Run and Save As…, notebook cells (save-as cells read by later cells, the text
 * summary, a failure's place), and grid reuse for file results.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { ErrorCodes, Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { ConnectionManager } from '../../extension/connection';
import { silentLogger } from '../../extension/log';
import { reusablePanel } from '../../extension/grid-reuse';
import { CellError, runCell, saveDirective } from '../../extension/notebook/cell-run';
import { pickStatement, runFile, runStatement, saveStatementAs, statementFromArgs, type SqlDocument } from '../../extension/sql/run-logic';
import { RecordingGrids, ScriptedUi } from './support/scripted-ui';
import { startGatewayProcess, tempGatewayDirs, type GatewayDirs, type GatewayProcess } from './support/gateway-process';

function doc(text: string, uri = 'file:///w/report.sql'): SqlDocument {
  return { uri, fileName: 'report.sql', text, lineAt: (offset) => text.slice(0, offset).split('\n').length - 1 };
}

describe('SQL from files and notebook cells', () => {
  let dirs: GatewayDirs;
  let gateway: GatewayProcess;
  let connection: ConnectionManager;
  let client: GatewayClient;

  before(async () => {
    dirs = tempGatewayDirs();
    gateway = await startGatewayProcess(dirs);
    const token = await gateway.addUser('frank');
    connection = new ConnectionManager({ connect: (url) => GatewayClient.connect(url, { token }), log: silentLogger });
    await connection.connect(gateway.url);
    client = connection.requireClient() as GatewayClient;
    const rows = 30;
    const sales = tableFromArrays({ id: Int32Array.from({ length: rows }, (_, i) => i), region: Array.from({ length: rows }, (_, i) => ['EU', 'US', 'APAC'][i % 3]!) });
    await client.upload({ name: 'sales' }, tableToIPC(sales, 'stream'));
  });
  after(async () => {
    connection?.dispose();
    await gateway?.stop();
    dirs?.remove();
  });

  const context = (ui = new ScriptedUi(), grids = new RecordingGrids()) => ({ ctx: { connection, ui, grids, log: silentLogger }, ui, grids });

  test('the statement at the cursor, or the selection, or the one a lens names', () => {
    const text = 'SELECT 1 AS a;\n\nSELECT id\nFROM sales;  -- two\nSELECT 3';
    const d = doc(text);
    assert.equal(pickStatement(d, { start: 3, end: 3 })?.sql, 'SELECT 1 AS a');
    assert.deepEqual(pickStatement(d, { start: text.indexOf('FROM'), end: text.indexOf('FROM') }), { sql: 'SELECT id\nFROM sales', start: text.indexOf('SELECT id') });
    assert.equal(pickStatement(d, { start: text.length, end: text.length })?.sql, 'SELECT 3');
    assert.equal(pickStatement(d, { start: 0, end: 8 })?.sql, 'SELECT 1');
    assert.equal(statementFromArgs(d, 0, 13)?.sql, 'SELECT 1 AS a');
    assert.equal(statementFromArgs(d, 0, text.length + 5), undefined, 'a lens for text that changed since');
  });

  test('Run Statement opens the result beside the editor in the panel of its file', async () => {
    const { ctx, grids } = context();
    const d = doc('SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY region');
    const result = await runStatement(ctx, d, pickStatement(d, { start: 0, end: 0 })!);
    assert.equal(result.rowCount, 3);
    const [target] = grids.opened;
    assert.deepEqual(target?.origin, { kind: 'file', uri: d.uri });
    assert.equal(target?.beside, true);
    assert.match(target?.title ?? '', /^report\.sql · SELECT region/);
    // The next result of the same file reuses that panel; another file's does not.
    const open = [{ target: target, pinned: false }];
    const sameFile = { source: { kind: 'result' as const, id: 'x' }, title: '', result, origin: { kind: 'file' as const, uri: d.uri } };
    assert.equal(reusablePanel(open, sameFile), open[0]);
    assert.equal(reusablePanel(open, { ...sameFile, origin: { kind: 'file', uri: 'file:///w/other.sql' } }), undefined);
  });

  test('a failing statement says which line of the file, and what the gateway said', async () => {
    const { ctx } = context();
    const d = doc('SELECT 1;\n\nSELECT nope FROM sales');
    await assert.rejects(runStatement(ctx, d, pickStatement(d, { start: d.text.length, end: d.text.length })!), /SQL is not valid: .*nope.* \(report\.sql, line 3\)/s);
  });

  test('Run File runs every statement in order, shows the last and frees the others', async () => {
    const { ctx, grids, ui } = context();
    const d = doc('SELECT 1 AS a;\nSELECT 2 AS b;\nSELECT id FROM sales WHERE id < 5');
    const last = await runFile(ctx, d);
    assert.equal(last?.rowCount, 5);
    assert.equal(grids.opened.length, 1);
    assert.equal(grids.opened[0]?.result?.id, last?.id);
    assert.match(ui.infos[0] ?? '', /ran 3 statements of report\.sql; showing the last/);
    // The first two results are gone from the gateway.
    const ids = Number(last.id.split('_')[1]);
    for (const earlier of [ids - 1, ids - 2]) {
      const id = last.id.replace(/_\d+$/, `_${earlier}`);
      await assert.rejects(client.window({ source: { kind: 'result', id }, offset: 0, limit: 1 }), (e: { code?: number }) => e.code === ErrorCodes.ResultNotFound);
    }
    await assert.rejects(runFile(ctx, doc('SELECT 1;\nSELECT * FROM nowhere;\nSELECT 3')), /No frame named nowhere\b.* \(report\.sql, line 2\)/);
  });

  test('Run and Save As… saves the statement\'s result under the name given', async () => {
    const { ctx } = context();
    const d = doc("SELECT id FROM sales WHERE region = 'EU'");
    assert.equal(await saveStatementAs(ctx, d, pickStatement(d, { start: 0, end: 0 })!, 'eu_ids'), 'frank.eu_ids');
    assert.equal((await client.request(Methods.schema, { name: 'eu_ids' })).rowCount, 10);
  });

  test('notebook cells: a save-as cell is read by a later cell; the summary is a small text table', async () => {
    assert.equal(saveDirective('-- save as north\nSELECT 1'), 'north');
    assert.equal(saveDirective('SELECT 1 -- save as north'), undefined);
    const first = await runCell(client, "-- save as us_rows\nSELECT id, region FROM sales WHERE region = 'US'");
    assert.equal(first.savedAs, 'frank.us_rows');
    const second = await runCell(client, 'SELECT count(*) AS n FROM us_rows');
    assert.equal(second.result.rowCount, 1);
    const lines = second.summary.split('\n');
    assert.match(lines[0]!, /^1 row × 1 column · \d+ ms$/);
    assert.deepEqual(lines.slice(1), ['n', '--', '10']);
    const head = first.summary.split('\n');
    assert.match(head[0]!, /^10 rows × 2 columns · \d+ ms · saved as frank\.us_rows$/);
    assert.equal(head[1], 'id | region');
    assert.equal(head.length, 3 + 10);
    // Running it again replaces the saved frame with a new version.
    await runCell(client, "-- save as us_rows\nSELECT id FROM sales WHERE region = 'US' AND id < 10");
    const saved = await client.request(Methods.schema, { name: 'us_rows' });
    assert.deepEqual([saved.version, saved.rowCount], [2, 3]);
  });

  test('a failing cell says where the problem is in the cell', async () => {
    const source = '-- counts\nSELECT region, nope\nFROM sales';
    const error = await runCell(client, source).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof CellError);
    assert.match(error.message, /nope/);
    assert.equal(source.slice(error.range!.start, error.range!.end), 'nope');
    await assert.rejects(runCell(client, 'SELECT 1; SELECT 2'), /a cell runs one statement/);
  });
});
