/**
 * Messages between the extension and the grid webview, defined once and imported by both sides.
 * Rows travel only as Arrow IPC bytes (`ipc`), never as JSON rows and never inside the HTML.
 * Only type imports from the protocol, so the webview bundle does not pull in zod.
 */
import type { ColumnInfo, ProfileResult, SortKey, Source } from '../protocol';

/** The webview asks for a window of rows *and* columns of its source, in the current sort. */
export interface WindowRequestMessage {
  type: 'window';
  requestId: number;
  offset: number;
  limit: number;
  /** Column names, in order (a slice of the source's columns). */
  columns: string[];
  sort: SortKey[];
}

export type WebviewToExtension =
  /** The script is loaded and listening: send `init`. */
  | { type: 'ready' }
  | WindowRequestMessage
  /** The user pressed "Save as…" on a result grid. */
  | { type: 'saveAs' }
  /** Put `text` on the clipboard (through the extension, which works in every VS Code host). */
  | CopyRequestMessage
  /** Keep this result in its own tab: the next result of its origin opens another panel. */
  | { type: 'pin' }
  /** A frame's preview: show its latest version (offered by a `version` message's `newer`). */
  | { type: 'reload' }
  /** A frame's preview: keep the version shown for good (a grid of `NAME@N`). */
  | { type: 'stayOnVersion' }
  /** Run the query of a result that is gone (gateway restarted, window reloaded) again. */
  | { type: 'rerun' }
  /** The profile of every column (computed on the gateway, once per frame version). */
  | { type: 'profile' };

export interface CopyRequestMessage {
  type: 'copy';
  text: string;
  /** What was copied, for the confirmation, e.g. "3 rows × 2 columns as TSV". */
  description: string;
}

export interface GridInit {
  type: 'init';
  /** A human title, e.g. the frame name or "Result of SELECT …". Set as text, never as HTML. */
  title: string;
  source: Source;
  columns: ColumnInfo[];
  rowCount: number;
  /** Results can be saved as a named frame; frames cannot. */
  canSave: boolean;
  /** Results shown in a reused panel can be pinned to a tab of their own. */
  canPin?: boolean;
  /** A result's SQL: kept in the panel's state so a reloaded window can run it again. */
  sql?: string;
}

/** What a grid panel keeps across a window reload (the webview's state; see restoreGrid). */
export interface GridState {
  source: Source;
  title: string;
  /** For results: the query that made it. */
  sql?: string;
}

export interface WindowReplyMessage {
  type: 'window';
  requestId: number;
  /** One Arrow IPC stream holding the requested rows and columns. */
  ipc: Uint8Array;
  rowCount: number;
  offset: number;
  rows: number;
  columns: ColumnInfo[];
}

export type ExtensionToWebview =
  | GridInit
  | WindowReplyMessage
  /** A request failed (requestId set) or the grid as a whole failed (no requestId). */
  | { type: 'error'; requestId?: number; message: string }
  /** Saved (or other) news to show in the grid's toolbar. */
  | { type: 'status'; message: string }
  /**
   * What the grid showed is gone (a frame deleted, a result lost with the gateway's restart): the
   * grid empties and stops asking for rows; `canRerun` offers Run Again.
   */
  | { type: 'gone'; message: string; canRerun: boolean }
  /** The source's column profiles, or why there are none. */
  | { type: 'profile'; profile: ProfileResult }
  | { type: 'profileError'; message: string }
  | VersionMessage;

/** Which version of a frame the grid shows (sent after `init`), and what is newer. */
export interface VersionMessage {
  type: 'version';
  version: number;
  author: string;
  /** A grid of this version only: nothing newer is offered. */
  fixed: boolean;
  /** A later version, to offer: Reload shows it, Stay keeps this one. */
  newer?: { version: number; by: string };
  /** Why the version shown changed by itself (its data was removed). */
  notice?: string;
  /** A new title for the grid (Stay makes it `NAME@N`). */
  title?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isSortKey(value: unknown): value is SortKey {
  return isObject(value) && typeof value.column === 'string' && typeof value.descending === 'boolean';
}

/** Checks a message from the webview before the extension acts on it (webview content is less trusted). */
export function parseWebviewMessage(value: unknown): WebviewToExtension | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'saveAs':
      return { type: 'saveAs' };
    case 'pin':
      return { type: 'pin' };
    case 'reload':
      return { type: 'reload' };
    case 'stayOnVersion':
      return { type: 'stayOnVersion' };
    case 'rerun':
      return { type: 'rerun' };
    case 'profile':
      return { type: 'profile' };
    case 'copy': {
      const { text, description } = value;
      if (typeof text !== 'string' || typeof description !== 'string') return undefined;
      return { type: 'copy', text, description: description.slice(0, 200) };
    }
    case 'window': {
      const { requestId, offset, limit, columns, sort } = value;
      if (!Number.isSafeInteger(requestId) || !Number.isSafeInteger(offset) || !Number.isSafeInteger(limit)) return undefined;
      if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) return undefined;
      if (!Array.isArray(sort) || !sort.every(isSortKey)) return undefined;
      return {
        type: 'window',
        requestId: requestId as number,
        offset: offset as number,
        limit: limit as number,
        columns,
        sort: sort.map((k) => ({ column: k.column, descending: k.descending })),
      };
    }
    default:
      return undefined;
  }
}

/** A grid panel's saved state, checked (it comes back from VS Code's storage after a reload). */
export function parseGridState(value: unknown): GridState | undefined {
  if (!isObject(value) || typeof value.title !== 'string' || !isObject(value.source)) return undefined;
  const { source } = value;
  const sql = typeof value.sql === 'string' && value.sql !== '' ? value.sql : undefined;
  if (source.kind === 'frame' && typeof source.name === 'string' && source.name !== '') return { source: { kind: 'frame', name: source.name }, title: value.title };
  if (source.kind === 'result' && typeof source.id === 'string' && sql) return { source: { kind: 'result', id: source.id }, title: value.title, sql };
  return undefined;
}
