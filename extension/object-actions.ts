/**
 * What the tree and pop-ups do with saved queries, notes and lineage, over the Ui and a Documents
 * port so tests drive them without VS Code: open a query's SQL, run it into a result grid, save
 * SQL as a query, add a note to a frame, open a note (as an editable document), show lineage.
 */
import { ErrorCodes, Methods, type DeleteObjectResult, type FrameInfo, type NoteInfo, type QueryInfo } from '../protocol';
import { validateFrameName, validateSql } from './command-logic';
import type { CommandContext } from './commands';
import { isFramegateError } from './errors';
import { lineageMarkdown } from './lineage-text';
import { objectRefOf, pickObject } from './object-commands';

/** Where text goes to be read or edited: vscode documents in the extension, a list in tests. */
export interface Documents {
  /** A new read-only-in-spirit document (untitled) with `content`. */
  openText(content: string, language: 'sql' | 'markdown'): Promise<void>;
  /** The note `name` as a document whose save adds a version (note-documents.ts). */
  openNote(name: string): Promise<void>;
}

export interface ObjectActionContext extends CommandContext {
  documents: Documents;
}

async function pickKind<K extends 'query' | 'note' | 'frame'>(ctx: CommandContext, title: string, arg: unknown, kind: K) {
  const object = await pickObject(ctx, title, arg, { kinds: [kind] });
  return object?.kind === kind ? (object as Extract<FrameInfo | QueryInfo | NoteInfo, { kind: K }>) : undefined;
}

/** Open Query: its SQL in a new editor (Run SQL… there runs it as edited). */
export async function openQuery(ctx: ObjectActionContext, arg?: unknown): Promise<QueryInfo | undefined> {
  const query = await pickKind(ctx, 'Framegate: Open Query', arg, 'query');
  if (!query) return undefined;
  const header = `-- ${query.name} v${query.version} by ${query.author}${query.description ? `: ${query.description.split('\n')[0]}` : ''}\n`;
  await ctx.documents.openText(`${header}${query.sql}\n`, 'sql');
  return query;
}

/** Run Query: the saved query (NAME or NAME@N) as the caller, into a result grid. */
export async function runQuery(ctx: CommandContext, arg?: unknown): Promise<{ id: string; rowCount: number } | undefined> {
  const ref = objectRefOf(arg);
  const name = ref?.name ?? (await pickKind(ctx, 'Framegate: Run Query', arg, 'query'))?.name;
  if (name === undefined) return undefined;
  const run = await ctx.connection.requireClient().request(Methods.runQuery, { name });
  ctx.log.info('query.ran', { query: run.query, version: run.version, id: run.id, rows: run.rowCount });
  const result = { id: run.id, columns: run.columns, rowCount: run.rowCount, sql: run.sql };
  await ctx.grids.open({ source: { kind: 'result', id: run.id }, title: `${run.query}@${run.version}`, result, origin: { kind: 'query', name: run.query } });
  return { id: run.id, rowCount: run.rowCount };
}

/**
 * Save Query…: SQL under a name; asks before adding a version to an existing one. The SQL is asked
 * for, prefilled with `prefill` (the editor's, or the active result's); given as `sql` (scripts,
 * tests) it is not asked again.
 */
export async function saveQuery(ctx: CommandContext, { sql: given, prefill, name: nameArg }: { sql?: string; prefill?: string; name?: string } = {}): Promise<QueryInfo | undefined> {
  const sql =
    given ??
    (await ctx.ui.input({ title: 'Framegate: Save Query', prompt: 'The SQL to save (checked, not run)', value: prefill, placeHolder: 'SELECT region, sum(amount) AS total FROM sales GROUP BY region', validate: validateSql }));
  if (sql === undefined) return undefined;
  const invalidSql = validateSql(sql);
  if (invalidSql) throw new Error(invalidSql);
  const name =
    nameArg ?? (await ctx.ui.input({ title: 'Framegate: Save Query', prompt: 'A name for the query: a bare name goes to your own namespace', placeHolder: 'totals_by_region', validate: validateFrameName }));
  if (name === undefined) return undefined;
  const client = ctx.connection.requireClient();
  let saved: QueryInfo;
  try {
    saved = await client.request(Methods.saveQuery, { name, sql: sql.trim() });
  } catch (error) {
    if (!isFramegateError(error, ErrorCodes.FrameExists)) throw error;
    if (!(await ctx.ui.confirm(`A query named "${name}" already exists. Save this SQL as its next version?`, 'Save Version'))) return undefined;
    saved = await client.request(Methods.saveQuery, { name, sql: sql.trim(), replace: true });
  }
  ctx.log.info('query.saved', { name: saved.name, version: saved.version });
  ctx.ui.info(`Saved the query ${saved.name} (v${saved.version}). Run it from the Frames view.`);
  return saved;
}

/** Add Note…: a note on a frame (the one the tree item names, or one picked). */
export async function addNote(ctx: CommandContext, arg?: unknown, textArg?: string): Promise<NoteInfo | undefined> {
  const frame = await pickKind(ctx, 'Framegate: Add Note', arg, 'frame');
  if (!frame) return undefined;
  const text =
    textArg ??
    (await ctx.ui.input({
      title: `Framegate: Add a note on ${frame.name}`,
      prompt: 'Markdown; everyone who reads the frame reads the note. Open it later to write more.',
      validate: (value) => (value.trim() === '' ? 'Write something first.' : undefined),
    }));
  if (text === undefined) return undefined;
  const note = await ctx.connection.requireClient().request(Methods.addNote, { on: frame.name, text });
  ctx.log.info('note.added', { name: note.name, on: frame.name });
  ctx.ui.info(`Added a note on ${frame.name}.`);
  return note;
}

/** Show Note: the note as a document; saving it adds a version. */
export async function showNote(ctx: ObjectActionContext, arg?: unknown): Promise<NoteInfo | undefined> {
  const note = await pickKind(ctx, 'Framegate: Show Note', arg, 'note');
  if (!note) return undefined;
  await ctx.documents.openNote(note.name);
  return note;
}

/** Show Lineage: where a frame (or one version of it) came from, as a Markdown document. */
export async function showLineage(ctx: ObjectActionContext, arg?: unknown): Promise<string | undefined> {
  const ref = objectRefOf(arg);
  const name = ref?.name ?? (await pickKind(ctx, 'Framegate: Show Lineage', arg, 'frame'))?.name;
  if (name === undefined) return undefined;
  const { root } = await ctx.connection.requireClient().request(Methods.lineage, { name, ...(ref?.kind ? { kind: ref.kind } : {}) });
  const text = lineageMarkdown(root);
  await ctx.documents.openText(text, 'markdown');
  return text;
}

/** Remove Version: one older version's data (the version stays listed, for lineage). */
export async function removeVersion(ctx: CommandContext, arg?: unknown): Promise<DeleteObjectResult | undefined> {
  const ref = objectRefOf(arg);
  if (!ref?.name.includes('@')) throw new Error('Framegate: choose a version under a frame in the Frames view to remove it.');
  if (!(await ctx.ui.confirm(`Remove ${ref.name}? Its data goes; the version stays listed, for lineage.`, 'Remove'))) return undefined;
  const removed = await ctx.connection.requireClient().request(Methods.deleteObject, { name: ref.name, kind: 'frame' });
  ctx.log.info('version.removed', { name: removed.deleted, version: removed.version });
  ctx.ui.info(`Removed ${ref.name}.`);
  return removed;
}
