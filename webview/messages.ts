/**
 * Messages between the extension and the grid webview, defined once and imported by both sides.
 * Rows travel only as Arrow IPC bytes (`ipc`), never as JSON rows and never inside the HTML.
 * Only type imports from the protocol, so the webview bundle does not pull in zod.
 */
import type { ChartData, ChartSpec, ColumnFilter, ColumnInfo, ProfileResult, SortKey, Source } from '../protocol';

/** The webview asks for a window of rows *and* columns of its source, in the current sort. */
export interface WindowRequestMessage {
  type: 'window';
  requestId: number;
  offset: number;
  limit: number;
  /** Column names, in order (a slice of the source's columns). */
  columns: string[];
  sort: SortKey[];
  /** Per-column filters, run on the gateway (structured; the gateway writes the SQL). */
  filters: ColumnFilter[];
}

/** The webview asks for a quick chart of its source under its filters (aggregated on the gateway). */
export interface ChartRequestMessage {
  type: 'chart';
  spec: ChartSpec;
  filters: ColumnFilter[];
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
  | { type: 'profile' }
  | ChartRequestMessage
  /** Save the chart shown as an object of the store (asks for a name). */
  | { type: 'saveChart' };

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
  /** With filters or a sort: the SQL the view amounts to, as the gateway wrote it. */
  sql?: string;
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
  /** A quick chart's aggregate, from the gateway (never rows). */
  | { type: 'chart'; spec: ChartSpec; data: ChartData }
  | { type: 'chartError'; message: string }
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

const isString = (v: unknown): v is string => typeof v === 'string';
const isBound = (v: unknown) => v === undefined || typeof v === 'number' || typeof v === 'string';

/** The shape of a filter; its values and types are the gateway's to check. */
export function isColumnFilter(value: unknown): value is ColumnFilter {
  if (!isObject(value) || !isString(value.column)) return false;
  switch (value.kind) {
    case 'values':
      return Array.isArray(value.values) && value.values.every((v) => v === null || isString(v));
    case 'range':
      return isBound(value.min) && isBound(value.max);
    case 'text':
      return (value.match === 'contains' || value.match === 'startsWith') && isString(value.text);
    default:
      return false;
  }
}

/** Just a filter's own fields (the gateway refuses unknown ones). */
export function copyFilter(filter: ColumnFilter): ColumnFilter {
  switch (filter.kind) {
    case 'values':
      return { kind: 'values', column: filter.column, values: [...filter.values] };
    case 'range':
      return { kind: 'range', column: filter.column, ...(filter.min !== undefined ? { min: filter.min } : {}), ...(filter.max !== undefined ? { max: filter.max } : {}) };
    case 'text':
      return { kind: 'text', column: filter.column, match: filter.match, text: filter.text };
  }
}

/** The shape of a chart spec (the gateway checks columns, types and bounds). */
export function isChartSpec(value: unknown): value is ChartSpec {
  if (!isObject(value)) return false;
  const optionalNumber = (v: unknown) => v === undefined || typeof v === 'number';
  const optionalString = (v: unknown) => v === undefined || isString(v);
  const aggregate = (v: unknown) => v === undefined || v === 'count' || v === 'sum' || v === 'avg';
  switch (value.kind) {
    case 'histogram':
      return isString(value.column) && optionalNumber(value.bins);
    case 'bar':
      return isString(value.x) && optionalString(value.y) && aggregate(value.aggregate) && optionalNumber(value.limit);
    case 'line':
      return isString(value.x) && optionalString(value.y) && aggregate(value.aggregate) && optionalNumber(value.buckets);
    case 'scatter':
      return isString(value.x) && isString(value.y) && optionalNumber(value.limit);
    default:
      return false;
  }
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
    case 'saveChart':
      return { type: 'saveChart' };
    case 'chart': {
      const { spec, filters } = value;
      if (!isChartSpec(spec) || !Array.isArray(filters) || !filters.every(isColumnFilter)) return undefined;
      return { type: 'chart', spec, filters: filters.map(copyFilter) };
    }
    case 'copy': {
      const { text, description } = value;
      if (typeof text !== 'string' || typeof description !== 'string') return undefined;
      return { type: 'copy', text, description: description.slice(0, 200) };
    }
    case 'window': {
      const { requestId, offset, limit, columns, sort } = value;
      const filters = value.filters ?? [];
      if (!Number.isSafeInteger(requestId) || !Number.isSafeInteger(offset) || !Number.isSafeInteger(limit)) return undefined;
      if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) return undefined;
      if (!Array.isArray(sort) || !sort.every(isSortKey)) return undefined;
      if (!Array.isArray(filters) || !filters.every(isColumnFilter)) return undefined;
      return {
        type: 'window',
        requestId: requestId as number,
        offset: offset as number,
        limit: limit as number,
        columns,
        sort: sort.map((k) => ({ column: k.column, descending: k.descending })),
        filters: filters.map(copyFilter),
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
