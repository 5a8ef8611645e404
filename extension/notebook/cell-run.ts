/**
 * Running one SQL cell, without `vscode`: the query on the gateway, an optional save under the
 * cell's name (`-- save as NAME` on a line of its own), and a text summary of the result (run
 * time, rows, the first rows) for the notebook file. A failure comes back with its place in the
 * cell, from the gateway's own check of the statement.
 */
import { tableFromIPC } from 'apache-arrow';
import { Methods, splitStatements, type ResultInfo } from '../../protocol';
import type { Gateway } from '../connection';
import { describeError } from '../errors';

/** `-- save as NAME` (or `namespace.name`) on a line of its own. */
const SAVE_DIRECTIVE = /^[ \t]*--[ \t]*save as[ \t]+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)[ \t]*$/im;
export const SUMMARY_ROWS = 10;

export interface CellResult {
  result: ResultInfo;
  ms: number;
  /** The frame the result was saved as (full name). */
  savedAs?: string;
  summary: string;
}

export class CellError extends Error {
  constructor(
    message: string,
    /** Where in the cell's text the problem is (offsets), when the gateway could tell. */
    readonly range?: { start: number; end: number },
  ) {
    super(message);
  }
}

export function saveDirective(source: string): string | undefined {
  return SAVE_DIRECTIVE.exec(source)?.[1];
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value.toString();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
}

/** A plain-text table of the first rows: `a | b` lines under a header, for the file and for reading without a gateway. */
export function summarize(result: ResultInfo, ipc: Uint8Array, ms: number, savedAs?: string): string {
  const table = tableFromIPC(ipc);
  const names = result.columns.map((c) => c.name);
  const rows: string[][] = [];
  for (let i = 0; i < table.numRows; i++) rows.push(names.map((_n, c) => cellText(table.getChildAt(c)?.get(i))).map((t) => (t.length > 40 ? `${t.slice(0, 39)}…` : t)));
  const widths = names.map((n, c) => Math.max(n.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ').trimEnd();
  const count = `${result.rowCount.toLocaleString('en-US')} ${result.rowCount === 1 ? 'row' : 'rows'} × ${names.length} ${names.length === 1 ? 'column' : 'columns'} · ${ms} ms`;
  const head = savedAs ? `${count} · saved as ${savedAs}` : count;
  const more = result.rowCount > rows.length ? [`… ${(result.rowCount - rows.length).toLocaleString('en-US')} more rows`] : [];
  return [head, line(names), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line), ...more].join('\n');
}

/** Where a failed statement's problem is, by the gateway's check; undefined if it cannot tell. */
async function locate(client: Gateway, source: string): Promise<{ start: number; end: number; message: string } | undefined> {
  const statement = splitStatements(source)[0];
  if (!statement) return undefined;
  try {
    const check = await client.request(Methods.sqlCheck, { sql: source.slice(statement.start, statement.end) });
    const problem = check.problems[0];
    return problem && { start: statement.start + problem.start, end: statement.start + problem.end, message: problem.message };
  } catch {
    return undefined;
  }
}

export async function runCell(client: Gateway, source: string, now: () => number = Date.now): Promise<CellResult> {
  const statements = splitStatements(source);
  if (statements.length === 0) throw new CellError('the cell has no statement');
  if (statements.length > 1) throw new CellError('a cell runs one statement: split this one into cells', { start: statements[1]!.start, end: statements[1]!.end });
  const sql = source.slice(statements[0]!.start, statements[0]!.end);
  const started = now();
  let result: ResultInfo;
  try {
    result = await client.request(Methods.sql, { sql });
  } catch (error) {
    const place = await locate(client, source);
    throw new CellError(describeError(error), place && { start: place.start, end: place.end });
  }
  const ms = now() - started;
  const name = saveDirective(source);
  let savedAs: string | undefined;
  if (name) savedAs = (await client.request(Methods.save, { name, from: { result: result.id }, replace: true })).name;
  const { ipc } = await client.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: SUMMARY_ROWS });
  return { result, ms, ...(savedAs ? { savedAs } : {}), summary: summarize(result, ipc, ms, savedAs) };
}
