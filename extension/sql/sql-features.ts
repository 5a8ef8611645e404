/**
 * Adapter: SQL where people write it. Registers Run Statement / Run and Save As… / Run File for
 * SQL editors (their lenses come from the language server), starts the language server, and
 * registers Framegate notebooks. extension/main.ts calls `registerSqlFeatures` once.
 */
import * as vscode from 'vscode';
import type { Credentials } from '../auth';
import { runCommand, type CommandContext } from '../commands';
import type { ConnectionManager } from '../connection';
import { NOTEBOOK_TYPE } from '../notebook/notebook-format';
import { registerNotebooks } from '../notebook/notebook';
import { startLanguageClient } from './language-client';
import { pickStatement, runFile, runStatement, saveStatementAs, statementFromArgs, type SqlDocument, type StatementPick } from './run-logic';

export interface SqlFeaturesDeps {
  ctx: CommandContext;
  connection: ConnectionManager;
  credentials: Credentials;
}

function sqlDocument(document: vscode.TextDocument): SqlDocument {
  return { uri: document.uri.toString(), fileName: vscode.workspace.asRelativePath(document.uri), text: document.getText(), lineAt: (offset) => document.positionAt(offset).line };
}

/** The document a lens names, or the active editor's. */
async function documentFor(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (typeof uri === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  return vscode.window.activeTextEditor?.document;
}

/** The statement a lens names (uri, start, end), or the one at the active editor's cursor. */
async function statementFor(args: unknown[]): Promise<{ document: SqlDocument; pick: StatementPick } | undefined> {
  const textDocument = await documentFor(args[0]);
  if (!textDocument) {
    vscode.window.showErrorMessage('Framegate: open a SQL file first.');
    return undefined;
  }
  const document = sqlDocument(textDocument);
  const editor = vscode.window.activeTextEditor;
  const fromLens = statementFromArgs(document, args[1], args[2]);
  const atCursor = editor?.document === textDocument ? pickStatement(document, { start: textDocument.offsetAt(editor.selection.start), end: textDocument.offsetAt(editor.selection.end) }) : undefined;
  const pick = fromLens ?? atCursor;
  if (!pick) {
    vscode.window.showErrorMessage(`Framegate: no statement at the cursor in ${document.fileName}.`);
    return undefined;
  }
  return { document, pick };
}

export function registerSqlFeatures(context: vscode.ExtensionContext, deps: SqlFeaturesDeps): void {
  const { ctx } = deps;
  const register = (id: string, body: (...args: unknown[]) => Promise<unknown>): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(ctx, id, () => body(...args))));
  };
  register('framegate.runStatement', async (...args) => {
    const found = await statementFor(args);
    return found && runStatement(ctx, found.document, found.pick);
  });
  // A fourth argument names the frame (scripts, tests); otherwise it asks.
  register('framegate.saveStatementAs', async (...args) => {
    const found = await statementFor(args);
    return found && saveStatementAs(ctx, found.document, found.pick, typeof args[3] === 'string' ? args[3] : undefined);
  });
  register('framegate.runFile', async (uri) => {
    const document = await documentFor(uri);
    return document && runFile(ctx, sqlDocument(document));
  });
  register('framegate.newNotebook', async () => {
    const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '-- save as my_result\nSELECT * FROM main.sales LIMIT 100', 'sql');
    const notebook = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, new vscode.NotebookData([cell]));
    await vscode.window.showNotebookDocument(notebook);
  });
  registerNotebooks(context, { connection: deps.connection, log: ctx.log });
  void startLanguageClient(context, { connection: deps.connection, credentials: deps.credentials, log: ctx.log }).catch((error: unknown) => {
    ctx.log.error('lsp.start.failed', { error });
    void vscode.window.showWarningMessage(`Framegate: the SQL language server did not start (${error instanceof Error ? error.message : String(error)}); SQL still runs.`);
  });
}
