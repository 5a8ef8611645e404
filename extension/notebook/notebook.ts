/**
 * Adapter: Framegate SQL notebooks (`.fgnb`) in VS Code. The serializer reads and writes the file
 * (notebook-format.ts); the controller "Framegate" runs cells on the gateway (cell-run.ts) and
 * shows each result as the inline grid (the renderer, webview/notebook-renderer.ts), whose window
 * requests arrive by renderer messaging and are answered by a GridSession per result, as in a
 * grid panel. A cell's output also carries the text summary the file keeps.
 */
import * as vscode from 'vscode';
import { Methods, type ResultInfo } from '../../protocol';
import type { ExtensionToWebview } from '../../webview/messages';
import { RENDERER_ID, RESULT_MIME, type ExtensionToRenderer, type RendererToExtension, type ResultOutput } from '../../webview/notebook-messages';
import type { ConnectionManager } from '../connection';
import { describeError } from '../errors';
import { GridSession } from '../grid-session';
import type { Logger } from '../log';
import { CellError, runCell } from './cell-run';
import { NOTEBOOK_TYPE, parseNotebook, serializeNotebook, type NotebookCellData } from './notebook-format';

const TEXT_MIME = 'text/plain';
const CELL_LANGUAGE = 'sql';

function textOf(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

class Serializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    const cells = parseNotebook(textOf(content)).map((cell) => {
      const kind = cell.kind === 'sql' ? vscode.NotebookCellKind.Code : vscode.NotebookCellKind.Markup;
      const data = new vscode.NotebookCellData(kind, cell.source, cell.kind === 'sql' ? CELL_LANGUAGE : 'markdown');
      if (cell.output) data.outputs = [new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(cell.output, TEXT_MIME)])];
      return data;
    });
    return new vscode.NotebookData(cells.length ? cells : [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, '', CELL_LANGUAGE)]);
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const cells: NotebookCellData[] = data.cells.map((cell) => {
      const sql = cell.kind === vscode.NotebookCellKind.Code;
      const summary = cell.outputs?.flatMap((o) => o.items).find((i) => i.mime === TEXT_MIME || i.mime === 'application/vnd.code.notebook.error');
      const output = summary && (summary.mime === TEXT_MIME ? textOf(summary.data) : (JSON.parse(textOf(summary.data)) as { message?: string }).message);
      return { kind: sql ? 'sql' : 'markdown', source: cell.value, ...(sql && output ? { output } : {}) };
    });
    return new TextEncoder().encode(serializeNotebook(cells));
  }
}

export interface NotebookOptions {
  connection: ConnectionManager;
  log: Logger;
}

/** The cell's result outputs: the inline grid, and the summary for the file and for readers without it. */
function outputsOf(result: ResultInfo, title: string, ms: number, summary: string, savedAs?: string): vscode.NotebookCellOutput {
  const data: ResultOutput = { resultId: result.id, title, columns: result.columns, rowCount: result.rowCount, ms, summary, ...(savedAs ? { savedAs } : {}) };
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(data, RESULT_MIME), vscode.NotebookCellOutputItem.text(summary, TEXT_MIME)]);
}

/** A grid message as renderer messaging carries it: Arrow bytes as base64 (it serializes with JSON). */
function forRenderer(gridId: string, message: ExtensionToWebview): ExtensionToRenderer {
  if (message.type !== 'window') return { gridId, message };
  const { ipc, ...reply } = message;
  return { gridId, message: { ...reply, ipcBase64: Buffer.from(ipc.buffer, ipc.byteOffset, ipc.byteLength).toString('base64') } };
}

/** The results a cell's outputs show. */
function resultIds(cell: vscode.NotebookCell): string[] {
  return cell.outputs
    .flatMap((o) => o.items)
    .filter((item) => item.mime === RESULT_MIME)
    .map((item) => (JSON.parse(textOf(item.data)) as ResultOutput).resultId);
}

function errorText(cell: vscode.NotebookCell, error: unknown): string {
  const message = describeError(error);
  if (!(error instanceof CellError) || !error.range) return message;
  const at = cell.document.positionAt(error.range.start);
  const text = cell.document.getText(new vscode.Range(at, cell.document.positionAt(error.range.end)));
  return `${message}\nat line ${at.line + 1}, column ${at.character + 1}: ${text}`;
}

export function registerNotebooks(context: vscode.ExtensionContext, options: NotebookOptions): void {
  const { connection, log } = options;
  /** Results shown inline, by id; each answers its grid's window requests. */
  const results = new Map<string, { result: ResultInfo; title: string; session?: GridSession }>();
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);

  const controller = vscode.notebooks.createNotebookController('framegate-sql', NOTEBOOK_TYPE, 'Framegate');
  controller.supportedLanguages = [CELL_LANGUAGE];
  controller.supportsExecutionOrder = true;
  controller.description = 'Runs SQL cells on the Framegate gateway';
  let order = 0;
  controller.executeHandler = async (cells) => {
    for (const cell of cells) {
      const execution = controller.createNotebookCellExecution(cell);
      execution.executionOrder = ++order;
      execution.start(Date.now());
      try {
        const run = await runCell(connection.requireClient(), cell.document.getText());
        const title = `Cell ${cell.index + 1}${run.savedAs ? ` → ${run.savedAs}` : ''}`;
        for (const id of resultIds(cell)) closeResult(id);
        results.set(run.result.id, { result: run.result, title });
        await execution.replaceOutput(outputsOf(run.result, title, run.ms, run.summary, run.savedAs));
        log.info('notebook.cell.ran', { cell: cell.index, id: run.result.id, rows: run.result.rowCount, ms: run.ms, savedAs: run.savedAs });
        execution.end(true, Date.now());
      } catch (error) {
        log.warn('notebook.cell.failed', { cell: cell.index, error });
        await execution.replaceOutput(new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'Framegate', message: errorText(cell, error) })]));
        execution.end(false, Date.now());
      }
    }
  };

  /** Frees a result that is no longer shown (its cell ran again, or the notebook closed). */
  const closeResult = (id: string): void => {
    results.get(id)?.session?.dispose();
    const client = connection.client;
    if (results.delete(id) && client && !client.closed) void client.request(Methods.closeResult, { id }).catch(() => undefined);
  };

  const sessionFor = (gridId: string, editor: vscode.NotebookEditor): GridSession | undefined => {
    const entry = results.get(gridId);
    if (!entry) return undefined;
    entry.session ??= new GridSession({
      source: { kind: 'result', id: gridId },
      title: entry.title,
      result: entry.result,
      client: () => connection.requireClient(),
      post: (message) => messaging.postMessage(forRenderer(gridId, message), editor),
      log,
      writeClipboard: (text) => vscode.env.clipboard.writeText(text),
    });
    return entry.session;
  };

  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new Serializer(), { transientOutputs: false }),
    controller,
    messaging.onDidReceiveMessage(({ editor, message }) => {
      const { gridId, message: inner } = (message ?? {}) as Partial<RendererToExtension>;
      if (typeof gridId !== 'string') return;
      const session = sessionFor(gridId, editor);
      if (session) void session.handle(inner);
      else void messaging.postMessage({ gridId, message: { type: 'error', message: 'This result is no longer on the gateway: run the cell again.' } }, editor);
    }),
    connection.onDidConnect(() => {
      // Results lived in the old gateway session.
      for (const entry of results.values()) entry.session?.dispose();
      results.clear();
    }),
    vscode.workspace.onDidCloseNotebookDocument((notebook) => {
      for (const cell of notebook.getCells()) for (const id of resultIds(cell)) closeResult(id);
    }),
  );
}
