/**
 * Editor help on DuckDB: checks a statement with DuckDB's own parser and binder without running
 * it, and says where each problem is in the SQL as the user wrote it.
 *
 * The binder (sql-binder.ts) rewrites client SQL before DuckDB binds it, so DuckDB's positions
 * for binder errors point into the rewritten text. The places come instead from the tree of the
 * user's own SQL (`json_serialize_sql` keeps each node's `query_location`, a byte offset): the
 * node that names the unknown frame, column or function the error names.
 */
import { isLosslessNumber, parse } from 'lossless-json';
import { ErrorCodes, FramegateError, tokenize, utf16Offset, type SqlProblem } from '../../../protocol';
import type { SqlCheck, SqlFunctionKind, SqlVocabulary, TableResolver } from '../engine';
import { toColumnInfo } from './sql-text';
import type { DuckConnection } from './duckdb';
import { timed, withoutRewrittenSql } from './errors';
import { tableReference, type SqlBinder } from './sql-binder';
import { ALLOWED_TABLE_FUNCTIONS, isFunctionAllowed, isObject, str, type Json, type JsonObject } from './sql-guard';
import type { Storage } from './storage';

export interface CheckParts {
  binder: SqlBinder;
  storage: Storage;
  queryTimeoutMs: number;
}

/** Nodes of `tree` (any depth) for which `match` holds. */
function findNodes(tree: Json | undefined, match: (node: JsonObject) => boolean, into: JsonObject[] = []): JsonObject[] {
  if (Array.isArray(tree)) tree.forEach((child) => findNodes(child, match, into));
  else if (isObject(tree)) {
    if (match(tree)) into.push(tree);
    for (const value of Object.values(tree)) findNodes(value, match, into);
  }
  return into;
}

/** A node's number (`query_location`, `position`), read from lossless-json's exact text. */
function numberOf(value: Json | undefined): number | undefined {
  const text = isLosslessNumber(value) ? value.toString() : typeof value === 'string' ? value : '';
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

function location(node: JsonObject): number | undefined {
  return numberOf(node.query_location);
}

/** From `start`: a (possibly qualified) name, `a.b."c"`, as one range. */
function nameSpan(sql: string, start: number): { start: number; end: number } {
  const tokens = tokenize(sql.slice(start, start + 2000));
  let end = tokens[0]?.end ?? 1;
  for (let i = 0; ; i += 2) {
    const dot = tokens[i + 1];
    const part = tokens[i + 2];
    if (dot?.text !== '.' || dot.start !== end || !part || part.start !== dot.end || (part.kind !== 'word' && part.kind !== 'quoted')) break;
    end = part.end;
  }
  return { start, end: start + end };
}

function wholeStatement(sql: string, kind: SqlProblem['kind'], message: string): SqlProblem {
  const tokens = tokenize(sql);
  return { kind, message, start: tokens[0]?.start ?? 0, end: tokens.at(-1)?.end ?? sql.length };
}

/** The first node `match` finds, as a problem range; the whole statement when there is none. */
function at(sql: string, tree: Json, kind: SqlProblem['kind'], message: string, match: (node: JsonObject) => boolean): SqlProblem {
  const node = findNodes(tree, (n) => match(n) && location(n) !== undefined)[0];
  if (!node) return wholeStatement(sql, kind, message);
  return { kind, message, ...nameSpan(sql, utf16Offset(sql, location(node)!)) };
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function columnNames(node: JsonObject): string[] {
  return Array.isArray(node.column_names) ? node.column_names.filter((n): n is string => typeof n === 'string') : [];
}

/** Without DuckDB's class prefix and "LINE n:" excerpt (which would quote rewritten SQL). */
function cleanMessage(error: unknown): string {
  const cut = withoutRewrittenSql(error);
  const message = cut instanceof Error ? cut.message : String(cut);
  return message.replace(/^[A-Za-z ]+ Error: /, '').trim();
}

/** Where an error of binding or preparing `sql` (whose tree is `tree`) is. */
export function locateProblem(error: unknown, sql: string, tree: Json): SqlProblem {
  if (error instanceof FramegateError) {
    const detail = isObject(error.detail as Json) ? (error.detail as JsonObject) : {};
    if (error.code === ErrorCodes.FrameNotFound || error.code === ErrorCodes.AmbiguousName) {
      const name = str(detail, 'name');
      return at(sql, tree, 'frame', error.message, (n) => n.type === 'BASE_TABLE' && same(tableReference(n).text, name));
    }
    if (error.code === ErrorCodes.SqlRefused) {
      const fn = str(detail, 'function');
      return fn ? at(sql, tree, 'refused', error.message, (n) => (n.class === 'FUNCTION' || isObject(n.function)) && same(str(n, 'function_name') || str(n.function as JsonObject, 'function_name'), fn)) : wholeStatement(sql, 'refused', error.message);
    }
  }
  const message = cleanMessage(error);
  const column = /Referenced column "([^"]+)" not found|does not have a column named "([^"]+)"/.exec(message);
  if (column) {
    const name = column[1] ?? column[2]!;
    return at(sql, tree, 'column', message, (n) => n.class === 'COLUMN_REF' && same(columnNames(n).at(-1) ?? '', name));
  }
  const table = /Referenced table "([^"]+)" not found/.exec(message);
  if (table) return at(sql, tree, 'column', message, (n) => n.class === 'COLUMN_REF' && columnNames(n).length > 1 && same(columnNames(n)[0]!, table[1]!));
  const fn = /Function with name "?([^"\s!]+)"? does not exist/.exec(message);
  if (fn) return at(sql, tree, 'function', message, (n) => n.class === 'FUNCTION' && same(str(n, 'function_name'), fn[1]!));
  return wholeStatement(sql, 'other', message);
}

/** The user's statement as DuckDB parses it, or the syntax problem with its place. */
async function parseTree(conn: DuckConnection, sql: string): Promise<{ tree: JsonObject } | { problem: SqlProblem }> {
  const rows = await conn.rows(`SELECT json_serialize_sql($1::VARCHAR) AS tree`, [sql]);
  const tree = parse(String(rows[0]?.tree)) as Json;
  if (!isObject(tree)) return { problem: wholeStatement(sql, 'other', 'could not inspect the query') };
  if (tree.error !== true) return { tree };
  const message = str(tree, 'error_message') || 'syntax error';
  if (str(tree, 'error_type') !== 'parser') return { problem: wholeStatement(sql, 'refused', `only a single read-only SELECT is allowed: ${message}`) };
  const position = numberOf(tree.position);
  const last = tokenize(sql).at(-1);
  const offset = position === undefined ? undefined : utf16Offset(sql, position);
  // "at end of input": the place is the last token, the one that left the statement unfinished.
  if (offset === undefined || !last || offset >= last.end || /end of input/.test(message)) {
    return { problem: { kind: 'syntax', message, start: last?.start ?? 0, end: last?.end ?? sql.length } };
  }
  return { problem: { kind: 'syntax', message, ...nameSpan(sql, offset) } };
}

/** Parses, binds (through the binder and `resolve`) and prepares `sql`; runs nothing. */
export async function checkSql(conn: DuckConnection, parts: CheckParts, sql: string, resolve: TableResolver): Promise<SqlCheck> {
  if (tokenize(sql).length === 0) return { ok: false, problem: { kind: 'syntax', message: 'no statement given', start: 0, end: sql.length } };
  const parsed = await parseTree(conn, sql);
  if ('problem' in parsed) return { ok: false, problem: parsed.problem };
  try {
    const bound = await parts.binder.bind(conn, sql, resolve);
    const query = bound.isShow ? `SELECT * FROM (\n${bound.sql}\n)` : bound.sql;
    const columns = await parts.storage.read(bound.storage, () => timed(conn, parts.queryTimeoutMs, () => conn.describe(query)));
    return { ok: true, columns: toColumnInfo(columns) };
  } catch (error) {
    if (error instanceof FramegateError && (error.code === ErrorCodes.QueryTimeout || error.code === ErrorCodes.Cancelled || error.code === ErrorCodes.InternalError)) throw error;
    return { ok: false, problem: locateProblem(error, sql, parsed.tree.statements ?? null) };
  }
}

const FUNCTION_KINDS: Record<string, SqlFunctionKind> = { scalar: 'scalar', macro: 'scalar', aggregate: 'aggregate', window: 'window', table: 'table', table_macro: 'table' };

/** DuckDB's functions the guard lets through, and DuckDB's keywords. */
export async function readVocabulary(conn: DuckConnection): Promise<SqlVocabulary> {
  const functions = new Map<string, SqlFunctionKind>();
  for (const row of await conn.rows(`SELECT DISTINCT function_name AS name, function_type AS type FROM duckdb_functions() WHERE schema_name IN ('main', 'pg_catalog') ORDER BY 1`)) {
    const name = String(row.name);
    const kind = FUNCTION_KINDS[String(row.type)];
    if (!kind || !/^[a-z_][a-z0-9_]*$/.test(name) || functions.has(name)) continue;
    if (kind === 'table' ? !ALLOWED_TABLE_FUNCTIONS.has(name) : !isFunctionAllowed(name)) continue;
    functions.set(name, kind);
  }
  const keywords = (await conn.rows(`SELECT keyword_name AS k FROM duckdb_keywords() ORDER BY 1`)).map((row) => String(row.k).toUpperCase());
  return { functions: [...functions].map(([name, kind]) => ({ name, kind })), keywords };
}

/**
 * Keywords DuckDB's own autocompletion (`sql_auto_complete`) expects at `offset`. Its table and
 * column suggestions come from DuckDB's catalog, which holds storage tables, not frames: left out.
 */
export async function autocompleteKeywords(conn: DuckConnection, sql: string, offset: number): Promise<string[]> {
  try {
    const rows = await conn.rows(`SELECT suggestion AS s, suggestion_type AS t FROM sql_auto_complete($1::VARCHAR) LIMIT 200`, [sql.slice(0, offset)]);
    return rows.filter((row) => String(row.t) === 'keyword').map((row) => String(row.s).trim().toUpperCase());
  } catch {
    return []; // a build without the autocomplete extension: the static keywords still serve
  }
}
