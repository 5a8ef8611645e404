/** The Ui interface of commands.ts, implemented with vscode.window. */
import * as vscode from 'vscode';
import type { InputOptions, PickItem, Ui } from './commands';

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
};
