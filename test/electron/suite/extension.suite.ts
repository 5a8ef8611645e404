/**
 * The extension inside a real VS Code, against the real gateway started by run.mjs (demo data,
 * URL in the user settings). Runs in the extension host with mocha's tdd UI.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, test } from 'mocha';
import { ErrorCodes, Methods, type FrameInfo } from '../../../protocol';
import type { FramegateApi } from '../../../extension/main';
import type { TreeNodeSpec } from '../../../extension/tree-items';

const EXTENSION_ID = 'framegate.framegate';
const COMMANDS = [
  'framegate.connect',
  'framegate.disconnect',
  'framegate.refresh',
  'framegate.preview',
  'framegate.selectColumns',
  'framegate.filter',
  'framegate.runSql',
  'framegate.saveResultAs',
  'framegate.loadFile',
  'framegate.delete',
];

/** Polls `probe` until it returns something other than undefined. */
async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function gridTab(title: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === title && t.input instanceof vscode.TabInputWebview);
}

suite('Framegate extension', () => {
  let api: FramegateApi;

  async function frameItems(namespace: string): Promise<TreeNodeSpec[]> {
    const roots = await api.tree.getChildren();
    const group = roots.find((r) => r.node.kind === 'namespace' && r.label === namespace);
    return group ? api.tree.getChildren(group) : [];
  }

  suiteSetup(async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension<FramegateApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    await waitFor(() => (api.connection.state.kind === 'connected' ? true : undefined), 'auto-connect');
  });

  test('contributes every command under the Framegate category', async () => {
    const registered = await vscode.commands.getCommands(true);
    for (const id of COMMANDS) assert.ok(registered.includes(id), id);
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string; category: string }[] } };
    for (const command of manifest.contributes.commands) assert.equal(command.category, 'Framegate', command.command);
  });

  test('auto-connects to framegate.url as framegate.user', () => {
    assert.deepEqual(api.connection.state, { kind: 'connected', url: process.env.FRAMEGATE_TEST_URL, user: 'electron' });
  });

  test('the tree lists the demo frame by namespace, with rows, owner and typed columns', async () => {
    const sales = await waitFor(async () => (await frameItems('main')).find((f) => f.label === 'sales'), 'sales in the tree');
    assert.match(sales.description ?? '', /^1,000,000 rows · /);
    assert.match(sales.tooltip ?? '', /version: \d+/);
    const item = api.tree.getTreeItem(sales);
    assert.equal(item.contextValue, 'framegate.frame');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const columns = await api.tree.getChildren(sales);
    assert.deepEqual(
      columns.slice(0, 3).map((c) => [c.label, c.description]),
      [
        ['order_id', 'BIGINT'],
        ['order_date', 'DATE'],
        ['region', 'VARCHAR'],
      ],
    );
  });

  test('Refresh lists the frames again', async () => {
    const frames = (await vscode.commands.executeCommand<readonly FrameInfo[]>('framegate.refresh')) ?? [];
    assert.ok(frames.some((f) => f.name === 'sales'));
  });

  test('a frames/changed notification refreshes the tree', async () => {
    await api.connection.requireClient().request(Methods.save, { name: 'electron_probe', from: { sql: 'SELECT 1 AS x' } });
    await waitFor(async () => ((await frameItems('main')).some((f) => f.label === 'electron_probe') ? true : undefined), 'electron_probe in the tree');
  });

  test('Preview opens one grid webview per frame; closing it closes the grid', async () => {
    await vscode.commands.executeCommand('framegate.preview', 'sales');
    await vscode.commands.executeCommand('framegate.preview', 'sales');
    const tab = await waitFor(() => gridTab('sales'), 'the sales grid tab');
    assert.match((tab.input as vscode.TabInputWebview).viewType, /framegate\.grid$/);
    assert.equal(api.grids.openTargets.filter((t) => t.source.kind === 'frame' && t.source.name === 'sales').length, 1);
    await vscode.window.tabGroups.close(tab);
    await waitFor(() => (api.grids.openTargets.some((t) => t.source.kind === 'frame') ? undefined : true), 'grid disposed');
  });

  test('Run SQL opens a result grid that Save Result As saves; closing it frees the result', async () => {
    const sql = 'SELECT region, sum(amount) AS total FROM sales GROUP BY region';
    await vscode.commands.executeCommand('framegate.runSql', sql);
    const result = await waitFor(() => api.grids.activeResult(), 'a result grid');
    assert.deepEqual(result.columns.map((c) => c.name), ['region', 'total']);
    assert.ok(result.rowCount > 0);
    const tab = await waitFor(() => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith('Result: SELECT region')), 'result tab');

    await vscode.commands.executeCommand('framegate.saveResultAs', result.id, 'electron.totals');
    await waitFor(async () => ((await frameItems('electron')).some((f) => f.label === 'totals') ? true : undefined), 'electron.totals in the tree');

    const client = api.connection.requireClient();
    const open = await client.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 100 });
    assert.equal(open.result.rows, result.rowCount);
    await vscode.window.tabGroups.close(tab);
    await waitFor(async () => {
      try {
        await client.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 1 });
        return undefined;
      } catch (error) {
        return (error as { code?: number }).code === ErrorCodes.ResultNotFound ? true : undefined;
      }
    }, 'query/close on panel close');
    assert.equal(api.grids.activeResult(), undefined);
  });

  test('Disconnect empties the tree; Connect connects again', async () => {
    await vscode.commands.executeCommand('framegate.disconnect');
    assert.equal(api.connection.state.kind, 'disconnected');
    assert.deepEqual(await api.tree.getChildren(), []);
    await vscode.commands.executeCommand('framegate.connect');
    assert.equal(api.connection.state.kind, 'connected');
    await waitFor(async () => ((await frameItems('main')).some((f) => f.label === 'sales') ? true : undefined), 'tree after reconnect');
  });
});
