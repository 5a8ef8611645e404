/**
 * The Framegate SQL language server: completion, diagnostics, hover, go to definition, formatting
 * and run lenses for SQL bound to a gateway. Everything it knows it asks the gateway over the
 * protocol (never a copy of the data), as the user whose token the extension hands it, so it
 * offers only what that user may read. Started by the extension (vscode-languageclient) over IPC
 * or `--stdio`.
 *
 * initializationOptions: `{ url?, token?, debounceMs? }`; the notification `framegate/connection`
 * (same shape, or `{}` for none) switches gateways when the extension connects, signs in or out.
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Methods } from '../protocol';
import type { SqlLanguage } from 'sql-formatter';
import { codeLenses } from './code-lens';
import { CompletionAnswers, complete } from './completion';
import { Diagnostics } from './diagnostics';
import { definition, hover } from './frames';
import { dialectOf, formatDocument } from './formatting';
import { GatewayLink, type GatewayTarget } from './gateway-link';

/** The notification by which the extension says which gateway (and token) to use. */
export const CONNECTION_NOTIFICATION = 'framegate/connection';

interface ConnectionSettings {
  url?: unknown;
  token?: unknown;
  debounceMs?: unknown;
}

function targetOf(settings: ConnectionSettings | null | undefined): GatewayTarget | undefined {
  if (!settings || typeof settings.url !== 'string' || settings.url === '') return undefined;
  return typeof settings.token === 'string' && settings.token !== '' ? { url: settings.url, token: settings.token } : { url: settings.url };
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const log = (message: string): void => connection.console.log(message);
let dialect: SqlLanguage = 'duckdb';

const answers = new CompletionAnswers();
const gateway = new GatewayLink(log, () => {
  answers.clear();
  diagnostics.invalidate(documents.all());
});
const diagnostics: Diagnostics = new Diagnostics({
  check: async (sql) => {
    const client = await gateway.get();
    return client ? client.request(Methods.sqlCheck, { sql }) : undefined;
  },
  publish: (uri, list) => void connection.sendDiagnostics({ uri, diagnostics: list }),
  current: (uri) => documents.get(uri),
  log,
});

async function switchTo(settings: ConnectionSettings | null | undefined): Promise<void> {
  gateway.setTarget(targetOf(settings));
  answers.clear();
  const client = await gateway.get();
  dialect = dialectOf(client ? (await client.request(Methods.info, {}).catch(() => undefined))?.engine : undefined);
  diagnostics.invalidate(documents.all());
}

let initial: ConnectionSettings | undefined;
connection.onInitialize((params) => {
  initial = params.initializationOptions as ConnectionSettings | undefined;
  if (typeof initial?.debounceMs === 'number') diagnostics.debounceMs = initial.debounceMs;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['.', ' ', '"'] },
      hoverProvider: true,
      definitionProvider: true,
      documentFormattingProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
  };
});
connection.onInitialized(() => void switchTo(initial));
connection.onNotification(CONNECTION_NOTIFICATION, (settings: ConnectionSettings) => void switchTo(settings));

documents.onDidOpen((event) => diagnostics.schedule(event.document));
documents.onDidChangeContent((event) => diagnostics.schedule(event.document));
documents.onDidClose((event) => {
  diagnostics.forget(event.document.uri);
  answers.forget(event.document.uri);
});

function withDocument<T>(uri: string, empty: T, body: (document: TextDocument) => Promise<T> | T): Promise<T> {
  const document = documents.get(uri);
  if (!document) return Promise.resolve(empty);
  return Promise.resolve(body(document)).catch((error: unknown) => {
    log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
    return empty;
  });
}

connection.onCompletion((params) =>
  withDocument(params.textDocument.uri, { isIncomplete: true, items: [] }, (d) => answers.get(d, d.offsetAt(params.position), async () => complete(await gateway.get(), d, d.offsetAt(params.position)))),
);
connection.onHover((params) => withDocument(params.textDocument.uri, null, async (d) => hover(await gateway.get(), d, d.offsetAt(params.position))));
connection.onDefinition((params) => withDocument(params.textDocument.uri, null, async (d) => definition(await gateway.get(), d, d.offsetAt(params.position))));
connection.onDocumentFormatting((params) => withDocument(params.textDocument.uri, [], (d) => formatDocument(d, params.options, dialect, log)));
connection.onCodeLens((params) => withDocument(params.textDocument.uri, [], (d) => codeLenses(d)));
connection.onShutdown(() => {
  diagnostics.dispose();
  gateway.dispose();
});

documents.listen(connection);
connection.listen();
