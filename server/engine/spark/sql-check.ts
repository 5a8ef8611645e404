/**
 * Editor help on Spark: a statement is bound like any query (binder.ts: Spark parses it, the
 * resolver checks every name) and its schema comes from AnalyzePlan, so nothing runs. Spark's
 * errors say where they are as `(line L, pos P)` for the parser; for the analyzer they name the
 * column or function in back quotes, found again in the user's own text.
 */
import { ErrorCodes, FramegateError, identifierName, tokenize, type SqlProblem } from '../../../protocol';
import type { SqlFunctionKind, SqlVocabulary } from '../engine';
import type { ConnectSession, ExecuteOptions } from './connect-session';
import { ALLOWED_TABLE_FUNCTIONS } from './guard';
import { sqlRelation } from './plans';
import { tableFromIPC } from 'apache-arrow';

const REFUSED = new Set(['reflect', 'java_method', 'try_reflect']);

function wholeStatement(sql: string, kind: SqlProblem['kind'], message: string): SqlProblem {
  const tokens = tokenize(sql);
  return { kind, message, start: tokens[0]?.start ?? 0, end: tokens.at(-1)?.end ?? sql.length };
}

/** The offset of line `line` (1-based), column `pos` (0-based) in `sql`. */
function offsetOf(sql: string, line: number, pos: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const newline = sql.indexOf('\n', offset);
    if (newline < 0) return sql.length;
    offset = newline + 1;
  }
  return Math.min(sql.length, offset + pos);
}

/** The first identifier token of `sql` spelling `name` (case-insensitive), as a range. */
function identifierRange(sql: string, name: string): { start: number; end: number } | undefined {
  const lower = name.toLowerCase();
  const parts = lower.split('.');
  const last = parts.at(-1)!;
  const token = tokenize(sql).find((t) => (t.kind === 'word' || t.kind === 'quoted') && identifierName(t).toLowerCase() === last);
  return token ? { start: token.start, end: token.end } : undefined;
}

/** Spark's message without its SQLSTATE and query excerpt, and where in `sql` the problem is. */
export function locateSparkProblem(error: unknown, sql: string): SqlProblem {
  if (error instanceof FramegateError && (error.code === ErrorCodes.FrameNotFound || error.code === ErrorCodes.AmbiguousName)) {
    const detail = error.detail as { name?: unknown } | undefined;
    const name = typeof detail?.name === 'string' ? detail.name : '';
    const range = identifierRange(sql, name.replace(/@[0-9]+$/, ''));
    return range ? { kind: 'frame', message: error.message, ...range } : wholeStatement(sql, 'frame', error.message);
  }
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.split(/\n\s*== SQL/)[0]!.replace(/\s*SQLSTATE: \w+/, '').trim();
  if (error instanceof FramegateError && error.code === ErrorCodes.SqlRefused) return wholeStatement(sql, 'refused', message);
  const parsed = /\(line (\d+), pos (\d+)\)/.exec(raw);
  if (/PARSE_|Syntax error/i.test(raw) && parsed) {
    const start = offsetOf(sql, Number(parsed[1]), Number(parsed[2]));
    const token = tokenize(sql).find((t) => t.end > start);
    return { kind: 'syntax', message, start: token?.start ?? start, end: token?.end ?? Math.min(sql.length, start + 1) };
  }
  if (/PARSE_|Syntax error/i.test(raw)) return wholeStatement(sql, 'syntax', message);
  const quoted = /`((?:[^`]|``)+)`/.exec(message)?.[1]?.replace(/``/g, '`');
  const kind: SqlProblem['kind'] = /UNRESOLVED_ROUTINE|FUNCTION/.test(raw) ? 'function' : /UNRESOLVED_COLUMN|FIELD/.test(raw) ? 'column' : 'other';
  const range = quoted ? identifierRange(sql, quoted) : undefined;
  return range ? { kind, message, ...range } : wholeStatement(sql, kind, message);
}

function firstColumn(batches: Uint8Array[]): string[] {
  const values: string[] = [];
  for (const batch of batches) {
    const column = tableFromIPC(batch).getChildAt(0);
    for (let i = 0; i < (column?.length ?? 0); i++) values.push(String(column!.get(i)));
  }
  return values;
}

/** Spark's built-in functions (the guard's allowed table functions only) and its SQL keywords. */
export async function readSparkVocabulary(session: ConnectSession, options: ExecuteOptions): Promise<SqlVocabulary> {
  const names = firstColumn((await session.collect(sqlRelation('SHOW SYSTEM FUNCTIONS'), options)).batches);
  const functions: { name: string; kind: SqlFunctionKind }[] = [];
  for (const name of new Set(names.map((n) => n.toLowerCase()))) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name) || REFUSED.has(name)) continue;
    functions.push({ name, kind: ALLOWED_TABLE_FUNCTIONS.has(name) ? 'table' : 'scalar' });
  }
  let keywords: string[] = [];
  try {
    keywords = firstColumn((await session.collect(sqlRelation('SELECT keyword FROM sql_keywords()'), options)).batches).map((k) => k.toUpperCase());
  } catch {
    // Spark before 3.5 has no sql_keywords(): functions still complete, keywords come from the gateway's list.
  }
  return { functions, keywords };
}
