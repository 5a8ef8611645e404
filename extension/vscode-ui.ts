/** The Ui interface of commands.ts, implemented with vscode.window. */
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import type { InputOptions, PickItem, Progress, SaveFileOptions, Ui } from './commands';

export const vscodeUi: Ui = {
  async input(options: InputOptions) {
    return vscode.window.showInputBox({
      title: options.title,
      prompt: options.prompt,
      value: options.value,
      placeHolder: options.placeHolder,
      password: options.password ?? false,
      ignoreFocusOut: true,
      validateInput: options.validate,
    });
  },
  async pickOne<T extends PickItem>(items: T[], options: { title: string; placeHolder?: string }) {
    return vscode.window.showQuickPick(items, { title: options.title, placeHolder: options.placeHolder, matchOnDescription: true });
  },
  async pickMany<T extends PickItem>(items: T[], options: { title: string; placeHolder?: string }) {
    return vscode.window.showQuickPick(items, { title: options.title, placeHolder: options.placeHolder, canPickMany: true, matchOnDescription: true });
  },
  async confirm(message: string, confirmLabel: string) {
    return (await vscode.window.showWarningMessage(message, { modal: true }, confirmLabel)) === confirmLabel;
  },
  info(message: string) {
    void vscode.window.showInformationMessage(message);
  },
  error(message: string) {
    void vscode.window.showErrorMessage(message);
  },
  async warn(message: string, ...actions: string[]) {
    return vscode.window.showWarningMessage(message, ...actions);
  },
  async saveFile(options: SaveFileOptions) {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri ?? vscode.Uri.file(homedir());
    const uri = await vscode.window.showSaveDialog({ title: options.title, defaultUri: vscode.Uri.joinPath(folder, options.defaultName), filters: options.filters, saveLabel: 'Export' });
    return uri?.fsPath;
  },
  withProgress<T>(title: string, task: (progress: Progress) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          return await task({ signal: controller.signal, report: (message) => progress.report({ message }) });
        } finally {
          subscription.dispose();
        }
      }),
    );
  },
};
