/**
 * The frames tree as plain data: namespaces → frames → columns. A thin adapter
 * (frames-tree.ts) turns these specs into vscode.TreeItems, so tests need no VS Code.
 */
import type { ColumnInfo, FrameInfo } from '../protocol';
import type { ConnectionState } from './connection';

export const ContextValues = {
  namespace: 'framegate.namespace',
  frame: 'framegate.frame',
  column: 'framegate.column',
  message: 'framegate.message',
} as const;

export type TreeNode =
  | { kind: 'namespace'; namespace: string }
  | { kind: 'frame'; frame: FrameInfo }
  | { kind: 'column'; frame: string; column: ColumnInfo }
  | { kind: 'message'; text: string };

export interface TreeNodeSpec {
  /** Stable across refreshes, so VS Code keeps expansion state. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** A codicon id, e.g. `table`. */
  icon?: string;
  /** Run on click. */
  command?: { command: string; title: string; arguments: unknown[] };
  node: TreeNode;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function rowsText(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;
}

/** The short name of a frame inside its namespace (`alice.sales` → `sales`). */
export function shortName(frame: FrameInfo): string {
  const prefix = `${frame.namespace}.`;
  return frame.name.startsWith(prefix) ? frame.name.slice(prefix.length) : frame.name;
}

export function frameTooltip(frame: FrameInfo): string {
  return [
    frame.name,
    `rows: ${formatCount(frame.rowCount)}`,
    `columns: ${frame.columns.length}`,
    `owner: ${frame.owner}`,
    `version: ${frame.version}`,
    `created: ${frame.createdAt}`,
    ...(frame.source ? [`source: ${frame.source}`] : []),
  ].join('\n');
}

/** Top level: one node per namespace, sorted, each expanded. */
export function namespaceTreeItems(frames: readonly FrameInfo[]): TreeNodeSpec[] {
  const counts = new Map<string, number>();
  for (const frame of frames) counts.set(frame.namespace, (counts.get(frame.namespace) ?? 0) + 1);
  return [...counts.keys()].sort().map((namespace) => ({
    id: `ns:${namespace}`,
    label: namespace,
    description: `${counts.get(namespace)} ${counts.get(namespace) === 1 ? 'frame' : 'frames'}`,
    tooltip: `namespace ${namespace}`,
    contextValue: ContextValues.namespace,
    collapsible: 'expanded',
    icon: 'folder-library',
    node: { kind: 'namespace', namespace },
  }));
}

/** The frames of one namespace, sorted by name; clicking one previews it. */
export function frameTreeItems(frames: readonly FrameInfo[], namespace: string): TreeNodeSpec[] {
  return frames
    .filter((f) => f.namespace === namespace)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((frame) => ({
      id: `frame:${frame.name}`,
      label: shortName(frame),
      description: `${rowsText(frame.rowCount)} · ${frame.owner}`,
      tooltip: frameTooltip(frame),
      contextValue: ContextValues.frame,
      collapsible: 'collapsed',
      icon: 'table',
      command: { command: 'framegate.preview', title: 'Preview', arguments: [frame.name] },
      node: { kind: 'frame', frame },
    }));
}

/** A frame's columns with their types. */
export function columnTreeItems(frame: FrameInfo): TreeNodeSpec[] {
  return frame.columns.map((column, index) => ({
    id: `column:${frame.name}:${index}`,
    label: column.name,
    description: column.type,
    tooltip: `${frame.name}.${column.name}: ${column.type}`,
    contextValue: ContextValues.column,
    collapsible: 'none',
    icon: 'symbol-field',
    node: { kind: 'column', frame: frame.name, column },
  }));
}

/** What the tree's root shows for a connection state (a message when there are no frames to list). */
export function rootTreeItems(state: ConnectionState, frames: readonly FrameInfo[] | undefined): TreeNodeSpec[] {
  const message = (text: string): TreeNodeSpec[] => [
    { id: 'message', label: text, contextValue: ContextValues.message, collapsible: 'none', icon: 'info', node: { kind: 'message', text } },
  ];
  if (state.kind !== 'connected') {
    switch (state.kind) {
      case 'connecting':
        return message(`Connecting to ${state.url}…`);
      case 'reconnecting':
        return message(`Reconnecting to ${state.url}…`);
      case 'disconnected':
        // Empty: the view's welcome content (package.json viewsWelcome) offers "Connect".
        return [];
    }
  }
  if (frames === undefined) return message('Loading frames…');
  if (frames.length === 0) return message('No frames yet. Save a result or load a file.');
  return namespaceTreeItems(frames);
}

/** Children of a node. */
export function childTreeItems(node: TreeNode, frames: readonly FrameInfo[]): TreeNodeSpec[] {
  switch (node.kind) {
    case 'namespace':
      return frameTreeItems(frames, node.namespace);
    case 'frame':
      return columnTreeItems(node.frame);
    default:
      return [];
  }
}
