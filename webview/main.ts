/**
 * Webview entry: wires the grid to the extension. Everything it shows arrives by postMessage
 * (the HTML is a static skeleton); rows arrive as Arrow IPC bytes.
 */
import 'regular-table/dist/css/sub-cell-scrolling.css';
import './grid.css';
import type { RegularTableElement } from 'regular-table';
import type { CopyFormat } from './clipboard-text';
import { defaultChart } from './chart-spec';
import { createChartView } from './chart-view';
import { createColumnMenu } from './column-menu';
import { createContextMenu } from './context-menu';
import { copySelection } from './copy';
import { DomIds, READY_ATTRIBUTE } from './dom-ids';
import { CancelledError, Grid, type WindowFetch } from './grid';
import { attachInput } from './grid-input';
import { createNestedPopover } from './nested-popover';
import type { ExtensionToWebview, GridInit, GridState, WebviewToExtension, WindowReplyMessage } from './messages';
import { selectAll } from './selection';
import { createProfilePanel } from './profile-panel';
import { createFilterBar } from './filter-bar';
import { withFilter } from './filters';
import { createSortBar } from './sort-bar';
import { createVersionBanner } from './version-banner';

interface VsCodeApi {
  postMessage(message: WebviewToExtension): void;
  /** Kept by VS Code across a window reload and handed to the extension's panel serializer. */
  setState(state: GridState): void;
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
const pinButton = element<HTMLButtonElement>(DomIds.pinButton);
const rerunButton = element<HTMLButtonElement>(DomIds.rerunButton);
const status = element(DomIds.status);
const summaryButton = element<HTMLButtonElement>(DomIds.summaryButton);
const summary = element(DomIds.summary);
const profilePanel = createProfilePanel(summary, navigator.language);
/** Asked for once per source, after its first draw. */
let profileAsked = false;
const table = element<RegularTableElement>(DomIds.grid);
const versionBanner = createVersionBanner({ title, post: (message) => vscode.postMessage(message) });

function showStatus(message: string, isError: boolean): void {
  status.textContent = message;
  status.title = message;
  status.classList.toggle('fg-error', isError);
}

function showRowCount(rows: number): void {
  rowCount.textContent = `${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}`;
  rowCount.dataset.rowCount = String(rows);
}

/** Window requests waiting for the extension; a new source or leaving the page cancels them. */
const pending = new Map<number, { resolve(reply: WindowReplyMessage): void; reject(error: Error): void }>();
let nextRequestId = 1;

function cancelPending(): void {
  for (const request of pending.values()) request.reject(new CancelledError());
  pending.clear();
}

function fetchWindow(request: WindowFetch): Promise<WindowReplyMessage> {
  const requestId = nextRequestId++;
  return new Promise<WindowReplyMessage>((resolve, reject) => {
    pending.set(requestId, { resolve, reject });
    vscode.postMessage({ type: 'window', requestId, ...request });
  });
}

function copyText(text: string, description: string): void {
  vscode.postMessage({ type: 'copy', text, description });
}

const updateSortBar = createSortBar({
  bar: element(DomIds.sortBar),
  chips: element(DomIds.sortChips),
  sql: element(DomIds.sortSql),
  copySql: element<HTMLButtonElement>(DomIds.copySortSql),
  setSort: (sort) => void grid.setSort(sort),
  copyText,
});

const filterBar = createFilterBar({
  bar: element(DomIds.filterBar),
  chips: element(DomIds.filterChips),
  sql: element(DomIds.viewSql),
  copySql: element<HTMLButtonElement>(DomIds.copyViewSql),
  setFilters: (filters) => void grid.setFilters(filters),
  copyText,
});

const chartView = createChartView({
  panel: element(DomIds.chart),
  title: element(DomIds.chartTitle),
  note: element(DomIds.chartNote),
  canvas: element<HTMLCanvasElement>(DomIds.chartCanvas),
  save: element<HTMLButtonElement>(DomIds.saveChart),
  close: element<HTMLButtonElement>(DomIds.closeChart),
  locale: navigator.language,
  onSave: () => vscode.postMessage({ type: 'saveChart' }),
});

const grid: Grid = new Grid(table, {
  fetchWindow,
  locale: navigator.language,
  onDrawn({ rowCount: rows }) {
    showRowCount(rows);
    if (!profileAsked && grid.columnInfo.length > 0) {
      profileAsked = true;
      vscode.postMessage({ type: 'profile' });
    }
    if (document.body.getAttribute(READY_ATTRIBUTE) !== 'gone') document.body.setAttribute(READY_ATTRIBUTE, 'ready');
  },
  onSortChange: updateSortBar,
  onFiltersChange: (filters) => filterBar.showFilters(filters),
  onViewSql: (sql) => filterBar.showSql(grid.currentFilters.length > 0 ? sql : undefined),
  onError(error) {
    showStatus(error instanceof Error ? error.message : String(error), true);
  },
});

function copy(format: CopyFormat): void {
  copySelection(grid, format, { fetchWindow, write: copyText, status: showStatus }).catch((error: unknown) =>
    showStatus(`Copy failed: ${error instanceof Error ? error.message : String(error)}`, true),
  );
}

const menu = createContextMenu(element(DomIds.menu), (action) => {
  if (action === 'select-all') void grid.select(selectAll(grid.selection));
  else copy(action);
  table.focus({ preventScroll: true });
});

function showSummary(visible: boolean): void {
  summary.hidden = !visible;
  summaryButton.setAttribute('aria-pressed', String(visible));
}

const columnMenu = createColumnMenu({
  menu: element(DomIds.columnMenu),
  form: element<HTMLFormElement>(DomIds.filterForm),
  column: (name) => grid.columnInfo.find((c) => c.name === name),
  profile: (name) => grid.profileOf(name),
  filter: (filter) => void grid.setFilters(withFilter(grid.currentFilters, filter)),
  chart: (column) => {
    const spec = defaultChart(column);
    chartView.pending(spec);
    vscode.postMessage({ type: 'chart', spec, filters: grid.currentFilters });
  },
});

const nestedPopover = createNestedPopover(document, () => grid.table.focus({ preventScroll: true }));
const detachInput = attachInput(grid, {
  expand: (json, title, at) => nestedPopover.open(json, title, at),
  copy: () => copy('tsv'),
  contextMenu: (x, y) => menu.open(x, y),
  columnMenu: (x, y, column) => {
    menu.close();
    columnMenu.open(x, y, column);
  },
  showProfile: (column) => {
    showSummary(true);
    profilePanel.focus(column);
  },
});

async function init(message: GridInit): Promise<void> {
  document.body.setAttribute(READY_ATTRIBUTE, 'loading');
  cancelPending();
  menu.close();
  columnMenu.close();
  chartView.hide();
  title.textContent = message.title;
  title.title = message.title;
  saveButton.hidden = !message.canSave;
  pinButton.hidden = !message.canPin;
  pinButton.disabled = false;
  pinButton.textContent = 'Pin';
  rerunButton.hidden = true;
  showRowCount(message.rowCount);
  showStatus('', false);
  versionBanner.reset();
  profileAsked = false;
  profilePanel.show('Computing the column profiles on the gateway…');
  vscode.setState({ source: message.source, title: message.title, ...(message.sql ? { sql: message.sql } : {}) });
  await grid.setSource(message);
}

/** What the grid showed is gone: empty it, say why, offer Run Again for a result. */
async function gone(message: string, canRerun: boolean): Promise<void> {
  cancelPending();
  menu.close();
  saveButton.hidden = true;
  pinButton.hidden = true;
  rerunButton.hidden = !canRerun;
  rerunButton.disabled = false;
  showRowCount(0);
  showStatus(message, true);
  profilePanel.show(message);
  await grid.clear();
  document.body.setAttribute(READY_ATTRIBUTE, 'gone');
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
    case 'version':
      versionBanner.show(message);
      break;
    case 'gone':
      void gone(message.message, message.canRerun);
      break;
    case 'profile':
      profilePanel.show(message.profile);
      void grid.setProfiles(message.profile.columns);
      break;
    case 'chart':
      chartView.show(message.data);
      break;
    case 'chartError':
      chartView.error(message.message);
      break;
    case 'profileError':
      profilePanel.show(`No profile: ${message.message}`);
      void grid.setProfiles(undefined);
      break;
  }
});

// Leaving the page (the panel closes): stop fetching and drawing.
window.addEventListener('pagehide', () => {
  grid.dispose();
  cancelPending();
  detachInput();
});

saveButton.addEventListener('click', () => vscode.postMessage({ type: 'saveAs' }));
summaryButton.addEventListener('click', () => showSummary(summaryButton.getAttribute('aria-pressed') !== 'true'));
rerunButton.addEventListener('click', () => {
  rerunButton.disabled = true;
  showStatus('Running the query again…', false);
  vscode.postMessage({ type: 'rerun' });
});
pinButton.addEventListener('click', () => {
  vscode.postMessage({ type: 'pin' });
  pinButton.disabled = true;
  pinButton.textContent = 'Pinned';
});
vscode.postMessage({ type: 'ready' });
