/**
 * The notebook renderer's messages: the grid's own messages (messages.ts), each wrapped with the
 * id of the output's grid, since one notebook's outputs share one channel. Type imports only.
 */
import type { ColumnInfo } from '../protocol';
import type { ExtensionToWebview, WebviewToExtension, WindowReplyMessage } from './messages';

/** The renderer's mime type: a cell's result, shown as the inline grid. */
export const RESULT_MIME = 'application/vnd.framegate.result+json';
export const RENDERER_ID = 'framegate-grid-renderer';

/** What a result output item holds (JSON): enough to draw the grid; the rows come by messages. */
export interface ResultOutput {
  /** The result on the gateway; also the grid's id in messages. */
  resultId: string;
  title: string;
  columns: ColumnInfo[];
  rowCount: number;
  ms: number;
  savedAs?: string;
  /** The text summary (first rows), shown when the live result is gone. */
  summary: string;
}

export interface RendererToExtension {
  gridId: string;
  message: WebviewToExtension;
}

/**
 * Renderer messaging serializes with JSON (typed arrays do not survive it, unlike webview panel
 * messages), so a window's Arrow bytes travel as base64 there.
 */
export type RendererWindowReply = Omit<WindowReplyMessage, 'ipc'> & { ipcBase64: string };

export interface ExtensionToRenderer {
  gridId: string;
  message: Exclude<ExtensionToWebview, WindowReplyMessage> | RendererWindowReply;
}
