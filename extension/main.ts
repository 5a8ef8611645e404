/**
 * Extension entry: only wiring. Logic lives in modules without `vscode` (connection, commands,
 * tree-items, grid-session, webview-html); adapters (frames-tree, grid-panels, status-bar,
 * vscode-ui) connect them to VS Code.
 */
import * as vscode from 'vscode';
import { GatewayClient } from '../rpc/client';
import * as commands from './commands';
import type { CommandContext } from './commands';
import { readSettings, validateGatewayUrl } from './config';
import { CONNECTION_LOST, ConnectionManager } from './connection';
import { FramesTreeProvider } from './frames-tree';
import { GridPanels } from './grid-panels';
import { createLogger } from './log';
import { createStatusBar } from './status-bar';
import { vscodeUi } from './vscode-ui';

/** What `activate` returns: the electron tests reach the live objects through it. */
export interface FramegateApi {
  connection: ConnectionManager;
  tree: FramesTreeProvider;
  grids: GridPanels;
}

function settings() {
  const configuration = vscode.workspace.getConfiguration('framegate');
  return readSettings((key) => configuration.get(key));
}

/** SQL to start "Run SQL…" with: the editor's selection, or a whole .sql document. */
function editorSql(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const selected = editor.document.getText(editor.selection).trim();
  if (selected) return selected;
  const text = editor.document.getText().trim();
  return editor.document.languageId === 'sql' && text.length <= 100_000 && text !== '' ? text : undefined;
}

export function activate(context: vscode.ExtensionContext): FramegateApi {
  const output = vscode.window.createOutputChannel('Framegate');
  const log = createLogger(output);
  const showError = (message: string): void => vscodeUi.error(message);

  const connection = new ConnectionManager({
    connect: (url, user) => GatewayClient.connect(url, { user }),
    log,
  });
  const tree = new FramesTreeProvider(connection, log, showError);
  const treeView = vscode.window.createTreeView('framegate.frames', { treeDataProvider: tree, showCollapseAll: true });
  // The grid's "Save as…" button runs the command with `ctx`, created right below.
  const grids = new GridPanels({
    extensionUri: context.extensionUri,
    connection,
    log,
    showError,
    saveResult: async (result) => (await commands.runCommand(ctx, 'saveResultAs', () => commands.saveResultAs(ctx, result.id)))?.name,
  });
  const ctx: CommandContext = { connection, ui: vscodeUi, grids, log };

  const connect = async (retry: boolean): Promise<void> => {
    const { url, user } = settings();
    const invalid = validateGatewayUrl(url);
    if (invalid) throw new Error(`framegate.url: ${invalid}`);
    await connection.connect(url, user, { retry });
  };

  const register = (id: string, body: (...args: unknown[]) => Promise<unknown>): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => commands.runCommand(ctx, id, () => body(...args))));
  };
  register('framegate.connect', () => connect(false));
  register('framegate.disconnect', () => Promise.resolve(connection.disconnect()));
  register('framegate.refresh', () => tree.reload());
  register('framegate.preview', (arg) => commands.preview(ctx, arg));
  register('framegate.selectColumns', (arg) => commands.selectColumns(ctx, arg));
  register('framegate.filter', (arg) => commands.filter(ctx, arg));
  // With SQL as argument (scripts, tests) it runs as given; from the palette the user edits it first.
  register('framegate.runSql', (arg) => (typeof arg === 'string' ? commands.runSql(ctx, arg, { ask: false }) : commands.runSql(ctx, editorSql())));
  register('framegate.saveResultAs', (id, name) =>
    commands.saveResultAs(ctx, typeof id === 'string' ? id : undefined, typeof name === 'string' ? name : undefined),
  );
  register('framegate.loadFile', () => commands.loadFile(ctx));
  register('framegate.delete', (arg) => commands.deleteFrame(ctx, arg));

  context.subscriptions.push(
    output,
    connection,
    tree,
    treeView,
    grids,
    createStatusBar(connection),
    connection.onDidChangeState((state) => {
      void vscode.commands.executeCommand('setContext', 'framegate.connected', state.kind === 'connected');
      if (state.kind !== 'connected') tree.refresh();
      // Say it once when a live connection drops (later retries only update the status bar).
      if (state.kind === 'reconnecting' && state.attempt === 1 && state.error === CONNECTION_LOST) {
        void vscode.window.showWarningMessage(`Framegate: lost the connection to ${state.url}; reconnecting…`);
      }
    }),
    connection.onDidConnect(() => {
      tree.refresh();
      void grids.reconnected();
    }),
    connection.onFramesChanged((change) => {
      tree.refresh();
      void grids.frameChanged(change.name);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if ((event.affectsConfiguration('framegate.url') || event.affectsConfiguration('framegate.user')) && connection.state.kind !== 'disconnected') {
        void commands.runCommand(ctx, 'reconnect', () => connect(true));
      }
    }),
  );

  if (settings().autoConnect) {
    void commands.runCommand(ctx, 'autoConnect', () => connect(true));
  }
  log.info('activated', { version: (context.extension.packageJSON as { version?: string }).version });
  return { connection, tree, grids };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it.
}
