/**
 * Speaks LSP to the real language server process (`node dist/lsp.js --stdio`), as an editor
 * would: initialize with the gateway's URL and a user's token, open and change documents, ask for
 * completion, hover, definition, formatting and lenses, and collect published diagnostics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { CodeLens, CompletionList, Diagnostic, Hover, Location, Position, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver/node';

export const LSP_PATH = resolve(__dirname, '../../dist/lsp.js');

export interface LspClient {
  connection: MessageConnection;
  open(uri: string, text: string): void;
  change(uri: string, text: string): void;
  /** The next diagnostics published for `uri` for which `until` holds. */
  diagnostics(uri: string, until?: (list: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  completion(uri: string, position: Position): Promise<CompletionList>;
  hover(uri: string, position: Position): Promise<Hover | null>;
  definition(uri: string, position: Position): Promise<Location | null>;
  format(uri: string): Promise<TextEdit[]>;
  codeLens(uri: string): Promise<CodeLens[]>;
  notify(method: string, params: unknown): void;
  /** Sends shutdown and exit and waits for the process to end. */
  stop(): Promise<void>;
  stderr: string[];
}

export async function startLsp(init: { url?: string; token?: string; debounceMs?: number }): Promise<LspClient> {
  if (!existsSync(LSP_PATH)) throw new Error(`${LSP_PATH} is missing: run npm run build first`);
  const child: ChildProcess = spawn(process.execPath, [LSP_PATH, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published = new Map<string, Diagnostic[][]>();
  const waiters = new Set<() => void>();
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.set(params.uri, [...(published.get(params.uri) ?? []), params.diagnostics]);
    for (const wake of [...waiters]) wake();
  });
  connection.onNotification('window/logMessage', () => undefined);
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/configuration', () => []);
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: init });
  await connection.sendNotification('initialized', {});
  const versions = new Map<string, number>();
  const doc = (uri: string) => ({ textDocument: { uri } });
  return {
    connection,
    stderr,
    open(uri, text) {
      versions.set(uri, 1);
      void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    },
    change(uri, text) {
      const version = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, version);
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    },
    diagnostics(uri, until = () => true, timeoutMs = 20_000) {
      const seen = published.get(uri)?.length ?? 0;
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; got ${JSON.stringify(published.get(uri)?.slice(seen))}`));
        }, timeoutMs);
        const check = () => {
          const list = published.get(uri)?.slice(seen).find(until);
          if (!list) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolvePromise(list);
        };
        waiters.add(check);
        check();
      });
    },
    completion: (uri, position) => connection.sendRequest('textDocument/completion', { ...doc(uri), position }),
    hover: (uri, position) => connection.sendRequest('textDocument/hover', { ...doc(uri), position }),
    definition: (uri, position) => connection.sendRequest('textDocument/definition', { ...doc(uri), position }),
    format: (uri) => connection.sendRequest('textDocument/formatting', { ...doc(uri), options: { tabSize: 2, insertSpaces: true } }),
    codeLens: (uri) => connection.sendRequest('textDocument/codeLens', doc(uri)),
    notify: (method, params) => void connection.sendNotification(method, params),
    async stop() {
      const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
    },
  };
}

/** The position of the `|` in `marked`, and the text without it. */
export function cursor(marked: string): { text: string; position: Position } {
  const offset = marked.indexOf('|');
  const before = marked.slice(0, offset).split('\n');
  return { text: marked.replace('|', ''), position: { line: before.length - 1, character: before.at(-1)!.length } };
}
