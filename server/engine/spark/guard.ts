/**
 * The SQL guard for the Spark engine: client SQL is untrusted. Spark parses it (`EXPLAIN
 * EXTENDED <sql>`, which never runs the statement) and these checks read the parsed plan:
 *
 * - every node is a query operator on an allow-list: commands (DDL, INSERT, SET, CACHE, ADD JAR,
 *   EXECUTE IMMEDIATE, DECLARE, …) and script transforms (`TRANSFORM … USING 'cmd'`) are refused;
 * - relations carry no options and are not streaming; table-valued functions are on an
 *   allow-list (no `read_files`); no Java reflection (`reflect`, `java_method`, `try_reflect`), no
 *   qualified (persistent, user-defined) functions, no `IDENTIFIER(…)` clauses;
 * - what the relations name is returned for the binder, which resolves each through the gateway.
 *
 * After binding, the analyzed plan of the query that will run is checked too: its only data
 * sources are the stored tables the resolver returned (and inline VALUES, `range`, one-row
 * relations), read through the views made for them.
 *
 * It is pure: callers run EXPLAIN and pass the text's sections.
 */
import { ErrorCodes, FramegateError } from '../../../protocol';
import { planNodes } from './plan-text';

/** Node classes a read-only query's parsed plan may contain. */
const ALLOWED_NODES = new Set([
  'Aggregate',
  'CTE',
  'Distinct',
  'Except',
  'Filter',
  'Generate',
  'GlobalLimit',
  'Intersect',
  'Join',
  'LateralJoin',
  'LocalLimit',
  'LocalRelation',
  'Offset',
  'OneRowRelation',
  'PipeOperator',
  'Pivot',
  'Project',
  'RelationTimeTravel',
  'RepartitionByExpression',
  'Sample',
  'Sort',
  'SubqueryAlias',
  'Tail',
  'Union',
  'Unpivot',
  'UnresolvedHaving',
  'UnresolvedHint',
  'UnresolvedInlineTable',
  'UnresolvedQualify',
  'UnresolvedRelation',
  'UnresolvedSubqueryColumnAliases',
  'UnresolvedTableValuedFunction',
  'UnresolvedTVFAliases',
  'WithWindowDefinition',
]);

/** Table-valued functions a query may use: generators over their arguments, no I/O. */
export const ALLOWED_TABLE_FUNCTIONS = new Set([
  'range',
  'explode',
  'explode_outer',
  'inline',
  'inline_outer',
  'posexplode',
  'posexplode_outer',
  'stack',
  'json_tuple',
  'variant_explode',
  'variant_explode_outer',
]);

/** Functions refused anywhere: they call arbitrary Java methods. */
const REFUSED_FUNCTIONS = new Set(['reflect', 'java_method', 'try_reflect']);

/** `'name(` — how the parsed plan prints an unresolved function call; the name may be dotted or backquoted. */
const FUNCTION_CALL = /'((?:`(?:[^`]|``)*`|[A-Za-z_][\w$]*)(?:\.(?:`(?:[^`]|``)*`|[A-Za-z_][\w$]*))*)\(/g;

function refused(message: string, detail?: unknown): FramegateError {
  return new FramegateError(ErrorCodes.SqlRefused, message, detail);
}

/** A relation the parsed plan names: the text between the brackets of `'UnresolvedRelation [...]`. */
export interface NamedRelation {
  /** As printed: the name's parts joined by ", " (unquoted, so not split here). */
  printed: string;
  /** Read with `VERSION AS OF` (or `@v`) / `TIMESTAMP AS OF`. */
  timeTravel: boolean;
  /** A single-part name inside a WITH that defines it: the CTE, not a frame. */
  cte: boolean;
}

export interface ParsedQuery {
  relations: NamedRelation[];
}

const RELATION = /^(?:'RelationTimeTravel )?'UnresolvedRelation \[(.*)\], \[(.*)\], (true|false)(?:, .*)?$/;
const TABLE_FUNCTION = /^'UnresolvedTableValuedFunction \[([^\]]*)\]/;
const CTE = /^CTE \[(.*)\]$/;

/** Checks a parsed plan (its lines); returns what the binder must resolve. Throws SqlRefused. */
export function checkParsedPlan(lines: string[]): ParsedQuery {
  const relations: NamedRelation[] = [];
  // The nodes above the current one, each with the CTE names it defines (a WITH's scope is its subtree).
  const ancestors: { depth: number; ctes: Set<string> }[] = [];
  for (const node of planNodes(lines)) {
    while (ancestors.length > 0 && ancestors[ancestors.length - 1]!.depth >= node.depth) ancestors.pop();
    const ctes = new Set<string>();
    ancestors.push({ depth: node.depth, ctes });
    if (!ALLOWED_NODES.has(node.name)) {
      throw refused(`only a single read-only query is allowed; this is ${describeNode(node.name)}`, { node: node.name });
    }
    if (node.name === 'UnresolvedRelation' || node.name === 'RelationTimeTravel') {
      const match = RELATION.exec(node.text);
      if (!match) throw refused('the gateway cannot check this table reference', { node: node.text });
      if (match[2] !== '') throw refused('table options (WITH (…)) are not allowed');
      if (match[3] !== 'false') throw refused('streaming reads are not allowed');
      const printed = match[1]!;
      const timeTravel = node.name === 'RelationTimeTravel';
      const cte = !timeTravel && !printed.includes(', ') && ancestors.some((a) => a.ctes.has(printed.toLowerCase()));
      relations.push({ printed, timeTravel, cte });
    } else if (node.name === 'UnresolvedTableValuedFunction') {
      const name = TABLE_FUNCTION.exec(node.text)?.[1]?.toLowerCase() ?? '';
      if (!ALLOWED_TABLE_FUNCTIONS.has(name)) throw refused(`table function ${name || '?'} is not allowed`, { function: name });
    } else if (node.name === 'CTE') {
      for (const name of CTE.exec(node.text)?.[1]?.split(', ') ?? []) ctes.add(name.toLowerCase());
    }
  }
  checkFunctions(lines.join('\n'));
  return { relations };
}

const DESCRIBE_ROOT = /^'DescribeRelation (?:true|false), \[[^\]]*\]$/;
const DESCRIBED = /^'UnresolvedTableOrView \[(.*)\], DESCRIBE TABLE, true(?:, QueryLike)?$/;

/**
 * `DESCRIBE [TABLE] [EXTENDED] name` (and nothing else: no column, no partition): the relation
 * it names, or null for any other plan. The engine answers it from the frame's columns without
 * running Spark's command.
 */
export function describedRelation(lines: string[]): NamedRelation | null {
  const nodes = planNodes(lines);
  if (lines.length !== 2 || nodes.length !== 2 || !DESCRIBE_ROOT.test(nodes[0]!.text)) return null;
  const printed = DESCRIBED.exec(nodes[1]!.text)?.[1];
  return printed ? { printed, timeTravel: false, cte: false } : null;
}

function describeNode(name: string): string {
  if (name === 'SetCommand' || name === 'ResetCommand') return 'a SET statement';
  if (name === 'ScriptTransformation') return 'a script transform (TRANSFORM … USING)';
  if (/Command$|Statement$/.test(name) || name.startsWith('Create') || name.startsWith('Drop') || name.startsWith('Insert')) return `a command (${name})`;
  return `a ${name} node, which the gateway does not allow`;
}

function checkFunctions(text: string): void {
  if (/expressionwithunresolvedidentifier\(/i.test(text)) throw refused('IDENTIFIER(…) clauses are not allowed');
  for (const match of text.matchAll(FUNCTION_CALL)) {
    const name = match[1]!;
    if (name.includes('.')) throw refused(`qualified function names are not allowed: ${name}`, { function: name });
    const bare = name.replace(/`/g, '').toLowerCase();
    if (REFUSED_FUNCTIONS.has(bare)) throw refused(`function ${bare} is not allowed`, { function: bare });
  }
}

/** The data sources an analyzed plan may read besides the bound tables. */
const HARMLESS_SOURCES = new Set(['LocalRelation', 'OneRowRelation', 'Range', 'CTERelationDef', 'CTERelationRef']);
const SOURCE_LIKE = /Relation|RDD|Scan|Table|Stream/;
const RELATION_LEAF = /^Relation ([^[\s]+)\[/;
const VIEW = /^View \(`((?:[^`]|``)+)`,/;

/**
 * Checks the analyzed plan of the query about to run: it reads only `tables` (qualified names,
 * lower case), only through `views` (names, lower case), and calls no refused function.
 */
export function checkAnalyzedPlan(lines: string[], tables: Set<string>, views: Set<string>): void {
  for (const node of planNodes(lines)) {
    if (node.name === 'Relation') {
      const name = RELATION_LEAF.exec(node.text)?.[1]?.toLowerCase();
      if (!name || !tables.has(name)) throw refused('the query reads data the gateway did not bind to it', { node: node.text.slice(0, 200) });
    } else if (node.name === 'View') {
      const name = VIEW.exec(node.text)?.[1]?.replace(/``/g, '`').toLowerCase();
      if (!name || !views.has(name)) throw refused('the query reads a view the gateway did not bind to it', { node: node.text.slice(0, 200) });
    } else if (SOURCE_LIKE.test(node.name) && !HARMLESS_SOURCES.has(node.name)) {
      throw refused(`the query reads from a ${node.name}, which the gateway does not allow`, { node: node.name });
    }
  }
  const text = lines.join('\n');
  for (const name of REFUSED_FUNCTIONS) if (new RegExp(`\\b${name}\\(`, 'i').test(text)) throw refused(`function ${name} is not allowed`);
}
