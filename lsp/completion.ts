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

/**
 * The last answer per document, for the same version and cursor: an editor asks again without a
 * change (re-triggering, a list reopened), and the gateway need not be asked twice. Forgotten when
 * the caller's frames change (a share revoked must not linger) and when the gateway does.
 */
export class CompletionAnswers {
  private readonly answers = new Map<string, { version: number; offset: number; answer: Promise<CompletionList> }>();

  get(document: TextDocument, offset: number, ask: () => Promise<CompletionList>): Promise<CompletionList> {
    const kept = this.answers.get(document.uri);
    if (kept && kept.version === document.version && kept.offset === offset) return kept.answer;
    const answer = ask();
    const entry = { version: document.version, offset, answer };
    this.answers.set(document.uri, entry);
    // A failed answer is not kept; nor is one with no gateway behind it (asking again may connect).
    const drop = (): void => {
      if (this.answers.get(document.uri) === entry) this.answers.delete(document.uri);
    };
    answer.then((list) => list.items.length === 0 && list.isIncomplete && drop(), drop);
    return answer;
  }

  forget(uri: string): void {
    this.answers.delete(uri);
  }

  clear(): void {
    this.answers.clear();
  }
}
