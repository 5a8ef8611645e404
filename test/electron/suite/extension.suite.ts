/**
 * The extension inside a real VS Code, against the real gateway started by run.mjs (demo data,
 * URL in the user settings, the gateway's credentials file reachable through FRAMEGATE_CONFIG_DIR,
 * so the extension starts signed in as the gateway's first admin, "electron"). Runs in the
 * extension host with mocha's tdd UI.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, test } from 'mocha';
import { ErrorCodes, Methods, type FrameInfo } from '../../../protocol';
import { GatewayClient } from '../../../rpc/client';
import type { FramegateApi } from '../../../extension/main';
import type { TreeNodeSpec } from '../../../extension/tree-items';

const EXTENSION_ID = 'framegate.framegate';
const COMMANDS = [
  'framegate.connect',
  'framegate.disconnect',
  'framegate.reconnect',
  'framegate.signIn',
  'framegate.signOut',
  'framegate.showLog',
  'framegate.statusMenu',
  'framegate.share',
  'framegate.unshare',
  'framegate.publish',
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

  /** The frames under a group of the tree ("My frames", "Shared with me", "Team"). */
  async function frameItems(groupLabel: string): Promise<TreeNodeSpec[]> {
    const roots = await api.tree.getChildren();
    const group = roots.find((r) => r.node.kind === 'group' && r.label === groupLabel);
    return group ? api.tree.getChildren(group) : [];
  }

  function me() {
    return api.connection.state.kind === 'connected' ? api.connection.state.me : undefined;
  }

  /** A user made by the admin the extension is signed in as; returns their token. */
  async function addUser(name: string): Promise<string> {
    return (await api.connection.requireClient().request(Methods.addUser, { name })).token;
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

  test('connects to framegate.url with no sign-in, as the admin of the local credentials file', () => {
    assert.equal(api.connection.state.kind, 'connected');
    assert.equal(api.connection.url, process.env.FRAMEGATE_TEST_URL);
    assert.equal(me()?.user, 'electron');
    assert.equal(me()?.admin, true);
  });

  test('the tree groups frames as My frames, Shared with me and Team; the demo frame has rows, version and typed columns', async () => {
    const roots = await api.tree.getChildren();
    assert.deepEqual(roots.slice(0, 3).map((r) => r.label), ['My frames', 'Shared with me', 'Team']);
    // The admin created the demo frame: it is theirs, in the team namespace, so named in full.
    const sales = await waitFor(async () => (await frameItems('My frames')).find((f) => f.label === 'main.sales'), 'main.sales in the tree');
    assert.match(sales.description ?? '', /^1,000,000 rows · v\d+/);
    assert.match(sales.tooltip ?? '', /version: \d+/);
    const item = api.tree.getTreeItem(sales);
    assert.match(item.contextValue ?? '', /^framegate\.frame manage/);
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
    assert.ok(frames.some((f) => f.name === 'main.sales'));
  });

  test('a frames/changed notification refreshes the tree', async () => {
    await api.connection.requireClient().request(Methods.save, { name: 'electron_probe', from: { sql: 'SELECT 1 AS x' } });
    await waitFor(async () => ((await frameItems('My frames')).some((f) => f.label === 'electron_probe') ? true : undefined), 'electron_probe in the tree');
  });

  test('Preview opens one grid webview per frame; closing it closes the grid', async () => {
    await vscode.commands.executeCommand('framegate.preview', 'main.sales');
    await vscode.commands.executeCommand('framegate.preview', 'main.sales');
    const tab = await waitFor(() => gridTab('main.sales'), 'the main.sales grid tab');
    assert.match((tab.input as vscode.TabInputWebview).viewType, /framegate\.grid$/);
    assert.equal(api.grids.openTargets.filter((t) => t.source.kind === 'frame' && t.source.name === 'main.sales').length, 1);
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

    // A bare name saves in your own namespace.
    await vscode.commands.executeCommand('framegate.saveResultAs', result.id, 'totals');
    await waitFor(async () => ((await frameItems('My frames')).some((f) => f.label === 'totals') ? true : undefined), 'electron.totals in the tree');

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

  test('Share with a colleague: they read it; the tree shows the grant', async () => {
    const token = await addUser('colleague');
    await vscode.commands.executeCommand('framegate.share', 'electron.totals', { kind: 'user', name: 'colleague' }, false);
    const colleague = await GatewayClient.connect(process.env.FRAMEGATE_TEST_URL!, { token });
    try {
      const seen = await colleague.request(Methods.schema, { name: 'electron.totals' });
      assert.equal(seen.scope, 'shared');
      assert.equal(seen.sharedBy, 'electron');
    } finally {
      colleague.close();
    }
    const totals = await waitFor(
      async () => (await frameItems('My frames')).find((f) => f.label === 'totals' && /shared with colleague/.test(f.description ?? '')),
      'the grant in the tree',
    );
    assert.match(totals.tooltip ?? '', /shared with: colleague \(read only\)/);
    assert.match(api.tree.getTreeItem(totals).contextValue ?? '', /\bgranted\b/);
  });

  test('Sign In as the colleague: their tree has the frame under Shared with me', async () => {
    const token = await addUser('reader');
    await vscode.commands.executeCommand('framegate.share', 'electron.totals', { kind: 'user', name: 'reader' }, true);
    await vscode.commands.executeCommand('framegate.signIn', process.env.FRAMEGATE_TEST_URL, token);
    await waitFor(() => (me()?.user === 'reader' ? true : undefined), 'signed in as reader');
    assert.equal(me()?.admin, false);
    const shared = await waitFor(async () => (await frameItems('Shared with me')).find((f) => f.label === 'electron.totals'), 'shared frame in the tree');
    assert.match(shared.description ?? '', /electron/);
    assert.equal(api.tree.getTreeItem(shared).contextValue, 'framegate.frame');
    assert.ok((await frameItems('Team')).some((f) => f.label === 'main.sales'));
  });

  test('a wrong token is refused at Sign In and changes nothing', async () => {
    await vscode.commands.executeCommand('framegate.signIn', process.env.FRAMEGATE_TEST_URL, 'not-a-token');
    assert.equal(me()?.user, 'reader');
  });

  test('Sign Out forgets the token and disconnects; Connect then uses the credentials file again', async () => {
    await vscode.commands.executeCommand('framegate.signOut');
    assert.deepEqual(api.connection.state, { kind: 'disconnected' });
    assert.deepEqual(await api.tree.getChildren(), []);
    await vscode.commands.executeCommand('framegate.connect');
    await waitFor(() => (me()?.user === 'electron' ? true : undefined), 'the admin again');
  });

  test('Disconnect empties the tree; Connect connects again', async () => {
    await vscode.commands.executeCommand('framegate.disconnect');
    assert.equal(api.connection.state.kind, 'disconnected');
    assert.deepEqual(await api.tree.getChildren(), []);
    await vscode.commands.executeCommand('framegate.connect');
    assert.equal(api.connection.state.kind, 'connected');
    await waitFor(async () => ((await frameItems('My frames')).some((f) => f.label === 'main.sales') ? true : undefined), 'tree after reconnect');
  });
});
