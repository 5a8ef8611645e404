/**
 * Binds client SQL to the stored data the gateway's resolver returns, so that Spark runs it
 * against exactly those tables and nothing else:
 *
 * 1. Spark parses the text (`EXPLAIN EXTENDED`, which runs nothing); the guard checks the parsed
 *    plan and lists the relations it names.
 * 2. Each relation is matched with the identifier chain(s) of the text that spell it (sql-lexer);
 *    a relation no chain spells (e.g. produced by IDENTIFIER()) is refused.
 * 3. Each distinct reference goes to the resolver (access-checked; its errors pass through).
 * 4. For each, a session temp view over the stored table (its user columns only) is created:
 *    a bare name keeps its name (`sales`), anything else (`alice.sales`, `sales VERSION AS OF 2`)
 *    gets an unguessable name `__fg_v<random>` and its chains in the text are rewritten to it.
 * 5. Spark parses the rewritten text again: its parsed plan must equal the first one with just
 *    those relations renamed, and its analyzed plan may read only the bound tables, through the
 *    views made here (guard.checkAnalyzedPlan). Only then does the caller run it.
 *
 * Unbound single-part names can only be CTE names; the session's current database is an empty
 * one, so nothing else answers to them. Qualified names never reach Spark's catalog: every one
 * is rewritten to a view, and step 5 proves that.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, FramegateError, IDENTIFIER_PATTERN, type ColumnInfo } from '../../../protocol';
import type { BoundTable, TableReference, TableResolver } from '../engine';
import { checkAnalyzedPlan, checkParsedPlan, describedRelation, type NamedRelation } from './guard';
import type { ConnectSession, ExecuteOptions } from './connect-session';
import { PlanTextError, splitExplain, type ExplainSections } from './plan-text';
import { selectColumns, sqlRelation, tempView } from './plans';
import { quoteString } from './spark-types';
import { LexError, identifierChains, isKeyword, tokenize, type IdentifierChain, type Token } from './sql-lexer';
import { tableFromIPC } from 'apache-arrow';

export interface BindContext {
  session: ConnectSession;
  resolve: TableResolver;
  /** The qualified Spark table (lower case) holding a storage id. */
  tableOf(storage: string): string;
  /** Names already bound by the caller (runSelect's FROM), lower case → table. */
  prebound?: Map<string, BoundTable>;
  execute: ExecuteOptions;
}

export interface BoundQuery {
  /** The SQL to run: the client's, with qualified or versioned names replaced by view names. */
  sql: string;
  /** Temp views created in the session (drop them after the query). */
  views: string[];
  /** What each view reads. */
  tables: BoundTable[];
}

interface Reference {
  key: string;
  ref: TableReference;
  chains: { chain: IdentifierChain; clauseEnd: number }[];
  /** How the parsed plan prints the relations this reference stands for. */
  forms: Map<string, { printed: string; timeTravel: boolean; version?: number }>;
  view: string;
  bound?: BoundTable;
}

const VIEW_PREFIX = '__fg_v';

/** Runs EXPLAIN EXTENDED on `sql` in the session and splits the result. */
export async function explain(session: ConnectSession, sql: string, options: ExecuteOptions): Promise<ExplainSections> {
  const result = await session.collect(sqlRelation(`EXPLAIN EXTENDED ${sql}`), options);
  const text = result.batches.length ? String(tableFromIPC(result.batches[0]).getChildAt(0)?.get(0) ?? '') : '';
  try {
    return splitExplain(text);
  } catch (error) {
    if (error instanceof PlanTextError) throw new FramegateError(ErrorCodes.SqlRefused, `the gateway cannot check this query: ${error.message}`);
    throw error;
  }
}

/** `VERSION AS OF n`, `FOR [SYSTEM_]VERSION AS OF n` or `@vN` after a chain: its version and where it ends. */
function versionClause(tokens: Token[], after: number): { version: number; end: number } | { timestamp: true } | null {
  let i = after + 1;
  if (tokens[i]?.value === '@' && tokens[i]?.kind === 'punct') {
    const v = /^v(\d+)$/i.exec(tokens[i + 1]?.value ?? '');
    return v ? { version: Number(v[1]), end: tokens[i + 1]!.end } : null;
  }
  if (isKeyword(tokens[i], 'FOR')) i++;
  if (isKeyword(tokens[i], 'TIMESTAMP') || isKeyword(tokens[i], 'SYSTEM_TIME')) return { timestamp: true };
  if (!(isKeyword(tokens[i], 'VERSION') || isKeyword(tokens[i], 'SYSTEM_VERSION')) || !isKeyword(tokens[i + 1], 'AS') || !isKeyword(tokens[i + 2], 'OF')) return null;
  const value = tokens[i + 3];
  const number = value?.kind === 'number' ? value.value : value?.kind === 'string' ? value.value.slice(1, -1) : '';
  if (!/^\d+$/.test(number)) return null;
  return { version: Number(number), end: value!.end };
}

/** The reference a relation's name parts stand for. Throws for names no frame can have. */
function toReference(parts: string[], version: number | undefined, text: string): TableReference {
  if (parts.length > 2) throw new FramegateError(ErrorCodes.SqlRefused, `catalog-qualified names are not allowed: ${text}`);
  let name = parts[parts.length - 1]!;
  const at = /^(.*)@([1-9][0-9]{0,8})$/.exec(name);
  if (at) {
    if (version !== undefined) throw new FramegateError(ErrorCodes.InvalidSql, `${text} gives two versions`);
    name = at[1]!;
    version = Number(at[2]);
  }
  const namespace = parts.length === 2 ? parts[0]! : undefined;
  if (parts.some((p) => p.includes('/'))) throw new FramegateError(ErrorCodes.SqlRefused, `file paths cannot be read in SQL; load the file instead: ${text}`);
  if (!IDENTIFIER_PATTERN.test(name) || (namespace !== undefined && !IDENTIFIER_PATTERN.test(namespace))) {
    throw new FramegateError(ErrorCodes.FrameNotFound, `no frame named ${text}`, { name: text });
  }
  const ref: TableReference = { name, text };
  if (namespace !== undefined) ref.namespace = namespace.toLowerCase();
  if (version !== undefined) ref.version = version;
  return ref;
}

function lex(sql: string): Token[] {
  try {
    return tokenize(sql);
  } catch (error) {
    if (error instanceof LexError) throw new FramegateError(ErrorCodes.InvalidSql, error.message);
    throw error;
  }
}

/** Normalizes a printed plan for comparison: expression ids (`#12`) differ between parses. */
function normalizePlan(lines: string[]): string {
  return lines.join('\n').replace(/#\d+L?/g, '#');
}

function viewName(): string {
  return `${VIEW_PREFIX}${randomBytes(8).toString('hex')}`;
}

/** The chains of the text that spell `relation` (all the same name); refused when none or several do. */
function spellings(chains: IdentifierChain[], relation: NamedRelation): IdentifierChain[] {
  const spelled = chains.filter((c) => c.parts.join(', ') === relation.printed);
  if (spelled.length === 0) throw new FramegateError(ErrorCodes.SqlRefused, `the gateway cannot check this table reference: ${relation.printed}`);
  const distinct = new Set(spelled.map((c) => JSON.stringify(c.parts.map((p) => p.toLowerCase()))));
  if (distinct.size > 1) throw new FramegateError(ErrorCodes.SqlRefused, `the gateway cannot tell apart the names spelled ${relation.printed}`);
  return spelled;
}

/** Spark's parser takes one statement; several would fail to parse, but they are a refusal, not a typo. */
function checkOneStatement(tokens: Token[]): void {
  const end = tokens.findIndex((t) => t.kind === 'punct' && t.value === ';');
  if (end >= 0 && tokens.slice(end + 1).some((t) => !(t.kind === 'punct' && t.value === ';'))) {
    throw new FramegateError(ErrorCodes.SqlRefused, 'only a single read-only query is allowed; got several statements');
  }
}

/**
 * `DESCRIBE frame`: the frame's columns as rows (col_name, data_type, comment, as Spark's own
 * DESCRIBE), made from what the resolver returned; Spark's command never runs.
 */
function bindDescribe(sql: string, chains: IdentifierChain[], relation: NamedRelation, context: BindContext): BoundQuery {
  const chain = spellings(chains, relation)[0]!;
  const bound = context.resolve(toReference(chain.parts, undefined, sql.slice(chain.start, chain.end)));
  const rows = bound.columns.map((c) => `(${quoteString(c.name)}, ${quoteString(c.type.toLowerCase())}, CAST(NULL AS STRING))`);
  return { sql: `SELECT * FROM VALUES ${rows.join(', ')} AS t(col_name, data_type, comment)`, views: [], tables: [bound] };
}

/**
 * The gateway documents DuckDB's `name AT (VERSION => 3)` for versions; Spark spells it
 * `name VERSION AS OF 3`. Rewritten before Spark parses anything, so the checks below see (and
 * only the rewritten text runs) Spark's spelling.
 */
function sparkVersionClauses(sql: string, tokens: Token[]): string {
  let out = sql;
  for (let i = tokens.length - 7; i >= 1; i--) {
    const [at, open, version, eq, gt, number, close] = tokens.slice(i, i + 7);
    const punct = (token: Token | undefined, value: string) => token?.kind === 'punct' && token.value === value;
    if (!isKeyword(at, 'AT') || !punct(open, '(') || !isKeyword(version, 'VERSION') || !punct(eq, '=') || !punct(gt, '>') || eq!.end !== gt!.start) continue;
    if (number?.kind !== 'number' || !/^\d+$/.test(number.value) || !punct(close, ')') || tokens[i - 1]?.kind !== 'ident') continue;
    out = `${out.slice(0, at!.start)}VERSION AS OF ${number.value}${out.slice(close!.end)}`;
  }
  return out;
}

export async function bindQuery(clientSql: string, context: BindContext): Promise<BoundQuery> {
  const sql = sparkVersionClauses(clientSql, lex(clientSql));
  const tokens = lex(sql);
  if (tokens.some((t, i) => isKeyword(t, 'IDENTIFIER') && tokens[i + 1]?.value === '(')) {
    throw new FramegateError(ErrorCodes.SqlRefused, 'IDENTIFIER(…) clauses are not allowed');
  }
  checkOneStatement(tokens);
  const first = await explain(context.session, sql, context.execute);
  const chains = identifierChains(tokens);
  const described = describedRelation(first.parsed);
  if (described) return bindDescribe(sql, chains, described, context);
  const parsed = checkParsedPlan(first.parsed);

  const references = new Map<string, Reference>();
  // Several relations print the same name (`s VERSION AS OF 1`, `s VERSION AS OF 2`, `s`): each
  // chain spelling it belongs to one reference, and is rewritten once.
  const assigned = new Set<IdentifierChain>();
  for (const relation of parsed.relations) {
    const spelled = spellings(chains, relation);
    const parts = spelled[0]!.parts;
    if (relation.cte) continue;
    for (const chain of spelled) {
      if (assigned.has(chain)) continue;
      const clause = versionClause(tokens, chain.last);
      if (clause && 'timestamp' in clause) throw new FramegateError(ErrorCodes.SqlRefused, 'TIMESTAMP AS OF is not supported; name a version (sales@2 or VERSION AS OF 2)');
      if (relation.timeTravel !== (clause !== null)) continue; // the same name used the other way
      const version = clause?.version;
      const text = sql.slice(chain.start, clause?.end ?? chain.end);
      const ref = toReference(parts, version, text);
      const key = JSON.stringify([ref.namespace ?? null, ref.name.toLowerCase(), ref.version ?? null]);
      let entry = references.get(key);
      if (!entry) {
        const bare = parts.length === 1 && !relation.timeTravel && ref.version === undefined;
        entry = { key, ref, chains: [], forms: new Map(), view: bare ? parts[0]!.toLowerCase() : viewName() };
        references.set(key, entry);
      }
      entry.chains.push({ chain, clauseEnd: clause?.end ?? chain.end });
      assigned.add(chain);
      entry.forms.set(`${relation.printed}\n${relation.timeTravel}`, { printed: relation.printed, timeTravel: relation.timeTravel, version: clause?.version });
    }
  }

  // Resolve every reference (the gateway's access check), then make the views.
  for (const entry of references.values()) {
    entry.bound = context.prebound?.get(entry.view) ?? context.resolve(entry.ref);
  }
  const views: string[] = [];
  try {
    for (const entry of references.values()) {
      const bound = entry.bound!;
      await context.session.run(
        { command: tempView(selectColumns(context.tableOf(bound.storage), bound.columns.map((c: ColumnInfo) => c.name)), entry.view) },
        context.execute,
      );
      views.push(entry.view);
    }
    const rewritten = rewrite(sql, [...references.values()]);
    const second = await explain(context.session, rewritten, context.execute);
    const expected = expectedPlan(first.parsed, [...references.values()]);
    if (normalizePlan(second.parsed) !== expected) {
      throw new FramegateError(ErrorCodes.SqlRefused, 'the gateway cannot bind the frames of this query unambiguously (a frame name also used as a column or alias?)');
    }
    if (second.analysisError) throw new FramegateError(ErrorCodes.InvalidSql, second.analysisError);
    const tables = new Set([...references.values()].flatMap((e) => {
      const name = context.tableOf(e.bound!.storage).toLowerCase();
      return [name, `spark_catalog.${name}`];
    }));
    checkAnalyzedPlan(second.analyzed, tables, new Set(views));
    return { sql: rewritten, views, tables: [...references.values()].map((e) => e.bound!) };
  } catch (error) {
    await dropViews(context.session, views);
    throw error;
  }
}

/** The text with the chains (and version clauses) of non-bare references replaced by their view names. */
function rewrite(sql: string, references: Reference[]): string {
  const edits = references
    .filter((e) => e.view.startsWith(VIEW_PREFIX))
    .flatMap((e) => e.chains.map(({ chain, clauseEnd }) => ({ start: chain.start, end: clauseEnd, text: e.view })))
    .sort((a, b) => b.start - a.start);
  let out = sql;
  for (const edit of edits) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** The first parse with the renamed relations printed as Spark will print them after the rewrite. */
function expectedPlan(parsed: string[], references: Reference[]): string {
  let text = normalizePlan(parsed);
  for (const entry of references) {
    if (!entry.view.startsWith(VIEW_PREFIX)) continue;
    for (const form of entry.forms.values()) {
      const from = form.timeTravel
        ? new RegExp(`'RelationTimeTravel 'UnresolvedRelation \\[${escapeRegExp(form.printed)}\\], \\[\\], false, ${form.version ?? ''}(?=\\n|$)`, 'g')
        : new RegExp(`'UnresolvedRelation \\[${escapeRegExp(form.printed)}\\], \\[\\], false(?=\\n|$)`, 'g');
      text = text.replace(from, `'UnresolvedRelation [${entry.view}], [], false`);
    }
  }
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function dropViews(session: ConnectSession, views: string[]): Promise<void> {
  for (const view of views) {
    await session.collect({ catalog: { drop_temp_view: { view_name: view } } }).catch(() => undefined);
  }
}
