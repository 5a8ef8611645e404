/**
 * Adapter: grid webview panels. One panel per previewed frame (reused); results reuse the
 * unpinned panel of their origin (grid-reuse.ts) unless the user pinned it. A result replaced in
 * its panel, or whose panel closes, is freed on the gateway (`query/close`).
 */
import * as vscode from 'vscode';
import { Methods, type GatewayEvent, type ResultInfo } from '../protocol';
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
}

export class GridPanels implements GridOpener, vscode.Disposable {
  private readonly grids = new Set<OpenGrid>();
  private lastActiveResult: OpenGrid | undefined;

  constructor(private readonly options: GridPanelsOptions) {}

  /** What the open grids show (tests and the electron suite look at it). */
  get openTargets(): GridTarget[] {
    return [...this.grids].map((g) => g.target);
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
      existing.panel.reveal();
      await existing.session.showLatest();
      return;
    }
    const dist = vscode.Uri.joinPath(this.options.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel(GRID_VIEW_TYPE, target.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist],
    });
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
    this.options.log.info('grid.opened', { source: target.source, title: target.title });
  }

  private createSession(grid: OpenGrid): GridSession {
    const { target, panel } = grid;
    return new GridSession({
      source: target.source,
      title: target.title,
      result: target.result,
      client: () => this.options.connection.requireClient(),
      post: (message) => panel.webview.postMessage(message),
      log: this.options.log,
      onError: (message) => this.options.showError(message),
      onSaveAs: () => void this.saveFromPanel(grid),
      onPin: () => {
        grid.pinned = true;
        this.options.log.info('grid.pinned', { source: grid.target.source });
      },
      canPin: () => canPin(grid),
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
    const old = grid.target.result;
    grid.session.dispose();
    grid.target = target;
    grid.session = this.createSession(grid);
    grid.panel.title = target.title;
    if (old) this.closeResult(old.id);
    this.options.log.info('grid.reused', { source: target.source, title: target.title });
  }

  private async saveFromPanel(grid: OpenGrid): Promise<void> {
    if (!grid.target.result) return;
    const saved = await this.options.saveResult(grid.target.result);
    if (saved) await grid.panel.webview.postMessage({ type: 'status', message: `Saved as ${saved}` });
  }

  private disposed(grid: OpenGrid): void {
    // Replies still being prepared must not be posted to the disposed webview (that throws).
    grid.session.dispose();
    this.grids.delete(grid);
    if (this.lastActiveResult === grid) this.lastActiveResult = undefined;
    this.updateContext();
    if (grid.target.result) this.closeResult(grid.target.result.id);
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
   * A live event: previews of a frame with a new version offer it; grids of what is gone close.
   * Resolves to what to tell the user of the grids it closed.
   */
  async applyEvent(event: GatewayEvent): Promise<string[]> {
    const closed: string[] = [];
    await Promise.all(
      [...this.grids].map(async (grid) => {
        const effect = gridEffect(grid.target.source, event);
        if (effect?.kind === 'check') return grid.session.sendInit();
        if (effect?.kind === 'close') {
          closed.push(effect.message);
          this.options.log.info('grid.closed', { source: grid.target.source, event: event.type });
          grid.panel.dispose();
        }
      }),
    );
    return closed;
  }

  /** After a reconnect: frame grids reload; results died with the old session. */
  async reconnected(): Promise<void> {
    await Promise.all(
      [...this.grids].map((g) =>
        g.target.result
          ? g.panel.webview.postMessage({ type: 'error', message: 'The gateway connection was re-established; this result is gone. Run the query again.' })
          : g.session.sendInit(),
      ),
    );
  }

  private updateContext(): void {
    const hasResult = [...this.grids].some((g) => g.target.result);
    void vscode.commands.executeCommand('setContext', HAS_RESULT_CONTEXT, hasResult);
  }

  dispose(): void {
    for (const grid of [...this.grids]) grid.panel.dispose();
  }
}
