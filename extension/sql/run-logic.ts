/**
 * Running SQL from a file, without `vscode`: which statement (the one at the cursor, a selection,
 * or one a lens names), each run on the gateway with its result in the file's own results panel
 * beside the editor. Run File runs the statements in order, stops at the first failure (saying
 * which line), frees the results it does not show and shows the last.
 */
import { basename } from 'node:path';
import { Methods, splitStatements, statementAt, type ResultInfo } from '../../protocol';
import type { CommandContext } from '../commands';
import { saveResultAs } from '../sql-commands';
import { resultTitle } from '../command-logic';
import { describeError } from '../errors';

/** A document as far as running its SQL goes. */
export interface SqlDocument {
  uri: string;
  /** For titles and messages, e.g. "report.sql". */
  fileName: string;
  text: string;
  /** Line (0-based) of an offset. */
  lineAt(offset: number): number;
}

export interface StatementPick {
  sql: string;
  start: number;
}

/** The statement to run: the selection, or the statement at the cursor. */
export function pickStatement(document: SqlDocument, selection: { start: number; end: number }): StatementPick | undefined {
  if (selection.end > selection.start) {
    const sql = document.text.slice(selection.start, selection.end);
    if (sql.trim()) return { sql: sql.trim(), start: selection.start + (sql.length - sql.trimStart().length) };
  }
  const statement = statementAt(document.text, selection.start);
  return statement && { sql: document.text.slice(statement.start, statement.end), start: statement.start };
}

/** A lens's arguments (uri, start, end) as the statement they name, if they still fit the text. */
export function statementFromArgs(document: SqlDocument, start: unknown, end: unknown): StatementPick | undefined {
  if (typeof start !== 'number' || typeof end !== 'number' || start < 0 || end > document.text.length || end <= start) return undefined;
  return { sql: document.text.slice(start, end), start };
}

function failure(document: SqlDocument, pick: StatementPick, error: unknown): Error {
  return new Error(`${describeError(error)} (${document.fileName}, line ${document.lineAt(pick.start) + 1})`);
}

async function show(ctx: CommandContext, document: SqlDocument, result: ResultInfo, sql: string): Promise<void> {
  const title = `${basename(document.fileName)} · ${resultTitle(sql).replace(/^Result: /, '')}`;
  await ctx.grids.open({ source: { kind: 'result', id: result.id }, title, result, origin: { kind: 'file', uri: document.uri }, beside: true });
}

export async function runStatement(ctx: CommandContext, document: SqlDocument, pick: StatementPick): Promise<ResultInfo> {
  let result: ResultInfo;
  try {
    result = await ctx.connection.requireClient().request(Methods.sql, { sql: pick.sql });
  } catch (error) {
    throw failure(document, pick, error);
  }
  ctx.log.info('sql.statement.ran', { uri: document.uri, line: document.lineAt(pick.start) + 1, id: result.id, rows: result.rowCount });
  await show(ctx, document, result, pick.sql);
  return result;
}

/** Runs the statement, shows it, then asks for a name and saves it. */
export async function saveStatementAs(ctx: CommandContext, document: SqlDocument, pick: StatementPick, name?: string): Promise<string | undefined> {
  const result = await runStatement(ctx, document, pick);
  return (await saveResultAs(ctx, result.id, name))?.name;
}

export async function runFile(ctx: CommandContext, document: SqlDocument): Promise<ResultInfo | undefined> {
  const statements = splitStatements(document.text);
  if (statements.length === 0) {
    ctx.ui.error(`Framegate: ${document.fileName} has no statement to run.`);
    return undefined;
  }
  const client = ctx.connection.requireClient();
  let last: { result: ResultInfo; sql: string } | undefined;
  for (const statement of statements) {
    const pick = { sql: document.text.slice(statement.start, statement.end), start: statement.start };
    let result: ResultInfo;
    try {
      result = await client.request(Methods.sql, { sql: pick.sql });
    } catch (error) {
      throw failure(document, pick, error);
    } finally {
      if (last) void client.request(Methods.closeResult, { id: last.result.id }).catch(() => undefined);
    }
    last = { result, sql: pick.sql };
  }
  ctx.log.info('sql.file.ran', { uri: document.uri, statements: statements.length });
  await show(ctx, document, last!.result, last!.sql);
  if (statements.length > 1) ctx.ui.info(`Framegate: ran ${statements.length} statements of ${document.fileName}; showing the last.`);
  return last!.result;
}
