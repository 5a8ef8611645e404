/** Adapter: the frames tree specs (tree-items.ts) as a vscode.TreeDataProvider. */
import * as vscode from 'vscode';
import { Methods, type FrameInfo } from '../protocol';
import type { ConnectionManager } from './connection';
import { describeError } from './errors';
import type { Logger } from './log';
import { childTreeItems, rootTreeItems, type TreeNodeSpec } from './tree-items';

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
  private frames: FrameInfo[] | undefined;
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
    return this.frames;
  }

  /** Forgets the list and redraws; getChildren lists the frames again. */
  refresh(): void {
    this.version++;
    this.frames = undefined;
    this.changed.fire(undefined);
  }

  /** Lists the frames now (the tree view may be hidden); resolves once listed. */
  async reload(): Promise<readonly FrameInfo[] | undefined> {
    this.version++;
    this.frames = undefined;
    await this.load();
    this.changed.fire(undefined);
    return this.frames;
  }

  getTreeItem(spec: TreeNodeSpec): vscode.TreeItem {
    return toTreeItem(spec);
  }

  async getChildren(spec?: TreeNodeSpec): Promise<TreeNodeSpec[]> {
    if (spec) return childTreeItems(spec.node, this.frames ?? [], this.connection.me);
    if (this.connection.state.kind === 'connected' && this.frames === undefined) await this.load();
    return rootTreeItems(this.connection.state, this.frames);
  }

  private load(): Promise<void> {
    const version = this.version;
    if (this.loading?.version === version) return this.loading.done;
    const done = (async () => {
      const client = this.connection.client;
      if (!client) return;
      try {
        const { frames } = await client.request(Methods.listFrames, {});
        if (version !== this.version) return; // refreshed meanwhile: that refresh lists again
        this.frames = frames;
        this.log.info('frames.listed', { count: frames.length });
      } catch (error) {
        if (version !== this.version) return;
        this.frames = [];
        this.log.error('frames.list.failed', { error });
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
