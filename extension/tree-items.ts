/**
 * The Frames tree as plain data: groups by how an object reaches you (My frames, Shared with me,
 * Team, and All frames for admins) → frames (then saved queries, then notes standing alone) →
 * a frame's versions, its notes, then its columns. A thin adapter (frames-tree.ts) turns these specs into
 * vscode.TreeItems, so tests need no VS Code.
 */
import type { FrameInfo, FrameScope, NoteInfo, ObjectInfo, QueryInfo, WhoAmIResult } from '../protocol';
import { gatewayLabel } from './config';
import type { ConnectionState } from './connection';
import { isUnderFrame, notesOn, noteTreeItem, queryTreeItem } from './object-tree-items';
import { accessParts, accessTooltipLines, ContextValues, formatCount, objectContextValue, objectLabel, type TreeNode, type TreeNodeSpec } from './tree-nodes';
import { formatBytes } from './units';
import { versionsFolderItem } from './version-tree-items';

export { ContextValues, formatCount, shortName, type TreeNode, type TreeNodeSpec } from './tree-nodes';

interface GroupSpec {
  scope: FrameScope;
  label: string;
  icon: string;
  /** What belongs here, for the tooltip. */
  about: (me: WhoAmIResult) => string;
}

/** In display order. The admin group is shown only to admins who see objects through it. */
export const GROUPS: readonly GroupSpec[] = [
  { scope: 'mine', label: 'My frames', icon: 'account', about: (me) => `Frames, queries and notes you own (your namespace ${me.namespace}). Save a result or load a file to add one.` },
  { scope: 'shared', label: 'Shared with me', icon: 'organization', about: () => 'Frames, queries and notes others shared with you or with a group of yours.' },
  { scope: 'team', label: 'Team', icon: 'globe', about: (me) => `Everything in the team namespace ${me.teamNamespace}, and what was published to the whole team.` },
  { scope: 'admin', label: 'All frames (admin)', icon: 'shield', about: () => 'What you see only because you are an admin.' },
];

function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function rowsText(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`;
}

/** The tree label of a frame: the short name in your own namespace, the full name elsewhere. */
export function frameLabel(frame: FrameInfo, me: WhoAmIResult): string {
  return objectLabel(frame, me);
}

/** Space-separated flags after `framegate.frame`, matched by the `when` clauses of package.json. */
export function frameContextValue(frame: FrameInfo): string {
  return objectContextValue(frame);
}

/** One line: rows, version, size, owner (unless it is you), who shared it or how it is shared. */
export function frameDescription(frame: FrameInfo, me: WhoAmIResult): string {
  return [rowsText(frame.rowCount), `v${frame.version}`, formatBytes(frame.bytes), ...accessParts(frame, me)].join(' · ');
}

export function frameTooltip(frame: FrameInfo, me?: WhoAmIResult): string {
  const stored = frame.versionCount > 1 ? `; ${formatBytes(frame.storedBytes)} for every version kept` : '';
  const lines = [
    frame.name,
    `owner: ${frame.owner}${me && frame.owner === me.user ? ' (you)' : ''}`,
    `version: ${frame.version}${frame.author && frame.author !== frame.owner ? ` (saved by ${frame.author})` : ''} of ${frame.versionCount}`,
    `rows: ${formatCount(frame.rowCount)}`,
    `columns: ${frame.columns.length}`,
    `size: ${formatBytes(frame.bytes)}${stored}`,
    `created: ${frame.createdAt}`,
    ...accessTooltipLines(frame, me),
  ];
  if (frame.source) lines.push(`source: ${frame.source}`);
  return lines.join('\n');
}

function groupOf(object: ObjectInfo): FrameScope {
  return GROUPS.some((g) => g.scope === object.scope) ? object.scope : 'admin';
}

/** What a group lists of `objects`: frames, queries, and notes that are not under one of the frames. */
function groupMembers(objects: readonly ObjectInfo[], scope: FrameScope): { frames: FrameInfo[]; queries: QueryInfo[]; notes: NoteInfo[] } {
  const inGroup = objects.filter((o) => groupOf(o) === scope);
  return {
    frames: inGroup.filter((o): o is FrameInfo => o.kind === 'frame'),
    queries: inGroup.filter((o): o is QueryInfo => o.kind === 'query'),
    notes: inGroup.filter((o): o is NoteInfo => o.kind === 'note' && !isUnderFrame(o, objects)),
  };
}

/** Top level: My frames, Shared with me and Team always (so you see where things go), admin when used. */
export function groupTreeItems(objects: readonly ObjectInfo[], me: WhoAmIResult): TreeNodeSpec[] {
  return GROUPS.flatMap((group): TreeNodeSpec[] => {
    const { frames, queries, notes } = groupMembers(objects, group.scope);
    const parts = [...(frames.length ? [counted(frames.length, 'frame')] : []), ...(queries.length ? [counted(queries.length, 'query', 'queries')] : []), ...(notes.length ? [counted(notes.length, 'note')] : [])];
    const empty = parts.length === 0;
    if (group.scope === 'admin' && empty) return [];
    return [
      {
        // An empty group is another item: VS Code would keep a group that was empty (no children,
        // so not expandable) collapsed once it has frames.
        id: empty ? `group:${group.scope}:empty` : `group:${group.scope}`,
        label: group.label,
        description: empty ? 'none' : parts.join(' · '),
        tooltip: group.about(me),
        contextValue: ContextValues.group,
        collapsible: empty ? 'none' : 'expanded',
        icon: group.icon,
        node: { kind: 'group', scope: group.scope },
      },
    ];
  });
}

function byLabel<T extends ObjectInfo>(objects: readonly T[], me: WhoAmIResult): T[] {
  return [...objects].sort((a, b) => objectLabel(a, me).localeCompare(objectLabel(b, me)));
}

/** The frames of one group, sorted by label; clicking one previews it. Expandable: notes and columns. */
export function frameTreeItems(objects: readonly ObjectInfo[], scope: FrameScope, me: WhoAmIResult): TreeNodeSpec[] {
  return byLabel(groupMembers(objects, scope).frames, me).map((frame) => ({
    id: `frame:${frame.name}`,
    label: frameLabel(frame, me),
    description: frameDescription(frame, me),
    tooltip: frameTooltip(frame, me),
    contextValue: frameContextValue(frame),
    collapsible: 'collapsed',
    icon: 'table',
    command: { command: 'framegate.preview', title: 'Preview', arguments: [frame.name] },
    node: { kind: 'frame', frame },
  }));
}

/** Everything a group lists: its frames, then its saved queries, then its notes standing alone. */
export function groupChildItems(objects: readonly ObjectInfo[], scope: FrameScope, me: WhoAmIResult): TreeNodeSpec[] {
  const { queries, notes } = groupMembers(objects, scope);
  return [
    ...frameTreeItems(objects, scope, me),
    ...byLabel(queries, me).map((q) => queryTreeItem(q, me)),
    ...byLabel(notes, me).map((n) => noteTreeItem(n, me, { underFrame: false })),
  ];
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

/** What the tree's root shows for a connection state (a message when there is nothing to list). */
export function rootTreeItems(state: ConnectionState, objects: readonly ObjectInfo[] | undefined): TreeNodeSpec[] {
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
      if (objects === undefined) return message('Loading frames…');
      return groupTreeItems(objects, state.me);
  }
}

/** Children of a node: a group's objects; a frame's versions folder, its notes, then its columns. (A versions folder lists from the gateway: frames-tree.ts.) */
export function childTreeItems(node: TreeNode, objects: readonly ObjectInfo[], me: WhoAmIResult | undefined): TreeNodeSpec[] {
  switch (node.kind) {
    case 'group':
      return me ? groupChildItems(objects, node.scope, me) : [];
    case 'frame':
      return [
        versionsFolderItem(node.frame),
        ...(me ? notesOn(objects, node.frame.name).map((n) => noteTreeItem(n, me, { underFrame: true })) : []),
        ...columnTreeItems(node.frame),
      ];
    default:
      return [];
  }
}
