/** Adapter: the Frames tree specs (tree-items.ts) as a vscode.TreeDataProvider, over `objects/list`. */
import * as vscode from 'vscode';
import { Methods, type FrameInfo, type ObjectInfo } from '../protocol';
import type { ConnectionManager } from './connection';
import { describeError } from './errors';
import type { Logger } from './log';
import { childTreeItems, groupTreeItems, rootTreeItems, type TreeNodeSpec } from './tree-items';
import { versionTreeItems } from './version-tree-items';

const collapsibleStates = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export function toTreeItem(spec: TreeNodeSpec): vscode.TreeItem {
  const item = new vscode.TreeItem(spec.label, collapsibleStates[spec.collapsible]);
  item.id = spec.id;
  item.description = spec.description;
  item.tooltip = spec.tooltip;
  item.contextValue = spec.contextValue;
  if (spec.icon) item.iconPath = new vscode.ThemeIcon(spec.icon);
  if (spec.command) item.command = spec.command;
  return item;
}

export class FramesTreeProvider implements vscode.TreeDataProvider<TreeNodeSpec>, vscode.Disposable {
  private objects: ObjectInfo[] | undefined;
  /** The last list, kept across refreshes: what the tree knew of an object before an event. */
  private lastListed = new Map<string, ObjectInfo>();
  /** Bumped by every refresh, so a list that was running when the catalog changed is dropped. */
  private version = 0;
  private loading: { version: number; done: Promise<void> } | undefined;
  private readonly changed = new vscode.EventEmitter<TreeNodeSpec | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly connection: ConnectionManager,
    private readonly log: Logger,
    private readonly showError: (message: string) => void,
  ) {}

  /** The frames last listed (undefined before the first list or while disconnected). */
  get currentFrames(): readonly FrameInfo[] | undefined {
    return this.objects?.filter((o): o is FrameInfo => o.kind === 'frame');
  }

  /** Every object last listed: frames, queries, notes. */
  get currentObjects(): readonly ObjectInfo[] | undefined {
    return this.objects;
  }

  /** The object named `name` (full name) as the tree last listed it, even while it lists again. */
  known(name: string): ObjectInfo | undefined {
    return this.lastListed.get(name.toLowerCase());
  }

  /** Forgets the list and redraws; getChildren lists again. */
  refresh(): void {
    this.version++;
    this.objects = undefined;
    this.changed.fire(undefined);
  }

  /** Lists now (the tree view may be hidden); resolves with the frames once listed. */
  async reload(): Promise<readonly FrameInfo[] | undefined> {
    this.version++;
    this.objects = undefined;
    await this.load();
    this.changed.fire(undefined);
    return this.currentFrames;
  }

  /** The frame's node under its group, as the tree last listed it (for revealing it). */
  frameNode(name: string): TreeNodeSpec | undefined {
    const me = this.connection.me;
    if (!this.objects || !me) return undefined;
    for (const group of groupTreeItems(this.objects, me)) {
      const found = childTreeItems(group.node, this.objects, me).find((c) => c.node.kind === 'frame' && c.node.frame.name.toLowerCase() === name.toLowerCase());
      if (found) return found;
    }
    return undefined;
  }

  /** Only frames are revealed (frameNode): their parent is their group. */
  getParent(spec: TreeNodeSpec): TreeNodeSpec | undefined {
    const me = this.connection.me;
    if (spec.node.kind !== 'frame' || !this.objects || !me) return undefined;
    return groupTreeItems(this.objects, me).find((g) => childTreeItems(g.node, this.objects ?? [], me).some((c) => c.id === spec.id));
  }

  getTreeItem(spec: TreeNodeSpec): vscode.TreeItem {
    return toTreeItem(spec);
  }

  async getChildren(spec?: TreeNodeSpec): Promise<TreeNodeSpec[]> {
    if (spec?.node.kind === 'versions') return this.versionsOf(spec);
    if (spec) return childTreeItems(spec.node, this.objects ?? [], this.connection.me);
    if (this.connection.state.kind === 'connected' && this.objects === undefined) await this.load();
    return rootTreeItems(this.connection.state, this.objects);
  }

  /** A frame's versions, asked for when its folder opens (and again after every refresh). */
  private async versionsOf(spec: TreeNodeSpec): Promise<TreeNodeSpec[]> {
    if (spec.node.kind !== 'versions') return [];
    const { frame } = spec.node;
    const client = this.connection.client;
    if (!client) return [];
    try {
      return versionTreeItems(frame, await client.request(Methods.versions, { name: frame.name, kind: 'frame' }));
    } catch (error) {
      this.log.error('versions.list.failed', { name: frame.name, error });
      this.showError(describeError(error));
      return [];
    }
  }

  private load(): Promise<void> {
    const version = this.version;
    if (this.loading?.version === version) return this.loading.done;
    const done = (async () => {
      const client = this.connection.client;
      if (!client) return;
      try {
        const { objects } = await client.request(Methods.listObjects, {});
        if (version !== this.version) return; // refreshed meanwhile: that refresh lists again
        this.objects = objects;
        this.lastListed = new Map(objects.map((o) => [o.name.toLowerCase(), o]));
        this.log.info('objects.listed', { count: objects.length });
      } catch (error) {
        if (version !== this.version) return;
        this.objects = [];
        this.log.error('objects.list.failed', { error });
        this.showError(describeError(error));
      }
    })().finally(() => {
      if (this.loading?.version === version) this.loading = undefined;
    });
    this.loading = { version, done };
    return done;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
