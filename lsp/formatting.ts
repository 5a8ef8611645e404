/** Formatting with sql-formatter in the dialect of the gateway's engine (DuckDB unless it says Spark). */
import { format, type SqlLanguage } from 'sql-formatter';
import type { FormattingOptions, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export function dialectOf(engine: string | undefined): SqlLanguage {
  return engine?.toLowerCase().startsWith('spark') ? 'spark' : 'duckdb';
}

/** The whole document formatted, as one edit; none when it does not parse for the formatter. */
export function formatDocument(document: TextDocument, options: FormattingOptions, language: SqlLanguage, log: (message: string) => void): TextEdit[] {
  const text = document.getText();
  let formatted: string;
  try {
    formatted = format(text, { language, tabWidth: options.tabSize, useTabs: !options.insertSpaces, keywordCase: 'upper' });
  } catch (error) {
    log(`formatting skipped: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
  if (text.endsWith('\n') && !formatted.endsWith('\n')) formatted += '\n';
  if (formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: formatted }];
}
