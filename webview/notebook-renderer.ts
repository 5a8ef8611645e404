/**
 * The notebook renderer: a cell's result as the same virtual grid as the grid panel (grid.ts,
 * grid-input.ts, sort-bar.ts, context-menu.ts), inline in the cell output. Each output mounts in
 * a shadow root of its own (the grid's ids and styles stay per output; styles are constructed
 * sheets, which no CSP blocks), and fetches windows from the extension through renderer
 * messaging, so a 10M-row result scrolls to its end loading only the windows on screen.
 */
import regularTableCss from 'regular-table/dist/css/sub-cell-scrolling.css';
import gridCss from './grid.css';
import type { RegularTableElement } from 'regular-table';
import type { CopyFormat } from './clipboard-text';
import { createContextMenu } from './context-menu';
import { copySelection } from './copy';
import { DomIds, READY_ATTRIBUTE } from './dom-ids';
import { CancelledError, Grid, type WindowFetch } from './grid';
import { attachInput } from './grid-input';
import type { WebviewToExtension, WindowReplyMessage } from './messages';
import type { ExtensionToRenderer, RendererToExtension, ResultOutput } from './notebook-messages';
import { selectAll } from './selection';
import { createSortBar } from './sort-bar';

/** The parts of VS Code's renderer API used here (vscode-notebook-renderer). */
interface OutputItem {
  id: string;
  json(): unknown;
}
interface RendererContext {
  postMessage?(message: RendererToExtension): void;
  onDidReceiveMessage?(listener: (message: ExtensionToRenderer) => void): { dispose(): void };
}

const OUTPUT_CSS = `
:host { display: block; }
.fg-output { display: flex; flex-direction: column; height: 360px; resize: vertical; overflow: hidden;
  color: var(--vscode-foreground); font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px); }
.fg-summary { white-space: pre; font-family: var(--vscode-editor-font-family, monospace); margin: 4px 8px; }
`;

let sheets: CSSStyleSheet[] | undefined;
function styleSheets(): CSSStyleSheet[] {
  sheets ??= [regularTableCss as string, gridCss as string, OUTPUT_CSS].map((text) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    return sheet;
  });
  return sheets;
}

function make<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text) element.textContent = text;
  return element;
}

interface Mounted {
  dispose(): void;
  receive(message: ExtensionToRenderer['message']): void;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function mount(host: HTMLElement, output: ResultOutput, post: (message: WebviewToExtension) => void): Mounted {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  root.replaceChildren();
  root.adoptedStyleSheets = styleSheets();
  const box = make('div', { class: 'fg-output', [READY_ATTRIBUTE]: 'loading' });
  const toolbar = make('div', { id: DomIds.toolbar, role: 'toolbar' });
  const title = make('span', { id: DomIds.title }, output.title);
  const rowCount = make('span', { id: DomIds.rowCount });
  const status = make('span', { id: DomIds.status, role: 'status' }, `${output.ms.toLocaleString('en-US')} ms${output.savedAs ? ` · saved as ${output.savedAs}` : ''}`);
  toolbar.append(title, rowCount, status);
  const sortBar = make('div', { id: DomIds.sortBar, hidden: '' });
  const chips = make('span', { id: DomIds.sortChips });
  const sortSql = make('code', { id: DomIds.sortSql });
  const copySortSql = make('button', { id: DomIds.copySortSql, type: 'button' }, 'Copy SQL');
  sortBar.append(make('span', { class: 'fg-sort-label' }, 'Sorted by'), chips, sortSql, copySortSql);
  const gridHost = make('div', { class: 'fg-grid-host' });
  const table = make('regular-table' as keyof HTMLElementTagNameMap, { id: DomIds.grid, tabindex: '0', 'aria-label': 'Data grid' }) as unknown as RegularTableElement;
  gridHost.append(table);
  const menu = make('div', { id: DomIds.menu, role: 'menu', hidden: '' });
  for (const [action, label] of [['tsv', 'Copy'], ['csv', 'Copy as CSV'], ['markdown', 'Copy as Markdown'], ['select-all', 'Select All']] as const) {
    menu.append(make('button', { type: 'button', role: 'menuitem', 'data-action': action }, label));
  }
  box.append(toolbar, sortBar, gridHost, menu);
  root.append(box);

  const showStatus = (message: string, isError: boolean): void => {
    status.textContent = message;
    status.title = message;
    status.classList.toggle('fg-error', isError);
  };
  const pending = new Map<number, { resolve(reply: WindowReplyMessage): void; reject(error: Error): void }>();
  let nextRequestId = 1;
  const fetchWindow = (request: WindowFetch): Promise<WindowReplyMessage> =>
    new Promise((resolve, reject) => {
      const requestId = nextRequestId++;
      pending.set(requestId, { resolve, reject });
      post({ type: 'window', requestId, ...request });
    });
  const copyText = (text: string, description: string): void => post({ type: 'copy', text, description });
  const updateSortBar = createSortBar({ bar: sortBar, chips, sql: sortSql, copySql: copySortSql, setSort: (sort) => void grid.setSort(sort), copyText });
  const grid: Grid = new Grid(table, {
    fetchWindow,
    locale: navigator.language,
    onDrawn({ rowCount: rows }) {
      rowCount.textContent = `${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}`;
      rowCount.dataset.rowCount = String(rows);
      box.setAttribute(READY_ATTRIBUTE, 'ready');
    },
    onSortChange: updateSortBar,
    onError: (error) => showStatus(error instanceof Error ? error.message : String(error), true),
  });
  const copy = (format: CopyFormat): void =>
    void copySelection(grid, format, { fetchWindow, write: copyText, status: showStatus }).catch((error: unknown) => showStatus(`Copy failed: ${String(error)}`, true));
  const contextMenu = createContextMenu(menu, (action) => {
    if (action === 'select-all') void grid.select(selectAll(grid.selection));
    else copy(action);
    table.focus({ preventScroll: true });
  });
  const detachInput = attachInput(grid, { copy: () => copy('tsv'), contextMenu: (x, y) => contextMenu.open(x, y) });
  const cancelPending = (): void => {
    for (const request of pending.values()) request.reject(new CancelledError());
    pending.clear();
  };

  return {
    receive(message) {
      switch (message.type) {
        case 'init':
          cancelPending();
          void grid.setSource(message);
          break;
        case 'window': {
          const { ipcBase64, ...reply } = message;
          pending.get(message.requestId)?.resolve({ ...reply, ipc: decodeBase64(ipcBase64) });
          pending.delete(message.requestId);
          break;
        }
        case 'error': {
          const request = message.requestId === undefined ? undefined : pending.get(message.requestId);
          if (request && message.requestId !== undefined) {
            pending.delete(message.requestId);
            request.reject(new Error(message.message));
          } else {
            // The live result is gone (the gateway connection was re-established): show what the notebook kept.
            gridHost.replaceChildren(make('div', { class: 'fg-summary' }, output.summary));
            box.setAttribute(READY_ATTRIBUTE, 'ready');
          }
          showStatus(message.message, true);
          break;
        }
        case 'status':
          showStatus(message.message, false);
          break;
      }
    },
    dispose() {
      grid.dispose();
      cancelPending();
      detachInput();
    },
  };
}

export function activate(context: RendererContext): { renderOutputItem(item: OutputItem, element: HTMLElement): void; disposeOutputItem(id?: string): void } {
  const grids = new Map<string, { gridId: string; mounted: Mounted }>();
  context.onDidReceiveMessage?.((message) => {
    for (const entry of grids.values()) if (entry.gridId === message.gridId) entry.mounted.receive(message.message);
  });
  return {
    renderOutputItem(item, element) {
      grids.get(item.id)?.mounted.dispose();
      const output = item.json() as ResultOutput;
      const post = (message: WebviewToExtension): void => context.postMessage?.({ gridId: output.resultId, message });
      const mounted = mount(element, output, post);
      grids.set(item.id, { gridId: output.resultId, mounted });
      if (!context.postMessage) mounted.receive({ type: 'error', message: 'this view cannot talk to the extension' });
      else post({ type: 'ready' });
    },
    disposeOutputItem(id) {
      for (const [key, entry] of grids) {
        if (id !== undefined && key !== id) continue;
        entry.mounted.dispose();
        grids.delete(key);
      }
    },
  };
}
