/**
 * The SQL guard: what client SQL may use besides frames, checked node by node on the parse tree
 * DuckDB itself produced (`json_serialize_sql`). Pure: the binder (sql-binder.ts) walks the tree
 * and calls these. Client SQL is untrusted (treat it like shell code); DuckDB's lock-down
 * settings are only defence in depth.
 *
 * - table functions must be on an allow-list (file readers take constant paths, checked by the
 *   binder against the import policy);
 * - functions that read settings, the environment, secrets or the catalog are refused anywhere;
 * - no qualified function names, no query parameters, no SHOW/DESCRIBE of the database.
 */
import type { LosslessNumber } from 'lossless-json';
import { ErrorCodes, FramegateError } from '../../../protocol';

/** A parse tree as lossless-json reads it: numbers stay as their exact text. */
export type Json = null | boolean | string | LosslessNumber | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !('isLosslessNumber' in value);
}

export function str(node: JsonObject, key: string): string {
  const value = node[key];
  return typeof value === 'string' ? value : '';
}

/** Table functions a query may use. */
export const ALLOWED_TABLE_FUNCTIONS = new Set([
  'range',
  'generate_series',
  'unnest',
  'read_csv',
  'read_csv_auto',
  'read_parquet',
  'parquet_scan',
  'read_json',
  'read_json_auto',
]);

/** Table functions that read files: their first argument is a path, a glob or a list of them. */
export const FILE_READERS = new Set(['read_csv', 'read_csv_auto', 'read_parquet', 'parquet_scan', 'read_json', 'read_json_auto']);

/** Scalar functions refused anywhere: they read settings, the environment, secrets or the catalog. */
const REFUSED_FUNCTIONS = new Set([
  'current_setting',
  'getenv',
  'which_secret',
  'json_deserialize_sql',
  'json_serialize_sql',
  'query',
  'query_table',
  'format_type',
  'get_block_size',
]);
const REFUSED_FUNCTION_PREFIXES = ['duckdb_', 'pragma_', 'sqlite_', 'pg_'];

export function refused(message: string, detail?: unknown): FramegateError {
  return new FramegateError(ErrorCodes.SqlRefused, message, detail);
}

/** The first keyword of a statement, for messages ("got INSERT"). */
export function leadingKeyword(sql: string): string {
  const stripped = sql.replace(/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()+/, '');
  const match = /^[A-Za-z_]+/.exec(stripped);
  return match ? match[0].toUpperCase() : 'an empty statement';
}

export function onlySelectMessage(sql: string): string {
  return `only a single read-only SELECT is allowed; got ${leadingKeyword(sql)}`;
}

/** Why `json_serialize_sql` could not give a tree, as the error the client sees. */
export function serializeError(tree: JsonObject, sql: string): FramegateError {
  if (tree.error_type === 'not implemented') {
    const selectLike = ['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE'].includes(leadingKeyword(sql));
    return refused(selectLike ? `this query uses a construct the gateway cannot check: ${str(tree, 'error_message')}` : onlySelectMessage(sql));
  }
  return new FramegateError(ErrorCodes.InvalidSql, `Parser Error: ${str(tree, 'error_message')}`);
}

/** Checks a TABLE_FUNCTION's function node; returns its lower-case name. */
export function checkTableFunction(fn: JsonObject): string {
  const name = str(fn, 'function_name').toLowerCase();
  if (str(fn, 'catalog') || str(fn, 'schema')) throw refused(`qualified table function names are not allowed: ${name}`);
  if (!ALLOWED_TABLE_FUNCTIONS.has(name)) {
    throw refused(`table function ${name}() is not allowed; allowed: ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')}`, { function: name });
  }
  return name;
}

/** Whether client SQL may call the (unqualified, scalar/aggregate) function `name`. */
export function isFunctionAllowed(name: string): boolean {
  const lower = name.toLowerCase();
  return !REFUSED_FUNCTIONS.has(lower) && !REFUSED_FUNCTION_PREFIXES.some((p) => lower.startsWith(p));
}

/** Checks a scalar/aggregate FUNCTION expression node. */
export function checkFunction(node: JsonObject): void {
  const name = str(node, 'function_name').toLowerCase();
  if (str(node, 'catalog') || (str(node, 'schema') && str(node, 'schema').toLowerCase() !== 'main')) {
    throw refused(`qualified function names are not allowed: ${name}`);
  }
  if (!isFunctionAllowed(name)) {
    throw refused(`function ${name}() is not allowed`, { function: name });
  }
}

export function checkShowRef(node: JsonObject): void {
  if (!isObject(node.query) || str(node, 'table_name')) throw refused('SHOW/DESCRIBE of the database is not allowed; DESCRIBE a query or a frame instead');
}

/** A named option of a table function: `name := value` (an alias) or `name = value` (a comparison on a bare name). */
function isNamedOption(arg: Json | undefined): boolean {
  if (!isObject(arg)) return false;
  if (str(arg, 'alias')) return true;
  const left = arg.left;
  return arg.class === 'COMPARISON' && isObject(left) && left.class === 'COLUMN_REF' && Array.isArray(left.column_names) && left.column_names.length === 1;
}

/**
 * The path argument of a file reader: its one positional argument, first. Everything after it
 * must be a named option, so no second path can hide there.
 */
export function fileReaderPathArgument(reader: string, fn: JsonObject): Json | undefined {
  const args = Array.isArray(fn.children) ? fn.children : [];
  if (args.length === 0 || isNamedOption(args[0]) || args.slice(1).some((arg) => !isNamedOption(arg))) {
    throw refused(`${reader}() takes one file path (or a list of them) first, then named options only`);
  }
  return args[0];
}

export function parameterError(): FramegateError {
  return new FramegateError(ErrorCodes.InvalidSql, 'query parameters ($1, ?) are not supported; write the values into the query');
}

/** The constant strings of a file reader's first argument (a string or a list of them), or null. */
export function constantPaths(arg: Json | undefined): string[] | null {
  if (!isObject(arg)) return null;
  if (arg.class === 'CONSTANT') {
    const value = arg.value;
    if (isObject(value) && typeof value.value === 'string') return [value.value];
    return null;
  }
  if (arg.class === 'FUNCTION' && (arg.function_name === 'list_value' || arg.function_name === 'list_pack') && Array.isArray(arg.children)) {
    const paths: string[] = [];
    for (const child of arg.children) {
      const one = constantPaths(child);
      if (!one) return null;
      paths.push(...one);
    }
    return paths;
  }
  return null;
}

/** A top-level DESCRIBE / SUMMARIZE: it can only be materialized as a subquery. */
export function isShowStatement(statement: Json | undefined): boolean {
  if (!isObject(statement) || !isObject(statement.node)) return false;
  const from = statement.node.from_table;
  return isObject(from) && from.type === 'SHOW_REF';
}
