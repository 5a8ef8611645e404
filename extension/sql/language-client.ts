/**
 * Adapter: starts the Framegate SQL language server (dist/lsp.js) with vscode-languageclient for
 * SQL files and Framegate notebook cells, and tells it which gateway to use, with whose token,
 * whenever the extension's connection changes. Go to definition on a frame opens its preview.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Credentials } from '../auth';
import type { ConnectionManager } from '../connection';
import type { Logger } from '../log';

/** Must match lsp/main.ts and lsp/frames.ts (the server's side of the same contract). */
const CONNECTION_NOTIFICATION = 'framegate/connection';
const FRAME_URI_SCHEME = 'framegate-frame';

export interface LanguageClientDeps {
  connection: ConnectionManager;
  credentials: Credentials;
  log: Logger;
}

async function settingsFor(deps: LanguageClientDeps): Promise<{ url?: string; token?: string }> {
  const url = deps.connection.state.kind === 'connected' ? deps.connection.url : undefined;
  if (!url) return {};
  const found = await deps.credentials.tokenFor(url);
  return found?.token ? { url, token: found.token } : { url };
}

export async function startLanguageClient(context: vscode.ExtensionContext, deps: LanguageClientDeps): Promise<LanguageClient> {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'lsp.js').fsPath;
  const serverOptions: ServerOptions = { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'sql', scheme: 'file' },
      { language: 'sql', scheme: 'untitled' },
      { language: 'sql', scheme: 'vscode-notebook-cell' },
    ],
    outputChannelName: 'Framegate SQL',
    middleware: {
      async provideDefinition(document, position, token, next) {
        const found = await next(document, position, token);
        const first = Array.isArray(found) ? found[0] : found;
        const uri = first && ('uri' in first ? first.uri : first.targetUri);
        if (uri?.scheme !== FRAME_URI_SCHEME) return found;
        await vscode.commands.executeCommand('framegate.preview', decodeURIComponent(uri.path));
        return new vscode.Location(document.uri, position);
      },
    },
  };
  const client = new LanguageClient('framegate-sql', 'Framegate SQL', serverOptions, clientOptions);
  const update = async (): Promise<void> => {
    if (!client.isRunning()) return;
    await client.sendNotification(CONNECTION_NOTIFICATION, await settingsFor(deps));
  };
  // Subscribed before the start: a connection made while the server starts must reach it too.
  context.subscriptions.push(
    client,
    deps.connection.onDidChangeState((state) => {
      if (state.kind === 'connected' || state.kind === 'disconnected' || state.kind === 'signInRequired') {
        update().catch((error: unknown) => deps.log.warn('lsp.connection.failed', { error }));
      }
    }),
  );
  await client.start();
  await update();
  deps.log.info('lsp.started', { module });
  return client;
}
