/**
 * What the Frames tree is made of, as plain data: its nodes, the specs an adapter turns into
 * vscode.TreeItems, and what every kind of object's item shares (labels, context values).
 */
import type { ColumnInfo, FrameInfo, FrameScope, NoteInfo, ObjectInfo, QueryInfo, VersionInfo, WhoAmIResult } from '../protocol';
import { grantText } from './sharing';

export const ContextValues = {
  group: 'framegate.group',
  /** Objects: this, then ` manage`, ` granted`, ` unpublished` as they apply (see objectContextValue). */
  frame: 'framegate.frame',
  query: 'framegate.query',
  note: 'framegate.note',
  chart: 'framegate.chart',
  column: 'framegate.column',
  /** A frame's "Versions" folder. */
  versions: 'framegate.versions',
  /** One version: this, then ` removable` when the caller may remove it (not the latest, data kept). */
  version: 'framegate.version',
  message: 'framegate.message',
} as const;

export type TreeNode =
  | { kind: 'group'; scope: FrameScope }
  | { kind: 'frame'; frame: FrameInfo }
  | { kind: 'query'; query: QueryInfo }
  | { kind: 'note'; note: NoteInfo }
  | { kind: 'column'; frame: string; column: ColumnInfo }
  | { kind: 'versions'; frame: FrameInfo }
  | { kind: 'version'; frame: FrameInfo; version: VersionInfo }
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

/** The short name of an object inside its namespace (`alice.sales` → `sales`). */
export function shortName(object: Pick<ObjectInfo, 'name' | 'namespace'>): string {
  const prefix = `${object.namespace}.`;
  return object.name.startsWith(prefix) ? object.name.slice(prefix.length) : object.name;
}

/** The tree label: the short name in your own namespace, the full name (what SQL needs) elsewhere. */
export function objectLabel(object: Pick<ObjectInfo, 'name' | 'namespace'>, me: WhoAmIResult): string {
  return object.namespace === me.namespace ? shortName(object) : object.name;
}

/** Space-separated flags after `framegate.<kind>`, matched by the `when` clauses of package.json. */
export function objectContextValue(object: ObjectInfo): string {
  const flags: string[] = [ContextValues[object.kind]];
  if (object.canManage) {
    flags.push('manage');
    if ((object.grants ?? []).length > 0) flags.push('granted');
    if (!object.published) flags.push('unpublished');
  }
  return flags.join(' ');
}

/** Owner (unless you), who shared it with you, or how yours is shared: the end of a description. */
export function accessParts(object: ObjectInfo, me: WhoAmIResult): string[] {
  const parts: string[] = [];
  if (object.owner !== me.user) parts.push(object.owner);
  if (object.scope === 'shared' && object.sharedBy !== undefined && object.sharedBy !== object.owner) parts.push(`shared by ${object.sharedBy}`);
  if (object.scope === 'mine') {
    const grants = object.grants ?? [];
    if (object.published) parts.push('published');
    else if (grants.length > 0) parts.push(`shared with ${grants.map((g) => grantText(g, { access: false })).join(', ')}`);
  }
  return parts;
}

/** The tooltip lines about access every kind shares: the share, the grants (for managers), what you may do. */
export function accessTooltipLines(object: ObjectInfo, me: WhoAmIResult | undefined): string[] {
  const lines: string[] = [];
  if (object.scope === 'shared') lines.push(`shared with you${object.sharedBy ? ` by ${object.sharedBy}` : ''}${object.canWrite ? ' (read & write)' : ' (read only)'}`);
  if (object.published) lines.push(object.namespace === me?.teamNamespace ? 'in the team namespace: everyone reads it' : 'published to the whole team');
  if (object.canManage) {
    const grants = (object.grants ?? []).filter((g) => g.to.kind !== 'team');
    lines.push(grants.length > 0 ? `shared with: ${grants.map((g) => grantText(g)).join(', ')}` : 'shared with: nobody');
  }
  lines.push(`you may: ${['read', ...(object.canWrite ? ['save new versions'] : []), ...(object.canManage ? ['share and delete'] : [])].join(', ')}`);
  return lines;
}
