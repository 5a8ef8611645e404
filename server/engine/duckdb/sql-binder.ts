/**
 * Client SQL → the SQL the engine runs. This is the security boundary between clients and the
 * stored data of every frame.
 *
 * 1. One statement (DuckDB's own `extractStatements`), which `json_serialize_sql` accepts as a
 *    SELECT. The tree is read with lossless-json: `JSON.parse` would round uint64
 *    `query_location`s and turn `10.0` into `10`, and DuckDB then refuses (or changes) the tree.
 * 2. A walk over the tree with CTE scopes (each WITH's names are visible in its body and in the
 *    CTEs after them; a recursive CTE also in itself; inner WITHs shadow outer ones). Every CTE is
 *    renamed `__fgcte_<n>`, and its references with it. Every other BASE_TABLE goes to the caller's
 *    resolver and is replaced by the stored data it returned, `frames._fg.<storage>`, aliased to
 *    the name the SQL used (so `sales.amount` still binds). The guard checks functions on the way.
 * 3. `json_deserialize_sql` turns the tree back into SQL, which is parsed once more: every table it
 *    reads must be a storage table the resolver returned, or a renamed CTE. Anything else fails.
 *
 * Why that is enough: no name→data mapping exists inside DuckDB (no views, no frame names), so a
 * table name left as the client wrote it could reach nothing but DuckDB's system views; step 3
 * makes sure none is left. A renamed CTE reference can only bind to its own CTE (the names are
 * fresh, and no table of that name exists), so a mistake in scoping changes what a query means,
 * never what it can read.
 */
import { isLosslessNumber, parse, stringify } from 'lossless-json';
import { ErrorCodes, FramegateError } from '../../../protocol';
import { STORAGE_ID_PATTERN, type BoundTable, type StorageId, type TableReference, type TableResolver } from '../engine';
import type { DuckConnection } from './duckdb';
import type { FileAccess } from './file-access';
import {
  FILE_READERS,
  checkFunction,
  checkShowRef,
  checkTableFunction,
  constantPaths,
  fileReaderPathArgument,
  isObject,
  isShowStatement,
  onlySelectMessage,
  parameterError,
  refused,
  serializeError,
  str,
  type Json,
  type JsonObject,
} from './sql-guard';
import { DATA_DB, STORAGE_SCHEMA } from './sql-text';

export interface BoundQuery {
  /** The SQL to run: the client's query reading stored data instead of names. */
  sql: string;
  /** The stored data it reads, each once. */
  storage: StorageId[];
  /** A top-level DESCRIBE / SUMMARIZE: materialize it as `SELECT * FROM (…)`. */
  isShow: boolean;
}

const CTE_PREFIX = '__fgcte_';
const CTE_NAME = /^__fgcte_[0-9]+$/;
const RECURRING = 'recurring';
const VERSION_SUFFIX = /^(.+)@([1-9][0-9]{0,8})$/;

function invalid(message: string): FramegateError {
  return new FramegateError(ErrorCodes.InvalidSql, message);
}

/** Names visible at one point of the tree: lower-case CTE name → its fresh name. */
interface Scope {
  names: Map<string, string>;
  /** Inside a recursive CTE's own definition: its name, for `recurring.<name>` (USING KEY). */
  recurring?: Map<string, string>;
  parent: Scope | null;
}

function lookup(scope: Scope | null, name: string, recurring = false): string | undefined {
  for (let s = scope; s; s = s.parent) {
    const found = (recurring ? s.recurring : s.names)?.get(name);
    if (found) return found;
  }
  return undefined;
}

/** A file reader call whose path argument is replaced by the real files once checked. */
interface FileCall {
  reader: string;
  fn: JsonObject;
  paths: string[];
}

/** The version an `AT (VERSION => n)` clause names. */
function atVersion(at: Json | undefined): number | undefined {
  if (!isObject(at)) return undefined;
  const expr = at.expr;
  const value = isObject(expr) && expr.class === 'CONSTANT' && isObject(expr.value) ? expr.value.value : undefined;
  const text = isLosslessNumber(value) ? value.toString() : undefined;
  if (str(at, 'unit').toUpperCase() !== 'VERSION' || !text || !/^[1-9][0-9]{0,8}$/.test(text)) {
    throw invalid('only AT (VERSION => n) with a constant version number is supported');
  }
  return Number(text);
}

/** The reference a BASE_TABLE node makes, as the resolver gets it. */
export function tableReference(node: JsonObject): TableReference {
  const schema = str(node, 'schema_name');
  let name = str(node, 'table_name');
  let version = atVersion(node.at_clause);
  const suffix = VERSION_SUFFIX.exec(name);
  if (suffix) {
    if (version !== undefined) throw invalid(`${name} names a version twice`);
    name = suffix[1]!;
    version = Number(suffix[2]);
  }
  const namespace = schema ? schema.toLowerCase() : undefined;
  const text = `${schema ? `${schema}.` : ''}${name}${version === undefined ? '' : `@${version}`}`;
  const ref: TableReference = { name, text };
  if (namespace !== undefined) ref.namespace = namespace;
  if (version !== undefined) ref.version = version;
  return ref;
}

/** Identifies a reference for "the same name": namespaces and names are case-insensitive. */
export function referenceKey(ref: TableReference): string {
  return `${ref.namespace?.toLowerCase() ?? ''}\u0000${ref.name.toLowerCase()}\u0000${ref.version ?? ''}`;
}

/**
 * Bounds on one statement's shape. DuckDB's parser, binder and planner cannot be interrupted and
 * grow faster than the text: 5,000 UNION branches took 11 s to plan, 60,000 AND terms over a
 * minute, whatever the timeout. Past these the query is refused before it is planned.
 */
export const MAX_SET_OPERATIONS = 1_000;
export const MAX_TREE_NODES = 100_000;

/** Step 2: renames CTEs, replaces frames by stored data, checks functions, collects file readers. */
class Rewriter {
  private cteCount = 0;
  private nodes = 0;
  private setOperations = 0;
  readonly bound = new Map<string, BoundTable>();
  readonly files: FileCall[] = [];

  constructor(private readonly resolve: TableResolver) {}

  visit(node: Json | undefined, scope: Scope | null): void {
    if (Array.isArray(node)) {
      for (const child of node) this.visit(child, scope);
      return;
    }
    if (!isObject(node)) return;
    if (++this.nodes > MAX_TREE_NODES) throw refused(`the query is too large to run: split it into smaller queries (at most ${MAX_TREE_NODES.toLocaleString('en-US')} parts of a parse tree)`);
    if (node.type === 'SET_OPERATION_NODE' && ++this.setOperations > MAX_SET_OPERATIONS) {
      throw refused(`the query combines more than ${MAX_SET_OPERATIONS.toLocaleString('en-US')} queries with UNION, INTERSECT or EXCEPT: save parts as frames and combine those`);
    }
    const cteMap = node.cte_map;
    if (isObject(cteMap) && Array.isArray(cteMap.map)) {
      this.visitQueryNode(node, cteMap.map, scope);
      return;
    }
    const type = str(node, 'type');
    if (type === 'BASE_TABLE') return this.visitTable(node, scope);
    if (type === 'TABLE_FUNCTION') this.visitTableFunction(node);
    else if (type === 'SHOW_REF') checkShowRef(node);
    else if (node.class === 'FUNCTION') checkFunction(node);
    else if (node.class === 'PARAMETER') throw parameterError();
    for (const value of Object.values(node)) this.visit(value, scope);
  }

  /** A query node with its WITH clause: CTEs first, in order, then its body with all of them. */
  private visitQueryNode(node: JsonObject, entries: Json[], outer: Scope | null): void {
    let scope = outer;
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!isObject(entry) || typeof entry.key !== 'string' || !isObject(entry.value)) throw refused('could not inspect a WITH clause');
      const key = entry.key.toLowerCase();
      if (seen.has(key)) throw invalid(`duplicate CTE name ${entry.key}`);
      seen.add(key);
      const fresh = `${CTE_PREFIX}${++this.cteCount}`;
      const own: Scope = { names: new Map([[key, fresh]]), parent: scope };
      const query = entry.value.query;
      const inner = isObject(query) ? query.node : undefined;
      const recursive = isObject(inner) && inner.type === 'RECURSIVE_CTE_NODE' && str(inner, 'cte_name').toLowerCase() === key;
      if (recursive) inner.cte_name = fresh;
      this.visit(entry.value, recursive ? { names: own.names, recurring: own.names, parent: scope } : scope);
      entry.key = fresh;
      scope = own;
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'cte_map') this.visit(value, scope);
  }

  private visitTable(node: JsonObject, scope: Scope | null): void {
    const table = str(node, 'table_name');
    const catalog = str(node, 'catalog_name');
    const schema = str(node, 'schema_name');
    // `recurring.<cte>`: inside a recursive CTE with USING KEY, the rows of its previous iterations.
    const recurring = schema.toLowerCase() === RECURRING;
    const cte = !catalog && (!schema || recurring) ? lookup(scope, table.toLowerCase(), recurring) : undefined;
    if (cte) {
      if (isObject(node.at_clause)) throw invalid(`AT (VERSION => …) applies to frames, not to the CTE ${table}`);
      if (!str(node, 'alias')) node.alias = table;
      node.table_name = cte;
      return;
    }
    if (catalog) {
      const display = [catalog, schema, table].join('.');
      throw refused(`catalog-qualified names are not allowed: ${display}`, { table: display });
    }
    const bound = this.bind(tableReference(node));
    if (!str(node, 'alias')) node.alias = table;
    node.catalog_name = DATA_DB;
    node.schema_name = STORAGE_SCHEMA;
    node.table_name = bound.storage;
    node.at_clause = null;
  }

  /** Resolves a reference once per query, so one name reads one version throughout. */
  bind(ref: TableReference): BoundTable {
    const key = referenceKey(ref);
    let bound = this.bound.get(key);
    if (!bound) {
      bound = this.resolve(ref);
      if (!STORAGE_ID_PATTERN.test(bound.storage)) throw new FramegateError(ErrorCodes.InternalError, `the resolver returned an invalid storage id for ${ref.text}`);
      this.bound.set(key, bound);
    }
    return bound;
  }

  private visitTableFunction(node: JsonObject): void {
    const fn = node.function;
    if (!isObject(fn)) throw refused('could not inspect a table function');
    const reader = checkTableFunction(fn);
    if (!FILE_READERS.has(reader)) return;
    const paths = constantPaths(fileReaderPathArgument(reader, fn));
    if (!paths) throw refused(`${reader}() needs constant file paths (a string or a list of strings)`);
    this.files.push({ reader, fn, paths });
  }
}

/** A VARCHAR constant or a list_value of them, in the tree's own shape. */
function pathArgument(template: JsonObject, paths: string[]): JsonObject {
  const constant = (path: string): JsonObject => ({ ...template, class: 'CONSTANT', type: 'VALUE_CONSTANT', alias: '', value: { type: { id: 'VARCHAR', type_info: null }, is_null: false, value: path } });
  if (paths.length === 1) return constant(paths[0]!);
  return {
    class: 'FUNCTION',
    type: 'FUNCTION',
    alias: '',
    query_location: template.query_location ?? null,
    function_name: 'list_value',
    schema: '',
    children: paths.map(constant),
    filter: null,
    order_bys: { type: 'ORDER_MODIFIER', orders: [] },
    distinct: false,
    is_operator: false,
    export_state: false,
    catalog: '',
  };
}

/** Step 3: every table the final SQL reads is bound stored data or a renamed CTE; the guard again. */
function verify(node: Json | undefined, storage: Set<string>, ctes: Set<string>, files: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) verify(child, storage, ctes, files);
    return;
  }
  if (!isObject(node)) return;
  const type = str(node, 'type');
  if (type === 'BASE_TABLE') {
    const catalog = str(node, 'catalog_name');
    const schema = str(node, 'schema_name');
    const table = str(node, 'table_name');
    const isStorage = catalog === DATA_DB && schema === STORAGE_SCHEMA && storage.has(table);
    const isCte = !catalog && (!schema || schema === RECURRING) && CTE_NAME.test(table) && ctes.has(table);
    if (!(isStorage && !isObject(node.at_clause)) && !isCte) throw refused(`the query would read ${[catalog, schema, table].filter(Boolean).join('.')}, which no frame resolved to`);
  } else if (type === 'TABLE_FUNCTION') {
    const fn = node.function;
    if (!isObject(fn)) throw refused('could not inspect a table function');
    const reader = checkTableFunction(fn);
    if (FILE_READERS.has(reader)) {
      const paths = constantPaths(fileReaderPathArgument(reader, fn));
      if (!paths || !paths.every((p) => files.has(p))) throw refused(`${reader}() would read files that were not checked`);
    }
  } else if (type === 'SHOW_REF') checkShowRef(node);
  else if (node.class === 'FUNCTION') checkFunction(node);
  else if (node.class === 'PARAMETER') throw parameterError();
  for (const value of Object.values(node)) verify(value, storage, ctes, files);
}

function cteNames(node: Json | undefined, into: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((child) => cteNames(child, into));
  else if (isObject(node)) {
    const map = isObject(node.cte_map) ? node.cte_map.map : undefined;
    if (Array.isArray(map)) for (const entry of map) if (isObject(entry) && typeof entry.key === 'string') into.add(entry.key);
    for (const value of Object.values(node)) cteNames(value, into);
  }
  return into;
}

export class SqlBinder {
  constructor(private readonly files: FileAccess) {}

  /** Parses one SELECT into its tree. Throws InvalidSql / SqlRefused. */
  private async parse(conn: DuckConnection, sql: string): Promise<JsonObject> {
    let count: number;
    try {
      count = await conn.countStatements(sql);
    } catch (error) {
      if (error instanceof FramegateError) throw error;
      // Blank SQL (white space, comments, ";") fails without a parser message.
      const message = error instanceof Error ? error.message : String(error);
      if (!/[A-Za-z]+ Error:/.test(message)) throw refused('no statement given');
      throw invalid(message.replace(/^Failed to extract statements:\s*/, ''));
    }
    if (count !== 1) throw refused(count === 0 ? 'no statement given' : `only a single read-only SELECT is allowed; got ${count} statements`);
    const rows = await conn.rows(`SELECT json_serialize_sql($1::VARCHAR) AS tree`, [sql]);
    const tree = parse(String(rows[0]?.tree)) as Json;
    if (!isObject(tree)) throw refused('could not inspect the query');
    if (tree.error === true) throw serializeError(tree, sql);
    if (!Array.isArray(tree.statements) || tree.statements.length !== 1) throw refused(`${onlySelectMessage(sql)} (several statements)`);
    return tree;
  }

  async bind(conn: DuckConnection, sql: string, resolve: TableResolver): Promise<BoundQuery> {
    const tree = await this.parse(conn, sql);
    const rewriter = new Rewriter(resolve);
    rewriter.visit(tree.statements, null);
    const checkedFiles = new Set<string>();
    for (const call of rewriter.files) {
      const real: string[] = [];
      for (const path of call.paths) real.push(...(await this.files.sqlFiles(conn, call.reader, path)));
      real.forEach((p) => checkedFiles.add(p));
      const args = call.fn.children as Json[];
      args[0] = pathArgument(args[0] as JsonObject, real);
    }
    const rows = await conn.rows(`SELECT json_deserialize_sql($1::JSON) AS sql`, [stringify(tree) ?? '']);
    const rewritten = String(rows[0]?.sql);

    const storage = [...new Set([...rewriter.bound.values()].map((t) => t.storage))];
    const final = await this.parse(conn, rewritten);
    verify(final.statements, new Set(storage), cteNames(final.statements, new Set()), checkedFiles);
    const top = Array.isArray(final.statements) ? final.statements[0] : undefined;
    return { sql: rewritten, storage, isShow: isShowStatement(top) };
  }
}
