/** Completion: the statement under the cursor goes to the gateway (`sql/complete`); its items become LSP items. */
import { CompletionItemKind, type CompletionItem, type CompletionList } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Methods, statementAt, type SqlCompletionKind } from '../protocol';
import type { GatewayClient } from '../rpc/client';

const KINDS: Record<SqlCompletionKind, CompletionItemKind> = {
  namespace: CompletionItemKind.Module,
  frame: CompletionItemKind.Class,
  cte: CompletionItemKind.Class,
  alias: CompletionItemKind.Variable,
  column: CompletionItemKind.Field,
  function: CompletionItemKind.Function,
  keyword: CompletionItemKind.Keyword,
};

export async function complete(client: GatewayClient | undefined, document: TextDocument, offset: number): Promise<CompletionList> {
  if (!client) return { isIncomplete: true, items: [] };
  const text = document.getText();
  const statement = statementAt(text, offset);
  // A cursor outside every statement (a fresh line after the last `;`) starts a new one there.
  const start = statement && offset >= statement.start && offset <= statement.until ? statement.start : offset;
  const end = statement && start === statement.start ? Math.max(statement.end, offset) : offset;
  const sql = text.slice(start, end);
  const result = await client.request(Methods.sqlComplete, { sql, offset: offset - start });
  const range = { start: document.positionAt(start + result.from), end: document.positionAt(start + result.to) };
  const items: CompletionItem[] = result.items.map((item, index) => ({
    label: item.label,
    kind: KINDS[item.kind],
    ...(item.detail ? { detail: item.detail } : {}),
    ...(item.filterText ? { filterText: item.filterText } : {}),
    // The gateway's order: columns, then names, functions, keywords.
    sortText: String(index).padStart(5, '0'),
    textEdit: { range, newText: item.insertText ?? item.label },
  }));
  return { isIncomplete: result.incomplete, items };
}
