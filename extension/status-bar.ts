/** Adapter: the connection state (status.ts) in a status bar item. */
import * as vscode from 'vscode';
import type { ConnectionManager } from './connection';
import { statusSpec } from './status';

export function createStatusBar(connection: ConnectionManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('framegate.status', vscode.StatusBarAlignment.Left, 100);
  item.name = 'Framegate';
  const show = (): void => {
    const spec = statusSpec(connection.state);
    item.text = spec.text;
    item.tooltip = spec.tooltip;
    item.command = spec.command;
    item.backgroundColor = spec.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  show();
  const subscription = connection.onDidChangeState(show);
  return { dispose: () => (subscription.dispose(), item.dispose()) };
}
