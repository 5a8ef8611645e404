/**
 * Diagnostics as you type: a document's statements checked by the gateway (the engine's parser
 * and binder) a moment after the last keystroke. Each statement's answer is kept by its text, so
 * typing in one statement re-checks only that one; frames changing on the gateway clear them all.
 */
import type { Diagnostic } from 'vscode-languageserver/node';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { splitStatements, type SqlCheckResult, type SqlProblem } from '../protocol';

export interface DiagnosticsOptions {
  /** Checks one statement; undefined when there is no gateway to ask. */
  check(sql: string): Promise<SqlCheckResult | undefined>;
  publish(uri: string, diagnostics: Diagnostic[]): void;
  /** The document as it is now (undefined once closed). */
  current(uri: string): TextDocument | undefined;
  log(message: string): void;
}

const MAX_CACHED = 2_000;
const KIND_NAMES: Record<SqlProblem['kind'], string> = {
  syntax: 'syntax',
  frame: 'unknown-frame',
  column: 'unknown-column',
  function: 'unknown-function',
  refused: 'refused',
  other: 'invalid',
};

export class Diagnostics {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly cache = new Map<string, SqlProblem[]>();
  /** How long typing must pause before a check. */
  debounceMs = 300;

  constructor(private readonly options: DiagnosticsOptions) {}

  /** Checks `document` once typing pauses. */
  schedule(document: TextDocument): void {
    clearTimeout(this.timers.get(document.uri));
    const timer = setTimeout(() => {
      this.timers.delete(document.uri);
      void this.run(document.uri).catch((error: unknown) => this.options.log(`diagnostics failed: ${String(error)}`));
    }, this.debounceMs);
    this.timers.set(document.uri, timer);
  }

  /** Forgets every answer (frames changed, another user signed in) and checks `open` again. */
  invalidate(open: TextDocument[]): void {
    this.cache.clear();
    for (const document of open) this.schedule(document);
  }

  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.options.publish(uri, []);
  }

  private async problemsOf(sql: string): Promise<SqlProblem[] | undefined> {
    const cached = this.cache.get(sql);
    if (cached) return cached;
    const result = await this.options.check(sql);
    if (!result) return undefined;
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(sql, result.problems);
    return result.problems;
  }

  /** Checks every statement of the document as it is now; drops the answer if it changed meanwhile. */
  async run(uri: string): Promise<void> {
    const document = this.options.current(uri);
    if (!document) return;
    const text = document.getText();
    const version = document.version;
    const diagnostics: Diagnostic[] = [];
    for (const statement of splitStatements(text)) {
      const problems = await this.problemsOf(text.slice(statement.start, statement.end));
      if (!problems) return this.options.publish(uri, []); // no gateway: say nothing rather than something stale
      for (const problem of problems) {
        diagnostics.push({
          range: { start: document.positionAt(statement.start + problem.start), end: document.positionAt(statement.start + Math.max(problem.end, problem.start + 1)) },
          severity: DiagnosticSeverity.Error,
          source: 'framegate',
          code: KIND_NAMES[problem.kind],
          message: problem.message,
        });
      }
      if (this.options.current(uri)?.version !== version) return;
    }
    if (this.options.current(uri)?.version === version) this.options.publish(uri, diagnostics);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
