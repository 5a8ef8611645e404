/** Code lenses over a .sql file: Run and Run and Save As… on each statement, Run File on the first. */
import type { CodeLens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { splitStatements } from '../protocol';

/** The extension's commands the lenses run; arguments: document URI, statement start and end offsets. */
export const RunCommands = {
  statement: 'framegate.runStatement',
  saveStatement: 'framegate.saveStatementAs',
  file: 'framegate.runFile',
} as const;

export function codeLenses(document: TextDocument): CodeLens[] {
  // Notebook cells have their own run buttons.
  if (document.uri.startsWith('vscode-notebook-cell:')) return [];
  const statements = splitStatements(document.getText());
  const lenses: CodeLens[] = [];
  statements.forEach((statement, index) => {
    const at = document.positionAt(statement.start);
    const range = { start: at, end: at };
    const args = [document.uri, statement.start, statement.end];
    if (index === 0 && statements.length > 1) lenses.push({ range, command: { title: 'Run File', command: RunCommands.file, arguments: [document.uri] } });
    lenses.push({ range, command: { title: 'Run', command: RunCommands.statement, arguments: args } });
    lenses.push({ range, command: { title: 'Run and Save As…', command: RunCommands.saveStatement, arguments: args } });
  });
  return lenses;
}
