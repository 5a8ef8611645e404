/**
 * Adapter: grid webview panels. One panel per previewed frame (reused); results reuse the
 * unpinned panel of their origin (grid-reuse.ts) unless the user pinned it. A result replaced in
 * its panel, or whose panel closes, is freed on the gateway (`query/close`).
 */
import * as vscode from 'vscode';
import { Methods, type GatewayEvent, type ResultInfo } from '../protocol';
import type { GridState } from '../webview/messages';
import type { GridOpener, GridTarget } from './commands';
import type { ConnectionManager } from './connection';
import { gridEffect } from './grid-events';
import { canPin, reusablePanel } from './grid-reuse';
import { GridSession } from './grid-session';
import type { Logger } from './log';
import { renderWebviewHtml } from './webview-html';

export const GRID_VIEW_TYPE = 'framegate.grid';
/** Context key: a result panel is open (enables "Save Result As…" in the palette). */
const HAS_RESULT_CONTEXT = 'framegate.hasResult';

class OpenGrid {
  pinned = false;
  /** Replaced when the panel is reused for another result. */
  session: GridSession;

  constructor(
    readonly panel: vscode.WebviewPanel,
    public target: GridTarget,
    createSession: (grid: OpenGrid) => GridSession,
  ) {
    this.session = createSession(this);
  }
}

export interface GridPanelsOptions {
  extensionUri: vscode.Uri;
  connection: ConnectionManager;
  log: Logger;
  showError(message: string): void;
  /** The webview's "Save as…" button; resolves to the saved frame's name, or undefined. */
  saveResult(result: ResultInfo): Promise<string | undefined>;
  /** "Run Again" on a result that is gone: runs `sql` as a new result (undefined: it failed, and said so). */
  rerun(sql: string): Promise<ResultInfo | undefined>;
}

export class GridPanels implements GridOpener, vscode.Disposable {
  private readonly grids = new Set<OpenGrid>();
  private lastActiveResult: OpenGrid | undefined;

  constructor(private readonly options: GridPanelsOptions) {}

  /** What the open grids show (tests and the electron suite look at it). */
  get openTargets(): GridTarget[] {
    return [...this.grids].map((g) => g.target);
  }

  activeTarget(): GridTarget | undefined {
    return [...this.grids].find((g) => g.panel.active)?.target;
  }

  activeResult(): ResultInfo | undefined {
    const active = [...this.grids].find((g) => g.panel.active && g.target.result);
    return (active ?? this.lastActiveResult)?.target.result;
  }

  /**
   * Opens a grid: reveals (and reloads) the panel already showing that frame, shows a result in
   * the unpinned panel of its origin, or opens a new panel.
   */
  async open(target: GridTarget): Promise<void> {
    const existing = reusablePanel(this.grids, target);
    if (existing) {
      if (existing.target.result && existing.target.result.id !== target.result?.id) this.replace(existing, target);
      existing.panel.reveal(undefined, target.beside);
      await existing.session.showLatest();
      return;
    }
    const column = target.beside ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(GRID_VIEW_TYPE, target.title, column, this.webviewOptions());
    this.adopt(panel, target);
    this.options.log.info('grid.opened', { source: target.source, title: target.title });
  }

  /**
   * A panel VS Code kept across a window reload (WebviewPanelSerializer): a frame's preview shows
   * it again; a result, which lived in the gateway session of the old window, offers Run Again.
   */
  restore(panel: vscode.WebviewPanel, state: GridState): void {
    const target: GridTarget = state.sql
      ? { source: state.source, title: state.title, result: { id: state.source.kind === 'result' ? state.source.id : '', columns: [], rowCount: 0, sql: state.sql }, origin: { kind: 'sql' }, lost: true }
      : { source: state.source, title: state.title };
    panel.webview.options = this.webviewOptions();
    this.adopt(panel, target);
    this.options.log.info('grid.restored', { source: target.source, title: target.title });
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [vscode.Uri.joinPath(this.options.extensionUri, 'dist')] };
  }

  private adopt(panel: vscode.WebviewPanel, target: GridTarget): void {
    const dist = vscode.Uri.joinPath(this.options.extensionUri, 'dist');
    const grid = new OpenGrid(panel, target, (g) => this.createSession(g));
    this.grids.add(grid);
    if (target.result) this.lastActiveResult = grid;
    this.updateContext();
    // Always the panel's current session: a reused panel gets a new one.
    panel.webview.onDidReceiveMessage((message: unknown) => void grid.session.handle(message));
    panel.onDidChangeViewState(() => {
      if (panel.active && grid.target.result) this.lastActiveResult = grid;
    });
    panel.onDidDispose(() => this.disposed(grid));
    panel.webview.html = renderWebviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
  }

  /** Runs a lost result's query again and shows the new result in the same panel. */
  private async rerun(grid: OpenGrid): Promise<void> {
    const sql = grid.target.result?.sql;
    if (!sql) return;
    const result = await this.options.rerun(sql);
    if (!result || !this.grids.has(grid)) return;
    this.replace(grid, { ...grid.target, source: { kind: 'result', id: result.id }, result, lost: false });
    await grid.session.sendInit();
  }

  private createSession(grid: OpenGrid): GridSession {
    const { target, panel } = grid;
    return new GridSession({
      source: target.source,
      title: target.title,
      result: target.result,
      resultLost: target.lost ?? false,
      client: () => this.options.connection.requireClient(),
      post: (message) => panel.webview.postMessage(message),
      log: this.options.log,
      onError: (message) => this.options.showError(message),
      onSaveAs: () => void this.saveFromPanel(grid),
      onRerun: () => void this.rerun(grid),
      onPin: () => {
        grid.pinned = true;
        this.options.log.info('grid.pinned', { source: grid.target.source });
      },
      canPin: () => canPin(grid),
      askChartName: (suggested) =>
        vscode.window.showInputBox({ title: 'Save Chart', prompt: 'Name of the chart (name or namespace.name); shared like a query', value: suggested, ignoreFocusOut: true }),
      onStay: (name) => {
        // Now a grid of NAME@N: a Preview of NAME opens another panel.
        grid.target = { ...grid.target, source: { kind: 'frame', name }, title: name };
        panel.title = name;
      },
      // The extension writes the clipboard: navigator.clipboard is not available in every host.
      writeClipboard: (text) => vscode.env.clipboard.writeText(text),
    });
  }

  /** Shows `target` in the panel of `grid` instead of its result, which is freed. */
  private replace(grid: OpenGrid, target: GridTarget): void {
    const old = grid.target.lost ? undefined : grid.target.result;
    grid.session.dispose();
    grid.target = target;
    grid.session = this.createSession(grid);
    grid.panel.title = target.title;
    if (old) this.closeResult(old.id);
    this.options.log.info('grid.reused', { source: target.source, title: target.title });
  }

  private async saveFromPanel(grid: OpenGrid): Promise<void> {
    if (!grid.target.result || grid.session.isGone) return;
    const saved = await this.options.saveResult(grid.target.result);
    if (saved) await grid.panel.webview.postMessage({ type: 'status', message: `Saved as ${saved}` });
  }

  private disposed(grid: OpenGrid): void {
    // Replies still being prepared must not be posted to the disposed webview (that throws).
    grid.session.dispose();
    this.grids.delete(grid);
    if (this.lastActiveResult === grid) this.lastActiveResult = undefined;
    this.updateContext();
    if (grid.target.result && !grid.session.isGone) this.closeResult(grid.target.result.id);
  }

  private closeResult(id: string): void {
    const client = this.options.connection.client;
    if (!client || client.closed) return;
    client.request(Methods.closeResult, { id }).then(
      () => this.options.log.info('result.closed', { id }),
      (error: unknown) => this.options.log.warn('result.close.failed', { id, error }),
    );
  }

  /**
   * A live event: previews of a frame with a new version offer it; grids of what is gone say so
   * (and read nothing more). Resolves to what to tell the user of those grids.
   */
  async applyEvent(event: GatewayEvent): Promise<string[]> {
    const closed: string[] = [];
    await Promise.all(
      [...this.grids].map(async (grid) => {
        const effect = gridEffect(grid.target.source, event);
        if (effect?.kind === 'check') return grid.session.sendInit();
        if (effect?.kind === 'gone') {
          closed.push(effect.message);
          // The live event's pop-up tells the user; the grid itself shows the message.
          await grid.session.markGone(effect.message, { tell: false });
        }
      }),
    );
    return closed;
  }

  /** After a reconnect: frame grids reload; results died with the old session and offer Run Again. */
  async reconnected(): Promise<void> {
    await Promise.all([...this.grids].map((g) => (g.target.result ? g.session.resultLost() : g.session.sendInit())));
  }

  private updateContext(): void {
    const hasResult = [...this.grids].some((g) => g.target.result);
    void vscode.commands.executeCommand('setContext', HAS_RESULT_CONTEXT, hasResult);
  }

  dispose(): void {
    for (const grid of [...this.grids]) grid.panel.dispose();
  }
}
