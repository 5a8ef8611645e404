/**
 * What each command does, over small interfaces (Ui, the connection, the grid panels) so unit
 * tests drive them without VS Code. extension/main.ts registers them; vscode-ui.ts implements Ui.
 * Frames are named by their full name (`namespace.name`) everywhere; a bare name given to a save
 * goes to your own namespace (the gateway decides, the prompt says so).
 */
import { ErrorCodes, Methods, type FrameInfo, type ResultInfo, type Source, type WhoAmIResult } from '../protocol';
import {
  buildSelectParams,
  columnPickItems,
  formatOfPath,
  resultTitle,
  saveNamePrompt,
  suggestFrameName,
  validateFilter,
  validateFrameName,
  validateServerPath,
  validateSql,
} from './command-logic';
import type { Gateway } from './connection';
import { describeError, isFramegateError } from './errors';
import type { Logger } from './log';
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
}

/** What a grid panel shows. */
export interface GridTarget {
  source: Source;
  title: string;
  /** Set for query results: they can be saved and are closed with their panel. */
  result?: ResultInfo;
  /** Where a result came from; results of one origin reuse one panel (grid-reuse.ts). */
  origin?: ResultOrigin;
}

/** Select/Filter of a frame, Run SQL, or a saved query's run. */
export type ResultOrigin = { kind: 'frame'; name: string } | { kind: 'sql' } | { kind: 'query'; name: string };

export interface GridOpener {
  open(target: GridTarget): Promise<void> | void;
  /** The result shown in the active (or last active) result panel. */
  activeResult(): ResultInfo | undefined;
}

export interface CommandContext {
  connection: { requireClient(): Gateway; readonly me: WhoAmIResult | undefined };
  ui: Ui;
  grids: GridOpener;
  log: Logger;
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
    ctx.log.error('command.failed', { command: name, error });
    ctx.ui.error(describeError(error));
    return undefined;
  }
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
async function pickFrame(ctx: CommandContext, title: string, arg: unknown, options: PickFrameOptions = {}): Promise<FrameInfo | undefined> {
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

async function openResult(ctx: CommandContext, result: ResultInfo, title: string, origin: ResultOrigin): Promise<ResultInfo> {
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
  const result = await ctx.connection.requireClient().request(Methods.select, params);
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
  const result = await ctx.connection.requireClient().request(Methods.select, params);
  return openResult(ctx, result, `${frame.name} where ${params.filter ?? ''}`, { kind: 'frame', name: frame.name });
}

/**
 * Runs a query and opens its result. With `ask` (the palette), the user edits `sql` first; without
 * (a caller passing SQL, e.g. a script or test), `sql` runs as given.
 */
export async function runSql(ctx: CommandContext, initialSql?: string, { ask = true }: { ask?: boolean } = {}): Promise<ResultInfo | undefined> {
  if (!ask && initialSql !== undefined) {
    const invalid = validateSql(initialSql);
    if (invalid) throw new Error(invalid);
  }
  const sql = !ask && initialSql !== undefined ? initialSql : await ctx.ui.input({
    title: 'Framegate: Run SQL',
    prompt: 'A read-only query over named frames',
    value: initialSql,
    placeHolder: 'SELECT region, sum(amount) AS total FROM sales GROUP BY region',
    validate: validateSql,
  });
  if (sql === undefined) return undefined;
  const result = await ctx.connection.requireClient().request(Methods.sql, { sql: sql.trim() });
  return openResult(ctx, result, resultTitle(sql), { kind: 'sql' });
}

/** Asks whether to replace an existing frame; true to go on with `replace: true`. */
async function confirmReplace(ctx: CommandContext, name: string): Promise<boolean> {
  return ctx.ui.confirm(`A frame named "${name}" already exists. Replace it?`, 'Replace');
}

/** Saves a result (by default the active result panel's) as a frame; asks for the name unless given. */
export async function saveResultAs(ctx: CommandContext, resultId?: string, frameName?: string): Promise<FrameInfo | undefined> {
  const id = resultId ?? ctx.grids.activeResult()?.id;
  if (id === undefined) {
    ctx.ui.error('Framegate: no query result is open. Run Select Columns…, Filter… or Run SQL… first.');
    return undefined;
  }
  if (frameName !== undefined) {
    const invalid = validateFrameName(frameName);
    if (invalid) throw new Error(invalid);
  }
  const input =
    frameName ??
    (await ctx.ui.input({ title: 'Framegate: Save Result As', ...saveNamePrompt(ctx.connection.me), validate: validateFrameName }));
  if (input === undefined) return undefined;
  const name = input.trim();
  const client = ctx.connection.requireClient();
  let saved: FrameInfo;
  try {
    saved = await client.request(Methods.save, { name, from: { result: id } });
  } catch (error) {
    if (!isFramegateError(error, ErrorCodes.FrameExists) || !(await confirmReplace(ctx, name))) throw error;
    saved = await client.request(Methods.save, { name, from: { result: id }, replace: true });
  }
  ctx.log.info('result.saved', { id, name: saved.name, rows: saved.rowCount });
  ctx.ui.info(`Saved ${saved.name} (${saved.rowCount.toLocaleString('en-US')} rows).`);
  return saved;
}

export async function loadFile(ctx: CommandContext): Promise<FrameInfo | undefined> {
  const path = await ctx.ui.input({
    title: 'Framegate: Load File (1/2)',
    prompt: 'Path of a CSV, Parquet or JSON file on the gateway machine (relative paths: first import dir)',
    placeHolder: 'sales-2024.parquet',
    validate: validateServerPath,
  });
  if (path === undefined) return undefined;
  const input = await ctx.ui.input({
    title: 'Framegate: Load File (2/2)',
    ...saveNamePrompt(ctx.connection.me),
    value: suggestFrameName(path),
    validate: validateFrameName,
  });
  if (input === undefined) return undefined;
  const name = input.trim();
  const format = formatOfPath(path);
  const client = ctx.connection.requireClient();
  const params = { path: path.trim(), name, ...(format ? { format } : {}) };
  let loaded: FrameInfo;
  try {
    loaded = await client.request(Methods.load, params);
  } catch (error) {
    if (!isFramegateError(error, ErrorCodes.FrameExists) || !(await confirmReplace(ctx, name))) throw error;
    loaded = await client.request(Methods.load, { ...params, replace: true });
  }
  ctx.log.info('file.loaded', { path: params.path, name: loaded.name, rows: loaded.rowCount });
  ctx.ui.info(`Loaded ${loaded.name} (${loaded.rowCount.toLocaleString('en-US')} rows).`);
  return loaded;
}

// Share…, Unshare…, Publish and Delete work on every kind of object: object-commands.ts.
export { deleteObject as deleteFrame, publish, share, unshare } from './object-commands';
