/**
 * Extension entry: only wiring. Logic lives in modules without `vscode` (connection, commands,
 * tree-items, grid-session, webview-html); adapters (frames-tree, grid-panels, status-bar,
 * vscode-ui) connect them to VS Code.
 */
import * as vscode from 'vscode';
import { GatewayClient } from '../rpc/client';
import { connectWithCredentials, Credentials } from './auth';
import * as commands from './commands';
import type { CommandContext } from './commands';
import * as files from './file-commands';
import * as transfers from './transfer-commands';
import * as sql from './sql-commands';
import { SqlHistory } from './sql-history';
import { readSettings } from './config';
import { CONNECTION_LOST, ConnectionManager, tcpProbe } from './connection';
import { FramesTreeProvider } from './frames-tree';
import { GRID_VIEW_TYPE, GridPanels } from './grid-panels';
import { parseGridState } from '../webview/messages';
import { createLogger } from './log';
import * as session from './session-commands';
import type { SessionContext } from './session-commands';
import { registerSqlFeatures } from './sql/sql-features';
import { createStatusBar } from './status-bar';
import { STATUS_MENU_COMMAND, type StatusAction } from './status';
import { vscodeUi } from './vscode-ui';
import type { LiveEvents } from './live-events';
import { wireTeam } from './team-wiring';

/** What `activate` returns: the electron tests reach the live objects through it. */
export interface FramegateApi {
  connection: ConnectionManager;
  tree: FramesTreeProvider;
  grids: GridPanels;
  live: LiveEvents;
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
  const output = vscode.window.createOutputChannel('Framegate', { log: true });
  const log = createLogger(output);
  const showError = (message: string): void => vscodeUi.error(message);

  const credentials = new Credentials({ secrets: context.secrets, state: context.globalState });
  const connection = new ConnectionManager({
    connect: connectWithCredentials(credentials, (url, token) => GatewayClient.connect(url, token ? { token } : {}), log),
    log,
    probe: tcpProbe,
  });
  const tree = new FramesTreeProvider(connection, log, showError);
  const treeView = vscode.window.createTreeView('framegate.frames', { treeDataProvider: tree, showCollapseAll: true });
  // The grid's "Save as…" button runs the command with `ctx`, created right below.
  const grids = new GridPanels({
    extensionUri: context.extensionUri,
    connection,
    log,
    showError,
    saveResult: async (result) => (await commands.runCommand(ctx, 'saveResultAs', () => sql.saveResultAs(ctx, result.id)))?.name,
    rerun: (query) => commands.runCommand(ctx, 'rerun', () => sql.rerunQuery(ctx, query)),
  });
  const ctx: CommandContext = { connection, ui: vscodeUi, grids, log, history: new SqlHistory(context.globalState) };
  const sessionCtx: SessionContext = {
    ui: vscodeUi,
    log,
    connection,
    credentials,
    settings: {
      url: () => settings().url,
      setUrl: (url) => vscode.workspace.getConfiguration('framegate').update('url', url, vscode.ConfigurationTarget.Global),
    },
    verify: session.verifyWithGateway,
  };

  const register = (id: string, body: (...args: unknown[]) => Promise<unknown>): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => commands.runCommand(ctx, id, () => body(...args))));
  };
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  register('framegate.connect', () => session.connect(sessionCtx));
  register('framegate.reconnect', () => session.connect(sessionCtx));
  register('framegate.retryNow', () => Promise.resolve(connection.retryNow()));
  register('framegate.disconnect', () => Promise.resolve(connection.disconnect()));
  // With (url, token) as arguments (scripts, tests) it asks nothing.
  register('framegate.signIn', (url, token) => session.signIn(sessionCtx, { url: text(url), token: text(token) }));
  register('framegate.signOut', () => session.signOut(sessionCtx));
  register('framegate.showLog', () => Promise.resolve(output.show(true)));
  const actionCommands: Record<StatusAction, string> = {
    signIn: 'framegate.signIn',
    signOut: 'framegate.signOut',
    reconnect: 'framegate.reconnect',
    retryNow: 'framegate.retryNow',
    connect: 'framegate.connect',
    disconnect: 'framegate.disconnect',
    showLog: 'framegate.showLog',
  };
  register(STATUS_MENU_COMMAND, async () => {
    const action = await session.statusMenu(vscodeUi, connection.state);
    if (action) await vscode.commands.executeCommand(actionCommands[action]);
  });
  register('framegate.refresh', () => tree.reload());
  register('framegate.preview', (arg) => commands.preview(ctx, arg));
  register('framegate.selectColumns', (arg) => commands.selectColumns(ctx, arg));
  register('framegate.filter', (arg) => commands.filter(ctx, arg));
  // With SQL as argument (scripts, tests) it runs as given; from the palette the user edits it first.
  register('framegate.runSql', (arg) => (typeof arg === 'string' ? sql.runSql(ctx, arg, { ask: false }) : sql.runSql(ctx, editorSql())));
  register('framegate.runSqlFromHistory', () => sql.runSqlFromHistory(ctx));
  register('framegate.saveResultAs', (id, name) => sql.saveResultAs(ctx, text(id), text(name)));
  register('framegate.loadFile', () => files.loadFile(ctx));
  register('framegate.export', (arg) => transfers.exportData(ctx, arg));
  const revealFrame = async (name: string): Promise<void> => {
    await tree.reload();
    const node = tree.frameNode(name);
    if (node) await treeView.reveal(node, { select: true, focus: false, expand: false });
  };
  register('framegate.uploadFile', (arg) => transfers.uploadToFramegate({ ...ctx, revealFrame }, arg));
  register('framegate.delete', (arg) => commands.deleteFrame(ctx, arg));
  // With (frame, grantee, write) as arguments (scripts, tests) they ask nothing.
  register('framegate.share', (arg, to, write) => commands.share(ctx, arg, to, write));
  register('framegate.unshare', (arg, to) => commands.unshare(ctx, arg, to));
  register('framegate.publish', (arg) => commands.publish(ctx, arg));
  registerSqlFeatures(context, { ctx, connection, credentials });

  // Grid panels open when the window reloads come back (their webview saved what they showed).
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(GRID_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => {
        const saved = parseGridState(state);
        if (saved) grids.restore(panel, saved);
        else panel.dispose();
        return Promise.resolve();
      },
    }),
  );

  const setContext = (key: string, value: boolean): void => void vscode.commands.executeCommand('setContext', key, value);
  context.subscriptions.push(
    output,
    connection,
    tree,
    treeView,
    grids,
    createStatusBar(connection),
    connection.onDidChangeState((state) => {
      setContext('framegate.connected', state.kind === 'connected');
      setContext('framegate.reconnecting', state.kind === 'reconnecting');
      setContext('framegate.signInRequired', state.kind === 'signInRequired');
      if (state.kind !== 'connected') tree.refresh();
      // Say it once when a live connection drops (later retries only update the status bar).
      if (state.kind === 'reconnecting' && state.attempt === 1 && state.error === CONNECTION_LOST) {
        void vscode.window.showWarningMessage(`Framegate: lost the connection to ${state.url}; reconnecting…`, 'Retry Now').then((choice) => {
          if (choice === 'Retry Now') connection.retryNow();
        });
      }
    }),
    session.offerSignIn(connection, vscodeUi, () => void vscode.commands.executeCommand('framegate.signIn')),
    connection.onDidConnect(() => {
      tree.refresh();
      void grids.reconnected();
    }),
    // Back at the window (often: back from sleep, or on the network again): try at once.
    vscode.window.onDidChangeWindowState((window) => {
      if (window.focused) connection.retryNow();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('framegate.url') || connection.state.kind === 'disconnected') return;
      // Sign In connects before it changes the setting: nothing to do when already there.
      if (connection.url === settings().url) return;
      void commands.runCommand(ctx, 'reconnect', () => session.connect(sessionCtx, { retry: true, explicit: false }));
    }),
  );

  // Live events refresh the tree and the grids, and pop up what is news (team-wiring.ts).
  const live = wireTeam({ context, connection, tree, grids, ctx, log, register, editorSql });

  const { url, autoConnect } = settings();
  if (autoConnect && credentials.isSignedOut(url)) {
    log.info('autoConnect.skipped', { url, reason: 'signed out' });
  } else if (autoConnect) {
    void commands.runCommand(ctx, 'autoConnect', () => session.connect(sessionCtx, { retry: true, explicit: false }));
  }
  log.info('activated', { version: (context.extension.packageJSON as { version?: string }).version });
  return { connection, tree, grids, live };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it.
}
