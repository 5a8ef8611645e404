/**
 * The SQL guard: client SQL is untrusted (treat it like shell code). DuckDB's lock-down settings
 * are defence in depth only; this walks the parse tree DuckDB itself produced
 * (`json_serialize_sql`) and allows only what a read-only query over named frames needs:
 *
 * - table references must be CTE names or frames of the catalog (else FrameNotFound);
 * - table functions must be on an allow-list (file readers reach only the import dirs);
 * - no catalog-qualified names, no DESCRIBE/SHOW of the catalog, no settings-reading functions.
 *
 * It is pure: the caller parses and supplies a frame lookup.
 */
import { ErrorCodes, FramegateError } from '../../protocol';

/** Table functions a query may use. File readers are bounded by DuckDB's `allowed_directories`. */
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

/** Scalar functions refused anywhere: they read settings, the environment or secrets. */
const REFUSED_FUNCTIONS = new Set(['current_setting', 'getenv', 'which_secret', 'json_deserialize_sql', 'query', 'query_table']);
const REFUSED_FUNCTION_PREFIXES = ['duckdb_', 'pragma_', 'sqlite_', 'pg_'];

export interface TableRef {
  catalog: string;
  schema: string;
  table: string;
}

/** Table functions that read files: their paths are checked here too, not only by DuckDB. */
const FILE_READERS = new Set(['read_csv', 'read_csv_auto', 'read_parquet', 'parquet_scan', 'read_json', 'read_json_auto']);

export interface GuardLookup {
  /** True when `namespace.name` (lower-cased parts) is a frame of the catalog. */
  frameExists(namespace: string, name: string): boolean;
  /** Why a file path may not be read (null: it may). */
  pathRefusal(path: string): string | null;
}

/** The constant file paths of a file reader's first argument, or null if it is not constant. */
function constantPaths(arg: Json | undefined): string[] | null {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg)) return null;
  if (arg.class === 'CONSTANT') {
    const value = arg.value;
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.value === 'string') return [value.value];
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

function refused(message: string, detail?: unknown): FramegateError {
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

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function str(node: { [key: string]: Json }, key: string): string {
  const value = node[key];
  return typeof value === 'string' ? value : '';
}

export interface GuardResult {
  /** Frames referenced, as `name` or `namespace.name`. */
  frames: string[];
  /** A top-level DESCRIBE / SUMMARIZE: it can only be embedded as a subquery. */
  isShow: boolean;
}

/**
 * Checks the serialized statements of one query. `tree` is the parsed output of
 * `json_serialize_sql`.
 */
export function checkParseTree(tree: Json, lookup: GuardLookup, sql: string): GuardResult {
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) throw refused('could not inspect the query');
  const statements = tree.statements;
  if (!Array.isArray(statements) || statements.length !== 1) throw refused(onlySelectMessage(sql) + ' (several statements)');

  const cteNames = new Set<string>();
  const tableRefs: TableRef[] = [];
  const tableFunctions: string[] = [];
  const functions: string[] = [];

  const visit = (node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const type = str(node, 'type');
    if (type === 'BASE_TABLE' && 'table_name' in node) {
      tableRefs.push({ catalog: str(node, 'catalog_name'), schema: str(node, 'schema_name'), table: str(node, 'table_name') });
    } else if (type === 'TABLE_FUNCTION' && node.function && typeof node.function === 'object' && !Array.isArray(node.function)) {
      const fn = node.function;
      if (str(fn, 'catalog') || str(fn, 'schema')) throw refused(`qualified table function names are not allowed: ${str(fn, 'function_name')}`);
      const fnName = str(fn, 'function_name').toLowerCase();
      tableFunctions.push(fnName);
      if (FILE_READERS.has(fnName)) {
        const args = Array.isArray(fn.children) ? fn.children : [];
        const paths = constantPaths(args[0]);
        if (!paths) throw refused(`${fnName}() needs constant file paths (a string or a list of strings)`);
        for (const path of paths) {
          const reason = lookup.pathRefusal(path);
          if (reason) throw refused(`${fnName}('${path}'): ${reason}`, { path });
        }
      }
      visit(fn.children ?? null);
      visit(node.subquery ?? null);
      return;
    } else if (str(node, 'class') === 'PARAMETER') {
      throw new FramegateError(ErrorCodes.InvalidSql, 'query parameters ($1, ?) are not supported; write the values into the query');
    } else if (type === 'SHOW_REF') {
      if (!node.query) throw refused('SHOW/DESCRIBE of the database is not allowed; DESCRIBE a query or a frame instead');
    } else if (str(node, 'class') === 'FUNCTION' || type === 'FUNCTION') {
      const name = str(node, 'function_name').toLowerCase();
      if (name) functions.push(name);
      if (str(node, 'catalog') || (str(node, 'schema') && str(node, 'schema') !== 'main')) throw refused(`qualified function names are not allowed: ${name}`);
    }
    const cteMap = node.cte_map;
    if (cteMap && typeof cteMap === 'object' && !Array.isArray(cteMap) && Array.isArray(cteMap.map)) {
      for (const entry of cteMap.map) {
        if (entry && typeof entry === 'object' && !Array.isArray(entry) && typeof entry.key === 'string') cteNames.add(entry.key.toLowerCase());
      }
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') visit(value);
  };
  visit(statements);

  for (const name of tableFunctions) {
    if (!ALLOWED_TABLE_FUNCTIONS.has(name)) throw refused(`table function ${name}() is not allowed; allowed: ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')}`, { function: name });
  }
  for (const name of functions) {
    if (REFUSED_FUNCTIONS.has(name) || REFUSED_FUNCTION_PREFIXES.some((p) => name.startsWith(p))) {
      throw refused(`function ${name}() is not allowed`, { function: name });
    }
  }

  const frames = new Set<string>();
  for (const ref of tableRefs) {
    const display = [ref.catalog, ref.schema, ref.table].filter(Boolean).join('.');
    if (ref.catalog) throw refused(`catalog-qualified names are not allowed: ${display}`, { table: display });
    const table = ref.table.toLowerCase();
    const schema = ref.schema.toLowerCase();
    if (!schema && cteNames.has(table)) {
      // CTE scopes are not tracked: a name that could fall through to DuckDB's system views
      // (searched after `main`) is refused even when some CTE carries it.
      if (REFUSED_FUNCTION_PREFIXES.some((p) => table.startsWith(p))) throw refused(`the name ${display} is reserved`, { table: display });
      continue;
    }
    const namespace = schema || 'main';
    if (!lookup.frameExists(namespace, table)) {
      throw new FramegateError(ErrorCodes.FrameNotFound, `no frame named ${display}`, { name: display });
    }
    frames.add(namespace === 'main' ? table : `${namespace}.${table}`);
  }
  const top = statements[0];
  const node = top && typeof top === 'object' && !Array.isArray(top) ? top.node : null;
  const from = node && typeof node === 'object' && !Array.isArray(node) ? node.from_table : null;
  const isShow = !!from && typeof from === 'object' && !Array.isArray(from) && from.type === 'SHOW_REF';
  return { frames: [...frames], isShow };
}
