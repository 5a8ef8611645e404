/**
 * The frames tree as plain data: groups by how a frame reaches you (My frames, Shared with me,
 * Team, and All frames for admins) → frames → columns. A thin adapter (frames-tree.ts) turns
 * these specs into vscode.TreeItems, so tests need no VS Code.
 */
import type { ColumnInfo, FrameInfo, FrameScope, WhoAmIResult } from '../protocol';
import { gatewayLabel } from './config';
import type { ConnectionState } from './connection';
import { grantText } from './sharing';

export const ContextValues = {
  group: 'framegate.group',
  /** Frames: this, then ` manage`, ` granted`, ` unpublished` as they apply (see frameContextValue). */
  frame: 'framegate.frame',
  column: 'framegate.column',
  message: 'framegate.message',
} as const;

export type TreeNode =
  | { kind: 'group'; scope: FrameScope }
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

interface GroupSpec {
  scope: FrameScope;
  label: string;
  icon: string;
  /** What belongs here, for the tooltip. */
  about: (me: WhoAmIResult) => string;
}

/** In display order. The admin group is shown only to admins who see frames through it. */
export const GROUPS: readonly GroupSpec[] = [
  { scope: 'mine', label: 'My frames', icon: 'account', about: (me) => `Frames you own (your namespace ${me.namespace}). Save a result or load a file to add one.` },
  { scope: 'shared', label: 'Shared with me', icon: 'organization', about: () => 'Frames others shared with you or with a group of yours.' },
  { scope: 'team', label: 'Team', icon: 'globe', about: (me) => `Frames of the team namespace ${me.teamNamespace} and frames published to the whole team.` },
  { scope: 'admin', label: 'All frames (admin)', icon: 'shield', about: () => 'Frames you see only because you are an admin.' },
];

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function rowsText(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;
}

function framesText(n: number): string {
  return `${n} ${n === 1 ? 'frame' : 'frames'}`;
}

/** The short name of a frame inside its namespace (`alice.sales` → `sales`). */
export function shortName(frame: FrameInfo): string {
  const prefix = `${frame.namespace}.`;
  return frame.name.startsWith(prefix) ? frame.name.slice(prefix.length) : frame.name;
}

/** The tree label: the short name in your own namespace, the full name (what SQL needs) elsewhere. */
export function frameLabel(frame: FrameInfo, me: WhoAmIResult): string {
  return frame.namespace === me.namespace ? shortName(frame) : frame.name;
}

/** Space-separated flags after `framegate.frame`, matched by the `when` clauses of package.json. */
export function frameContextValue(frame: FrameInfo): string {
  const flags: string[] = [ContextValues.frame];
  if (frame.canManage) {
    flags.push('manage');
    if ((frame.grants ?? []).length > 0) flags.push('granted');
    if (!frame.published) flags.push('unpublished');
  }
  return flags.join(' ');
}

/** One line: rows, version, owner (unless it is you), who shared it or how it is shared. */
export function frameDescription(frame: FrameInfo, me: WhoAmIResult): string {
  const parts = [rowsText(frame.rowCount), `v${frame.version}`];
  if (frame.owner !== me.user) parts.push(frame.owner);
  if (frame.scope === 'shared' && frame.sharedBy !== undefined && frame.sharedBy !== frame.owner) parts.push(`shared by ${frame.sharedBy}`);
  if (frame.scope === 'mine') {
    const grants = frame.grants ?? [];
    if (frame.published) parts.push('published');
    else if (grants.length > 0) parts.push(`shared with ${grants.map((g) => grantText(g, { access: false })).join(', ')}`);
  }
  return parts.join(' · ');
}

export function frameTooltip(frame: FrameInfo, me?: WhoAmIResult): string {
  const lines = [
    frame.name,
    `owner: ${frame.owner}${me && frame.owner === me.user ? ' (you)' : ''}`,
    `version: ${frame.version}${frame.author && frame.author !== frame.owner ? ` (saved by ${frame.author})` : ''}`,
    `rows: ${formatCount(frame.rowCount)}`,
    `columns: ${frame.columns.length}`,
    `created: ${frame.createdAt}`,
  ];
  if (frame.scope === 'shared') lines.push(`shared with you${frame.sharedBy ? ` by ${frame.sharedBy}` : ''}${frame.canWrite ? ' (read & write)' : ' (read only)'}`);
  if (frame.published) lines.push(frame.namespace === me?.teamNamespace ? 'in the team namespace: everyone reads it' : 'published to the whole team');
  if (frame.canManage) {
    const grants = (frame.grants ?? []).filter((g) => g.to.kind !== 'team');
    lines.push(grants.length > 0 ? `shared with: ${grants.map((g) => grantText(g)).join(', ')}` : 'shared with: nobody');
  }
  lines.push(`you may: ${['read', ...(frame.canWrite ? ['save new versions'] : []), ...(frame.canManage ? ['share and delete'] : [])].join(', ')}`);
  if (frame.source) lines.push(`source: ${frame.source}`);
  return lines.join('\n');
}

function groupOf(frame: FrameInfo): FrameScope {
  return GROUPS.some((g) => g.scope === frame.scope) ? frame.scope : 'admin';
}

/** Top level: My frames, Shared with me and Team always (so you see where things go), admin when used. */
export function groupTreeItems(frames: readonly FrameInfo[], me: WhoAmIResult): TreeNodeSpec[] {
  const counts = new Map<FrameScope, number>();
  for (const frame of frames) counts.set(groupOf(frame), (counts.get(groupOf(frame)) ?? 0) + 1);
  return GROUPS.filter((g) => g.scope !== 'admin' || (counts.get('admin') ?? 0) > 0).map((group) => {
    const count = counts.get(group.scope) ?? 0;
    return {
      // An empty group is another item: VS Code would keep a group that was empty (no children,
      // so not expandable) collapsed once it has frames.
      id: count === 0 ? `group:${group.scope}:empty` : `group:${group.scope}`,
      label: group.label,
      description: count === 0 ? 'none' : framesText(count),
      tooltip: group.about(me),
      contextValue: ContextValues.group,
      collapsible: count === 0 ? 'none' : 'expanded',
      icon: group.icon,
      node: { kind: 'group', scope: group.scope },
    };
  });
}

/** The frames of one group, sorted by label; clicking one previews it. */
export function frameTreeItems(frames: readonly FrameInfo[], scope: FrameScope, me: WhoAmIResult): TreeNodeSpec[] {
  return frames
    .filter((f) => groupOf(f) === scope)
    .map((frame) => ({ frame, label: frameLabel(frame, me) }))
    .sort((a, b) => a.label.localeCompare(b.label))
    .map(({ frame, label }) => ({
      id: `frame:${frame.name}`,
      label,
      description: frameDescription(frame, me),
      tooltip: frameTooltip(frame, me),
      contextValue: frameContextValue(frame),
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
  const message = (text: string, command?: TreeNodeSpec['command']): TreeNodeSpec[] => [
    { id: 'message', label: text, contextValue: ContextValues.message, collapsible: 'none', icon: 'info', node: { kind: 'message', text }, ...(command ? { command } : {}) },
  ];
  switch (state.kind) {
    case 'connecting':
      return message(`Connecting to ${gatewayLabel(state.url)}…`);
    case 'reconnecting':
      return message(`Reconnecting to ${gatewayLabel(state.url)}…`);
    case 'signInRequired':
    case 'disconnected':
      // Empty: the view's welcome content (package.json viewsWelcome) offers Sign In / Connect.
      return [];
    case 'connected':
      if (frames === undefined) return message('Loading frames…');
      return groupTreeItems(frames, state.me);
  }
}

/** Children of a node. */
export function childTreeItems(node: TreeNode, frames: readonly FrameInfo[], me: WhoAmIResult | undefined): TreeNodeSpec[] {
  switch (node.kind) {
    case 'group':
      return me ? frameTreeItems(frames, node.scope, me) : [];
    case 'frame':
      return columnTreeItems(node.frame);
    default:
      return [];
  }
}

