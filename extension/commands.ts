/**
 * What each command does, over small interfaces (Ui, the connection, the grid panels) so unit
 * tests drive them without VS Code. extension/main.ts registers them; vscode-ui.ts implements Ui.
 * Frames are named by their full name (`namespace.name`) everywhere; a bare name given to a save
 * goes to your own namespace (the gateway decides, the prompt says so).
 */
import { ErrorCodes, Methods, type FrameInfo, type ResultInfo, type Source, type WhoAmIResult } from '../protocol';
import { buildSelectParams, columnPickItems, validateFilter } from './command-logic';
import type { Gateway } from './connection';
import { describeError, isCancelled, isFramegateError } from './errors';
import type { Logger } from './log';
import type { SqlHistory } from './sql-history';
import type { TreeNode } from './tree-items';

export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
  picked?: boolean;
}

export interface InputOptions {
  title: string;
  prompt: string;
  value?: string;
  placeHolder?: string;
  /** Hide what is typed (tokens). */
  password?: boolean;
  validate?: (value: string) => string | undefined;
}

/** The user-facing calls commands make; vscode-ui.ts implements them with vscode.window. */
export interface Ui {
  input(options: InputOptions): Promise<string | undefined>;
  pickOne<T extends PickItem>(items: T[], options: { title: string; placeHolder?: string }): Promise<T | undefined>;
  pickMany<T extends PickItem>(items: T[], options: { title: string; placeHolder?: string }): Promise<T[] | undefined>;
  /** A modal yes/no; true only when the user chose `confirmLabel`. */
  confirm(message: string, confirmLabel: string): Promise<boolean>;
  info(message: string): void;
  error(message: string): void;
  /** A warning with buttons; resolves to the one chosen, or undefined when dismissed. */
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  /**
   * Runs `task` under a progress notification titled `title` with a Cancel button, which aborts
   * `progress.signal` (requests given it are interrupted on the gateway).
   */
  withProgress<T>(title: string, task: (progress: Progress) => Promise<T>): Promise<T>;
  /** A save dialog for a local file; its path, or undefined when dismissed. */
  saveFile(options: SaveFileOptions): Promise<string | undefined>;
}

export interface SaveFileOptions {
  title: string;
  /** The file name offered (in the workspace folder, or the home folder). */
  defaultName: string;
  /** Label → extensions without the dot. */
  filters: Record<string, string[]>;
}

export interface Progress {
  signal: AbortSignal;
  /** What is happening now, e.g. "12 MB received". */
  report(message: string): void;
}

/** What a grid panel shows. */
export interface GridTarget {
  source: Source;
  title: string;
  /** Set for query results: they can be saved and are closed with their panel. */
  result?: ResultInfo;
  /** Where a result came from; results of one origin reuse one panel (grid-reuse.ts). */
  origin?: ResultOrigin;
  /** The result is already gone (a panel restored after a window reload): it offers Run Again. */
  lost?: boolean;
  /** Open beside the active editor (results of a SQL file), keeping the editor's focus. */
  beside?: boolean;
}

/** Select/Filter of a frame, Run SQL, a statement of a SQL file (one panel per file), or a saved query's run. */
export type ResultOrigin = { kind: 'frame'; name: string } | { kind: 'sql' } | { kind: 'file'; uri: string } | { kind: 'query'; name: string };

export interface GridOpener {
  open(target: GridTarget): Promise<void> | void;
  /** The result shown in the active (or last active) result panel. */
  activeResult(): ResultInfo | undefined;
  /** What the grid panel in front shows (a frame's preview or a result), if one is in front. */
  activeTarget?(): GridTarget | undefined;
}

export interface CommandContext {
  connection: { requireClient(): Gateway; readonly me: WhoAmIResult | undefined };
  ui: Ui;
  grids: GridOpener;
  log: Logger;
  /** Queries run from Run SQL…; none kept without it. */
  history?: SqlHistory;
}

/** A frame name from a command argument: a name (tree click) or a tree node (context menu). */
export function frameNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (typeof arg === 'object' && arg !== null) {
    const node = (arg as { node?: TreeNode }).node ?? (arg as TreeNode);
    if (node.kind === 'frame') return node.frame.name;
    if (node.kind === 'column') return node.frame;
    if (node.kind === 'versions') return node.frame.name;
    if (node.kind === 'version') return `${node.frame.name}@${node.version.version}`;
  }
  return undefined;
}

/** Runs a command body; failures become an error notification and a log line, never silence. */
export async function runCommand<T>(ctx: CommandContext, name: string, body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (error) {
    if (isCancelled(error)) {
      ctx.log.info('command.cancelled', { command: name });
      return undefined;
    }
    ctx.log.error('command.failed', { command: name, error });
    ctx.ui.error(describeError(error));
    return undefined;
  }
}

/** Runs a gateway request under a progress notification whose Cancel interrupts it on the gateway. */
export function withCancel<T>(ctx: Pick<CommandContext, 'ui'>, title: string, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return ctx.ui.withProgress(title, (progress) => request(progress.signal));
}

/** Asks whether to replace an existing frame; true to go on with `replace: true`. */
export async function confirmReplace(ctx: Pick<CommandContext, 'ui'>, name: string): Promise<boolean> {
  return ctx.ui.confirm(`A frame named "${name}" already exists. Replace it?`, 'Replace');
}

/**
 * Saves with `save(replace)`: first without replacing; when the name is taken, asks, and saves a
 * new version only if the user agrees. Resolves to undefined when they decline (nothing saved,
 * nothing to report).
 */
export async function saveAsking<T>(ctx: Pick<CommandContext, 'ui'>, name: string, save: (replace: boolean) => Promise<T>): Promise<T | undefined> {
  try {
    return await save(false);
  } catch (error) {
    if (!isFramegateError(error, ErrorCodes.FrameExists)) throw error;
  }
  if (!(await confirmReplace(ctx, name))) return undefined;
  return save(true);
}

interface PickFrameOptions {
  /** Only frames the caller may share, unshare and delete; `verb` names what for messages. */
  manage?: { verb: string };
}

/** Why `frame` cannot be managed by the caller, or undefined when it can. */
function notManageable(frame: FrameInfo, verb: string): string | undefined {
  return frame.canManage ? undefined : `Framegate: only the owner of ${frame.name} (${frame.owner}) or an admin may ${verb} it.`;
}

/** The frame a command works on: the one named by `arg`, or one the user picks (full names). */
export async function pickFrame(ctx: CommandContext, title: string, arg: unknown, options: PickFrameOptions = {}): Promise<FrameInfo | undefined> {
  const client = ctx.connection.requireClient();
  const name = frameNameOf(arg);
  if (name !== undefined) {
    const frame = await client.request(Methods.schema, { name });
    const refused = options.manage && notManageable(frame, options.manage.verb);
    if (refused) {
      ctx.ui.error(refused);
      return undefined;
    }
    return frame;
  }
  const { frames } = await client.request(Methods.listFrames, {});
  const candidates = options.manage ? frames.filter((f) => f.canManage) : frames;
  if (candidates.length === 0) {
    ctx.ui.info(options.manage ? `You have no frames you may ${options.manage.verb}: save or load one first.` : 'The gateway has no frames you can see yet.');
    return undefined;
  }
  const items = candidates
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((frame) => ({ label: frame.name, description: `${frame.rowCount.toLocaleString('en-US')} rows · v${frame.version} · ${frame.owner}`, frame }));
  return (await ctx.ui.pickOne(items, { title, placeHolder: 'Choose a frame' }))?.frame;
}

export async function openResult(ctx: CommandContext, result: ResultInfo, title: string, origin: ResultOrigin): Promise<ResultInfo> {
  ctx.log.info('result.opened', { id: result.id, rows: result.rowCount, columns: result.columns.length });
  await ctx.grids.open({ source: { kind: 'result', id: result.id }, title, result, origin });
  return result;
}

export async function preview(ctx: CommandContext, arg?: unknown): Promise<FrameInfo | undefined> {
  const frame = await pickFrame(ctx, 'Framegate: Preview', arg);
  if (!frame) return undefined;
  // `NAME@N` previews that version only (frame-version.ts); the gateway answers with the bare name.
  const name = frameNameOf(arg)?.includes('@') ? `${frame.name}@${frame.version}` : frame.name;
  await ctx.grids.open({ source: { kind: 'frame', name }, title: name });
  return frame;
}

export async function selectColumns(ctx: CommandContext, arg?: unknown): Promise<ResultInfo | undefined> {
  const frame = await pickFrame(ctx, 'Framegate: Select Columns', arg);
  if (!frame) return undefined;
  const picked = await ctx.ui.pickMany(columnPickItems(frame.columns), { title: `Columns of ${frame.name}`, placeHolder: 'Columns to keep' });
  if (!picked) return undefined;
  if (picked.length === 0) {
    ctx.ui.error('Framegate: choose at least one column.');
    return undefined;
  }
  const params = buildSelectParams(frame, { columns: picked.map((p) => p.label) });
  const client = ctx.connection.requireClient();
  const result = await withCancel(ctx, `Selecting from ${frame.name}…`, (signal) => client.request(Methods.select, params, { signal }));
  return openResult(ctx, result, `${frame.name} (${params.columns?.length ?? frame.columns.length} columns)`, { kind: 'frame', name: frame.name });
}

export async function filter(ctx: CommandContext, arg?: unknown): Promise<ResultInfo | undefined> {
  const frame = await pickFrame(ctx, 'Framegate: Filter', arg);
  if (!frame) return undefined;
  const condition = await ctx.ui.input({
    title: `Filter ${frame.name}`,
    prompt: `A SQL condition over ${frame.columns.map((c) => c.name).join(', ')}`,
    placeHolder: "region = 'EU' AND amount > 100",
    validate: validateFilter,
  });
  if (condition === undefined) return undefined;
  const params = buildSelectParams(frame, { filter: condition });
  const client = ctx.connection.requireClient();
  const result = await withCancel(ctx, `Filtering ${frame.name}…`, (signal) => client.request(Methods.select, params, { signal }));
  return openResult(ctx, result, `${frame.name} where ${params.filter ?? ''}`, { kind: 'frame', name: frame.name });
}

// Share…, Unshare…, Publish and Delete work on every kind of object: object-commands.ts.
export { deleteObject as deleteFrame, publish, share, unshare } from './object-commands';
