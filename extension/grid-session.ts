/**
 * One grid panel's conversation with its webview, without `vscode`: answers `ready` with the
 * source's schema and `window` requests with Arrow bytes from `data/window`. A frame's preview
 * reads the one version it shows (frame-version.ts) and says when a newer one exists.
 */
import { ErrorCodes, MAX_WINDOW_ROWS, Methods, type ChartSpec, type ColumnFilter, type ColumnInfo, type Source } from '../protocol';
import type { ChartRequestMessage, ExtensionToWebview, WebviewToExtension } from '../webview/messages';
import { parseWebviewMessage } from '../webview/messages';
import type { Gateway } from './connection';
import { describeError, isFramegateError, userMessage } from './errors';
import { FrameVersions } from './frame-version';
import type { Logger } from './log';

/**
 * A plain Uint8Array copy of `bytes`. VS Code serializes webview messages with JSON.stringify and
 * a replacer that lifts out typed arrays, but a Node Buffer's toJSON runs first and would turn the
 * bytes into a JSON array; a copy also avoids sending the rest of a pooled or larger buffer.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

export interface GridSessionOptions {
  source: Source;
  title: string;
  /** Known up front for results (the gateway has no schema call for them). */
  result?: { columns: ColumnInfo[]; rowCount: number; sql?: string };
  /** The result is already gone when the panel opens (restored after a window reload). */
  resultLost?: boolean;
  client(): Gateway;
  post(message: ExtensionToWebview): PromiseLike<boolean> | void;
  log: Logger;
  /** The user pressed the webview's "Save as…". */
  onSaveAs?(): void;
  /** The user pressed the webview's "Pin". */
  onPin?(): void;
  /** The user pressed "Run Again" on a result that is gone. */
  onRerun?(): void;
  /** Writes the clipboard (`vscode.env.clipboard.writeText`); the webview cannot in every host. */
  writeClipboard?(text: string): PromiseLike<void>;
  /** Whether init tells the webview to offer "Pin" (a result in a reused panel). */
  canPin?(): boolean;
  /** A failure the user should see as a VS Code error (not per-window errors: they show in the grid). */
  onError?(message: string): void;
  /** The user chose "Stay on vN": the grid now shows `NAME@N` for good. */
  onStay?(name: string): void;
  /** Asks the name to save the chart shown under ("Save Chart…"); undefined: cancelled. */
  askChartName?(suggested: string): PromiseLike<string | undefined>;
}

/** What a panel tells when its result went with the gateway session that held it. */
export const RESULT_LOST = 'This result is gone: it lived in a gateway session that ended (the gateway restarted, or the window was reloaded). Run Again runs its query once more.';

export class GridSession {
  private lastWindowError: string | undefined;
  private disposed = false;
  /** Set once what the grid shows is gone: no more windows are asked for, no error repeats. */
  private goneMessage: string | undefined;
  /** Messages being handled, so `settled()` can wait for their replies. */
  private readonly inflight = new Set<Promise<void>>();
  /** For a frame: the version shown. */
  private readonly versions: FrameVersions | undefined;
  /** The chart shown last: what Save Chart saves (the frame version it was drawn from, spec and filters). */
  private chartShown: { source: Source; spec: ChartSpec; filters: ColumnFilter[] } | undefined;

  constructor(private readonly options: GridSessionOptions) {
    this.versions = options.source.kind === 'frame' ? new FrameVersions(options.source.name) : undefined;
  }

  get source(): Source {
    return this.options.source;
  }

  /** Whether what the panel shows is gone (deleted frame, lost result). */
  get isGone(): boolean {
    return this.goneMessage !== undefined;
  }

  /**
   * Empties the grid with `message` instead of rows; a result offers Run Again. The user hears of
   * it once (a VS Code message the first time only), however often it is found again.
   */
  async markGone(message: string, { tell = true }: { tell?: boolean } = {}): Promise<void> {
    const first = this.goneMessage === undefined && tell;
    this.goneMessage = message;
    this.options.log.info('grid.gone', { source: this.options.source, message });
    await this.post({ type: 'gone', message, canRerun: this.options.source.kind === 'result' && this.options.result?.sql !== undefined });
    if (first && this.options.source.kind === 'frame') this.options.onError?.(`Framegate: ${message}`);
  }

  /** The result died with the gateway session (the connection was re-established). */
  resultLost(): Promise<void> {
    return this.markGone(RESULT_LOST);
  }

  /** What windows, profiles and exports read: for a preview, exactly the version shown. */
  private readSource(): Source {
    return this.versions ? { kind: 'frame', name: this.versions.windowName() } : this.options.source;
  }

  /**
   * The panel is gone: replies still being prepared are dropped instead of posted to a disposed
   * webview (which throws), and new messages are ignored. `settled()` waits for those in flight.
   */
  dispose(): void {
    this.disposed = true;
  }

  /** Resolves once every message handed to `handle` so far is done (replied to or dropped). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Handles one raw message from the webview; resolves once the reply is posted. */
  handle(raw: unknown): Promise<void> {
    if (this.disposed) return Promise.resolve();
    const work = this.dispatch(raw);
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work)).catch(() => undefined);
    return work;
  }

  private async post(message: ExtensionToWebview): Promise<void> {
    if (!this.disposed) await this.options.post(message);
  }

  private async dispatch(raw: unknown): Promise<void> {
    const message: WebviewToExtension | undefined = parseWebviewMessage(raw);
    if (!message) {
      this.options.log.warn('webview.badMessage', { message: JSON.stringify(raw)?.slice(0, 200) });
      return;
    }
    switch (message.type) {
      case 'ready':
        return this.sendInit();
      case 'saveAs':
        this.options.onSaveAs?.();
        return;
      case 'pin':
        this.options.onPin?.();
        return;
      case 'reload':
        return this.showLatest();
      case 'stayOnVersion':
        return this.stay();
      case 'rerun':
        this.options.onRerun?.();
        return;
      case 'profile':
        return this.sendProfile();
      case 'copy':
        return this.copy(message.text, message.description);
      case 'window':
        return this.sendWindow(message);
      case 'chart':
        return this.sendChart(message);
      case 'saveChart':
        return this.saveChart();
    }
  }

  private async copy(text: string, description: string): Promise<void> {
    try {
      if (!this.options.writeClipboard) throw new Error('this host has no clipboard');
      await this.options.writeClipboard(text);
      await this.post({ type: 'status', message: `Copied ${description}` });
    } catch (error) {
      const message = `Copy failed: ${error instanceof Error ? error.message : String(error)}`;
      this.options.log.error('grid.copy.failed', { error });
      await this.post({ type: 'error', message });
    }
  }

  /** Shows the frame's latest version (Preview again, Reload). */
  showLatest(): Promise<void> {
    this.versions?.showLatest();
    return this.sendInit();
  }

  private async stay(): Promise<void> {
    const version = this.versions?.stay();
    if (!this.versions || version === undefined) return;
    const name = `${this.versions.base}@${version}`;
    this.options.log.info('grid.stayed', { name });
    this.options.onStay?.(name);
    return this.sendInit({ title: name });
  }

  /**
   * (Re)sends the schema: on `ready`, on reconnect, and when the frame changed on the gateway. A
   * frame's preview stays on the version it shows and says what is newer.
   */
  async sendInit({ title: newTitle }: { title?: string } = {}): Promise<void> {
    const { source, title } = this.options;
    if (source.kind === 'result' && (this.options.resultLost || this.goneMessage !== undefined)) return this.markGone(this.goneMessage ?? RESULT_LOST);
    try {
      if (this.versions) {
        const view = await this.versions.resolve(this.options.client());
        const { info } = view;
        this.goneMessage = undefined;
        // A grid pinned to one version is restored (after a window reload) as that version.
        await this.post({ type: 'init', title: newTitle ?? title, source: this.versions.fixed ? this.readSource() : source, columns: info.columns, rowCount: info.rowCount, canSave: false, canPin: false });
        await this.post({
          type: 'version',
          version: info.version,
          author: info.author,
          fixed: view.fixed,
          ...(view.newer ? { newer: view.newer } : {}),
          ...(view.notice ? { notice: view.notice } : {}),
          ...(newTitle ? { title: newTitle } : {}),
        });
        return;
      }
      if (source.kind !== 'result' || !this.options.result) throw new Error('a result grid has no known schema');
      const { columns, rowCount } = this.options.result;
      this.goneMessage = undefined;
      const sql = this.options.result?.sql;
      await this.post({ type: 'init', title, source, columns, rowCount, canSave: true, canPin: this.options.canPin?.() ?? false, ...(sql ? { sql } : {}) });
    } catch (error) {
      if (this.disposed) return;
      if (source.kind === 'frame' && isFramegateError(error, ErrorCodes.FrameNotFound)) return this.markGone(`${source.name} is gone: ${userMessage(error)}`);
      const text = describeError(error);
      this.options.log.error('grid.init.failed', { source, error });
      await this.post({ type: 'error', message: text });
      this.options.onError?.(text);
    }
  }

  private async sendProfile(): Promise<void> {
    if (this.goneMessage !== undefined) return;
    try {
      const profile = await this.options.client().request(Methods.profile, { source: this.readSource() });
      this.options.log.info('grid.profile', { source: this.options.source, columns: profile.columns.length, cached: profile.cached });
      await this.post({ type: 'profile', profile });
    } catch (error) {
      if (this.disposed) return;
      this.options.log.warn('grid.profile.failed', { source: this.options.source, error });
      await this.post({ type: 'profileError', message: userMessage(error) });
    }
  }

  get lastChart(): { source: Source; spec: ChartSpec; filters: ColumnFilter[] } | undefined {
    return this.chartShown;
  }

  /** A quick chart: the gateway aggregates (data/chart); only the aggregate comes here. */
  private async sendChart({ spec, filters }: ChartRequestMessage): Promise<void> {
    if (this.goneMessage !== undefined) return;
    const source = this.readSource();
    try {
      const data = await this.options.client().request(Methods.chart, { source, chart: spec, ...(filters.length > 0 ? { filters } : {}) });
      this.options.log.info('grid.chart', { source, kind: spec.kind, points: data.x.length, rows: data.rowCount });
      this.chartShown = { source, spec, filters };
      await this.post({ type: 'chart', spec, data });
    } catch (error) {
      if (this.disposed) return;
      this.options.log.warn('grid.chart.failed', { source, error });
      await this.post({ type: 'chartError', message: userMessage(error) });
    }
  }

  /** Saves the chart shown as an object (kind chart) of the frame version it was drawn from. */
  private async saveChart(): Promise<void> {
    const shown = this.chartShown;
    if (!shown || shown.source.kind !== 'frame' || !this.options.askChartName) return;
    const column = shown.spec.kind === 'histogram' ? shown.spec.column : shown.spec.x;
    const base = shown.source.name.replace(/@\d+$/, '').split('.').pop() ?? 'frame';
    const name = await this.options.askChartName(`${base}_${column}_${shown.spec.kind}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 63));
    if (!name) return;
    try {
      const saved = await this.options.client().request(Methods.saveChart, { name, from: shown.source.name, chart: shown.spec, filters: shown.filters });
      this.options.log.info('grid.chart.saved', { name: saved.name, from: saved.from });
      await this.post({ type: 'status', message: `Saved chart ${saved.name} (of ${saved.from})` });
    } catch (error) {
      if (this.disposed) return;
      this.options.log.warn('grid.chart.save.failed', { error });
      await this.post({ type: 'error', message: `Save Chart failed: ${userMessage(error)}` });
    }
  }

  private async sendWindow(request: Extract<WebviewToExtension, { type: 'window' }>): Promise<void> {
    const started = Date.now();
    if (this.goneMessage !== undefined) {
      await this.post({ type: 'error', requestId: request.requestId, message: this.goneMessage });
      return;
    }
    try {
      const limit = Math.min(Math.max(1, request.limit), MAX_WINDOW_ROWS);
      const { result, ipc } = await this.options.client().window({
        source: this.readSource(),
        offset: Math.max(0, request.offset),
        limit,
        ...(request.columns.length > 0 ? { columns: request.columns } : {}),
        ...(request.sort.length > 0 ? { sort: request.sort } : {}),
        ...(request.filters.length > 0 ? { filters: request.filters } : {}),
      });
      this.options.log.debug('grid.window', { offset: result.offset, rows: result.rows, columns: result.columns.length, bytes: ipc.byteLength, ms: Date.now() - started });
      const bytes = plainBytes(ipc);
      this.lastWindowError = undefined;
      await this.post({
        type: 'window',
        requestId: request.requestId,
        ipc: bytes,
        rowCount: result.rowCount,
        offset: result.offset,
        rows: result.rows,
        columns: result.columns,
        ...(result.sql ? { sql: result.sql } : {}),
      });
    } catch (error) {
      if (this.disposed) return;
      const text = describeError(error);
      this.options.log.error('grid.window.failed', { source: this.options.source, offset: request.offset, error });
      const { source } = this.options;
      const lost =
        (source.kind === 'result' && isFramegateError(error, ErrorCodes.ResultNotFound)) || (source.kind === 'frame' && isFramegateError(error, ErrorCodes.FrameNotFound));
      if (lost) {
        await this.post({ type: 'error', requestId: request.requestId, message: userMessage(error) });
        return this.markGone(source.kind === 'result' ? RESULT_LOST : `${source.name} is gone: ${userMessage(error)}`);
      }
      await this.post({ type: 'error', requestId: request.requestId, message: text });
      // Shown in the grid every time; as a VS Code error once per run of identical failures.
      if (text !== this.lastWindowError) this.options.onError?.(text);
      this.lastWindowError = text;
    }
  }
}
