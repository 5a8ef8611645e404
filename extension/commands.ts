/**
 * What each command does, over small interfaces (Ui, the connection, the grid panels) so unit
 * tests drive them without VS Code. extension/main.ts registers them; vscode-ui.ts implements Ui.
 * Frames are named by their full name (`namespace.name`) everywhere; a bare name given to a save
 * goes to your own namespace (the gateway decides, the prompt says so).
 */
import { ErrorCodes, Methods, type FrameInfo, type Grantee, type ResultInfo, type Source, type WhoAmIResult } from '../protocol';
import {
  buildSelectParams,
  columnPickItems,
  deleteConfirmation,
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
import { accessPickItems, grantText, sameGrantee, sharedMessage, sharePickItems, unsharedMessage, unsharePickItems } from './sharing';
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
  /** Open beside the active editor (results of a SQL file), keeping the editor's focus. */
  beside?: boolean;
}

/** Select/Filter of a frame, Run SQL, or a statement of a SQL file (one panel per file). */
export type ResultOrigin = { kind: 'frame'; name: string } | { kind: 'sql' } | { kind: 'file'; uri: string };

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
  await ctx.grids.open({ source: { kind: 'frame', name: frame.name }, title: frame.name });
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

export async function deleteFrame(ctx: CommandContext, arg?: unknown): Promise<boolean> {
  const frame = await pickFrame(ctx, 'Framegate: Delete', arg, { manage: { verb: 'delete' } });
  if (!frame) return false;
  if (!(await ctx.ui.confirm(deleteConfirmation(frame), 'Delete'))) return false;
  await ctx.connection.requireClient().request(Methods.delete, { name: frame.name });
  ctx.log.info('frame.deleted', { name: frame.name });
  ctx.ui.info(`Deleted ${frame.name}.`);
  return true;
}

/** A grantee given as a command argument (scripts, tests): `{kind, name}` as in the protocol. */
function granteeOf(arg: unknown): Grantee | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { kind, name } = arg as { kind?: unknown; name?: unknown };
  if (kind === 'team') return { kind };
  if ((kind === 'user' || kind === 'group') && typeof name === 'string' && name !== '') return { kind, name };
  return undefined;
}

function requireMe(ctx: CommandContext): WhoAmIResult {
  ctx.connection.requireClient();
  const me = ctx.connection.me;
  if (!me) throw new Error('Framegate: not signed in yet; try again once connected.');
  return me;
}

/**
 * Share…: whom (the gateway's users and groups, or the whole team), then read only or read &
 * write. With `with` and `write` given (scripts, tests) it asks nothing.
 */
export async function share(ctx: CommandContext, arg?: unknown, withArg?: unknown, writeArg?: unknown): Promise<FrameInfo | undefined> {
  const me = requireMe(ctx);
  const frame = await pickFrame(ctx, 'Framegate: Share', arg, { manage: { verb: 'share' } });
  if (!frame) return undefined;
  const client = ctx.connection.requireClient();
  let to = granteeOf(withArg);
  if (!to) {
    const directory = await client.request(Methods.listUsers, {});
    const items = sharePickItems(frame, directory, me);
    if (items.length === 0) {
      ctx.ui.info(`There is nobody on this gateway to share ${frame.name} with yet.`);
      return undefined;
    }
    const picked = await ctx.ui.pickOne(items, { title: `Share ${frame.name} with…`, placeHolder: 'A colleague, a group, or the whole team' });
    if (!picked) return undefined;
    to = picked.grantee;
  }
  let write = typeof writeArg === 'boolean' ? writeArg : undefined;
  if (write === undefined) {
    const target = to;
    const access = await ctx.ui.pickOne(accessPickItems(target), { title: `What may ${grantText({ to: target, write: false }, { access: false })} do with ${frame.name}?` });
    if (!access) return undefined;
    write = access.write;
  }
  const shared = await client.request(Methods.share, { name: frame.name, with: to, write });
  ctx.log.info('frame.shared', { name: shared.name, with: to, write });
  ctx.ui.info(sharedMessage(shared.name, to, write));
  return shared;
}

/** Unshare…: one of the frame's current grants (or the one given as argument). */
export async function unshare(ctx: CommandContext, arg?: unknown, withArg?: unknown): Promise<FrameInfo | undefined> {
  const frame = await pickFrame(ctx, 'Framegate: Unshare', arg, { manage: { verb: 'unshare' } });
  if (!frame) return undefined;
  let to = granteeOf(withArg);
  if (!to) {
    const items = unsharePickItems(frame);
    if (items.length === 0) {
      ctx.ui.info(frame.published && (frame.grants ?? []).length === 0 ? `${frame.name} is in the team namespace: everyone reads it.` : `${frame.name} is not shared with anyone.`);
      return undefined;
    }
    const picked = await ctx.ui.pickOne(items, { title: `Stop sharing ${frame.name} with…` });
    if (!picked) return undefined;
    to = picked.grant.to;
  } else if (!(frame.grants ?? []).some((g) => sameGrantee(g.to, to!))) {
    ctx.ui.info(`${frame.name} is not shared with ${grantText({ to, write: false }, { access: false })}.`);
    return undefined;
  }
  const unshared = await ctx.connection.requireClient().request(Methods.unshare, { name: frame.name, with: to });
  ctx.log.info('frame.unshared', { name: unshared.name, with: to });
  ctx.ui.info(unsharedMessage(unshared.name, to));
  return unshared;
}

/** Publish: share with the whole team, read only. */
export async function publish(ctx: CommandContext, arg?: unknown): Promise<FrameInfo | undefined> {
  const frame = await pickFrame(ctx, 'Framegate: Publish', arg, { manage: { verb: 'publish' } });
  if (!frame) return undefined;
  if (frame.published) {
    ctx.ui.info(`${frame.name} is already published to the whole team.`);
    return frame;
  }
  const to: Grantee = { kind: 'team' };
  const published = await ctx.connection.requireClient().request(Methods.share, { name: frame.name, with: to, write: false });
  ctx.log.info('frame.shared', { name: published.name, with: to, write: false });
  ctx.ui.info(sharedMessage(published.name, to, false));
  return published;
}
