/**
 * Webview entry: wires the grid to the extension. Everything it shows arrives by postMessage
 * (the HTML is a static skeleton); rows arrive as Arrow IPC bytes.
 */
import 'regular-table/dist/css/sub-cell-scrolling.css';
import './grid.css';
import type { RegularTableElement } from 'regular-table';
import { DomIds, READY_ATTRIBUTE } from './dom-ids';
import { Grid } from './grid';
import type { ExtensionToWebview, GridInit, WebviewToExtension, WindowReplyMessage } from './messages';

interface VsCodeApi {
  postMessage(message: WebviewToExtension): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the grid page has no #${id}`);
  return found as T;
}

const title = element(DomIds.title);
const rowCount = element(DomIds.rowCount);
const saveButton = element<HTMLButtonElement>(DomIds.saveButton);
const status = element(DomIds.status);
const table = element<RegularTableElement>(DomIds.grid);

function showStatus(message: string, isError: boolean): void {
  status.textContent = message;
  status.title = message;
  status.classList.toggle('fg-error', isError);
}

function showRowCount(rows: number): void {
  rowCount.textContent = `${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}`;
  rowCount.dataset.rowCount = String(rows);
}

const pending = new Map<number, { resolve(reply: WindowReplyMessage): void; reject(error: Error): void }>();
let nextRequestId = 1;

const grid = new Grid(table, {
  fetchWindow(request) {
    const requestId = nextRequestId++;
    return new Promise<WindowReplyMessage>((resolve, reject) => {
      pending.set(requestId, { resolve, reject });
      vscode.postMessage({ type: 'window', requestId, ...request });
    });
  },
  onDrawn({ rowCount: rows }) {
    showRowCount(rows);
    document.body.setAttribute(READY_ATTRIBUTE, 'ready');
  },
  onError(error) {
    showStatus(error instanceof Error ? error.message : String(error), true);
  },
});

async function init(message: GridInit): Promise<void> {
  document.body.setAttribute(READY_ATTRIBUTE, 'loading');
  title.textContent = message.title;
  title.title = message.title;
  saveButton.hidden = !message.canSave;
  showRowCount(message.rowCount);
  showStatus('', false);
  await grid.setSource(message);
}

window.addEventListener('message', (event: MessageEvent<ExtensionToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      void init(message);
      break;
    case 'window': {
      const request = pending.get(message.requestId);
      pending.delete(message.requestId);
      request?.resolve(message);
      break;
    }
    case 'error': {
      const request = message.requestId === undefined ? undefined : pending.get(message.requestId);
      if (request && message.requestId !== undefined) {
        pending.delete(message.requestId);
        request.reject(new Error(message.message));
      }
      showStatus(message.message, true);
      break;
    }
    case 'status':
      showStatus(message.message, false);
      break;
  }
});

saveButton.addEventListener('click', () => vscode.postMessage({ type: 'saveAs' }));
vscode.postMessage({ type: 'ready' });
