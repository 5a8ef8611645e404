/**
 * Completion of one statement at a cursor, from what the caller may read: in a FROM/JOIN position
 * the namespaces and frames they can read; after `x.` the columns of the frame, CTE or subquery `x`
 * names (or the frames of namespace `x`); elsewhere the columns of everything the statement reads,
 * then the engine's functions and keywords. Every frame comes from the caller's access-checked
 * list or resolver, so nothing they may not read is ever offered.
 */
import {
  cursorContext,
  outlineStatement,
  qualifiedName,
  TEAM_NAMESPACE,
  type ColumnInfo,
  type DerivedTable,
  type SqlCompleteResult,
  type SqlCompletionItem,
  type StatementOutline,
  type TableMention,
} from '../../protocol';
import type { FrameName, FrameNameQuery } from '../catalog/frame-names';
import type { SqlVocabulary } from '../engine/engine';

/** Items per answer; past it the answer says `incomplete` and the editor asks again as typing narrows it. */
export const MAX_COMPLETION_ITEMS = 500;
/** One more frame than fits, so that a full answer knows it is incomplete. */
const FRAMES_ASKED = MAX_COMPLETION_ITEMS + 1;

export interface CompletionSources {
  /** The caller's own namespace. */
  namespace: string;
  /** Frames the caller may read, filtered and capped by the catalog (a team's may be thousands). */
  frames(query: FrameNameQuery): FrameName[];
  /** Namespaces holding a frame the caller may read. */
  namespaces(prefix: string): string[];
  /** The columns of a mentioned frame through the caller's access; undefined if it does not resolve. */
  frameColumns(mention: TableMention): ColumnInfo[] | undefined;
  /** The columns a query would return (checked by the engine); undefined if it does not bind. */
  queryColumns(sql: string): Promise<ColumnInfo[] | undefined>;
  vocabulary(): Promise<SqlVocabulary>;
  /** Keywords the engine's parser expects at the cursor. */
  engineKeywords(sql: string, offset: number): Promise<string[]>;
}

/** Reserved words that need quotes as names (the common subset of DuckDB's and Spark's). */
const RESERVED = new Set(
  'ALL AND ANY ARRAY AS ASC BETWEEN BOTH CASE CAST CHECK COLLATE COLUMN CONSTRAINT CREATE CROSS CURRENT_DATE DEFAULT DESC DISTINCT DO ELSE END EXCEPT FALSE FETCH FOR FOREIGN FROM FULL GRANT GROUP HAVING IN INNER INTERSECT INTO IS JOIN LATERAL LEADING LEFT LIMIT NATURAL NOT NULL OFFSET ON OR ORDER OUTER PIVOT PRIMARY QUALIFY REFERENCES RIGHT SELECT TABLE THEN TO TRAILING TRUE UNION UNIQUE UNPIVOT USER USING VALUES WHEN WHERE WINDOW WITH'.split(' '),
);
/** Offered when the engine's parser has no suggestion of its own. */
const COMMON_KEYWORDS = 'SELECT FROM WHERE GROUP BY ORDER HAVING LIMIT OFFSET JOIN LEFT RIGHT FULL INNER OUTER CROSS ON USING AS AND OR NOT IN IS NULL LIKE ILIKE BETWEEN CASE WHEN THEN ELSE END DISTINCT WITH UNION ALL EXCEPT INTERSECT ASC DESC NULLS FIRST LAST QUALIFY OVER PARTITION WINDOW CAST TRUE FALSE'.split(' ');

/** `name` as SQL writes it: bare when it is a plain identifier, otherwise in double quotes. */
export function sqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toUpperCase()) ? name : `"${name.replace(/"/g, '""')}"`;
}

const lower = (s: string): string => s.toLowerCase();

class Items {
  readonly list: SqlCompletionItem[] = [];
  private readonly seen = new Set<string>();
  incomplete = false;

  constructor(private readonly prefix: string) {}

  add(item: SqlCompletionItem): void {
    const match = lower(item.filterText ?? item.label);
    if (this.prefix && !match.startsWith(lower(this.prefix))) return;
    const key = `${item.kind}\u0000${item.label}\u0000${item.detail ?? ''}`;
    if (this.seen.has(key)) return;
    if (this.list.length >= MAX_COMPLETION_ITEMS) {
      this.incomplete = true;
      return;
    }
    this.seen.add(key);
    this.list.push(item);
  }
}

function rows(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;
}

/** A frame item: its short name where a bare name reads it, else `namespace.name`. */
function frameItem(frame: FrameName, me: string, qualified: boolean): SqlCompletionItem {
  const short = frame.name;
  const bare = !qualified && (frame.namespace === me || (frame.namespace === TEAM_NAMESPACE && !frame.shadowed));
  const label = bare || qualified ? sqlName(short) : `${sqlName(frame.namespace)}.${sqlName(short)}`;
  const shared = frame.sharedBy ? `, shared by ${frame.sharedBy}` : '';
  return { label, kind: 'frame', detail: `${qualifiedName(frame.namespace, short)} · ${frame.owner}${shared} · ${rows(frame.rowCount)}`, filterText: short };
}

function addColumns(items: Items, columns: ColumnInfo[], of: string): void {
  for (const c of columns) items.add({ label: sqlName(c.name), kind: 'column', detail: `${c.type} · ${of}`, filterText: c.name });
}

/** The SQL of a derived table on its own: a CTE with the CTEs before it, or a subquery's text. */
function derivedSql(sql: string, outline: StatementOutline, table: DerivedTable): string {
  const body = sql.slice(table.bodyStart, table.bodyEnd);
  if (table.kind !== 'cte') return body;
  const before = outline.derived.filter((d) => d.kind === 'cte' && d.bodyEnd < table.bodyStart);
  if (before.length === 0) return body;
  const ctes = before.map((d) => `${sqlName(d.name)}${d.columns ? ` (${d.columns.map(sqlName).join(', ')})` : ''} AS (${sql.slice(d.bodyStart, d.bodyEnd)})`);
  return `WITH ${ctes.join(', ')}\n${body}`;
}

/** The columns of what `name` (an alias, a CTE, a subquery or a frame's name) stands for. */
async function columnsNamed(name: string[], sql: string, outline: StatementOutline, sources: CompletionSources): Promise<{ columns: ColumnInfo[]; of: string } | undefined> {
  const key = name.map(lower);
  if (key.length === 1) {
    const derived = outline.derived.find((d) => lower(d.name) === key[0]);
    if (derived) return { columns: await derivedColumns(sql, outline, derived, sources), of: derived.name };
    const mention = outline.tables.find((t) => (t.alias ? lower(t.alias) === key[0] : lower(t.parts.at(-1)!) === key[0]));
    if (mention) {
      const columns = sources.frameColumns(mention);
      return columns ? { columns, of: mention.parts.join('.') } : undefined;
    }
  }
  if (key.length <= 2) {
    const mention: TableMention = { parts: name, start: 0, end: 0 };
    const columns = sources.frameColumns(mention);
    if (columns) return { columns, of: name.join('.') };
  }
  return undefined;
}

async function derivedColumns(sql: string, outline: StatementOutline, table: DerivedTable, sources: CompletionSources): Promise<ColumnInfo[]> {
  const columns = (await sources.queryColumns(derivedSql(sql, outline, table))) ?? [];
  if (!table.columns) return columns;
  return table.columns.map((name, i) => ({ name, type: columns[i]?.type ?? '' }));
}

export async function completeSql(sql: string, offset: number, sources: CompletionSources): Promise<SqlCompleteResult> {
  const context = cursorContext(sql, offset);
  const outline = outlineStatement(sql);
  const items = new Items(context.prefix);
  const answer = (): SqlCompleteResult => ({ from: context.from, to: context.to, items: items.list, incomplete: items.incomplete });
  const ctes = outline.derived.filter((d) => d.kind === 'cte');

  if (context.qualifier.length > 0) {
    const named = context.position === 'table' ? undefined : await columnsNamed(context.qualifier, sql, outline, sources);
    if (named) addColumns(items, named.columns, named.of);
    else if (context.qualifier.length === 1) {
      const namespace = lower(context.qualifier[0]!);
      for (const frame of sources.frames({ namespace, prefix: context.prefix, limit: FRAMES_ASKED })) items.add(frameItem(frame, sources.namespace, true));
    }
    return answer();
  }

  if (context.position === 'table') {
    for (const cte of ctes) items.add({ label: sqlName(cte.name), kind: 'cte', detail: 'CTE of this statement', filterText: cte.name });
    const namespaces = new Set([sources.namespace, TEAM_NAMESPACE, ...sources.namespaces(context.prefix)]);
    for (const ns of [...namespaces].sort()) items.add({ label: sqlName(ns), kind: 'namespace', detail: ns === sources.namespace ? 'your namespace' : ns === TEAM_NAMESPACE ? "the team's namespace" : 'namespace' });
    for (const frame of sources.frames({ prefix: context.prefix, limit: FRAMES_ASKED })) items.add(frameItem(frame, sources.namespace, false));
    return answer();
  }

  // Expression: columns first (of every frame, CTE and subquery the statement reads), then names.
  for (const mention of outline.tables) {
    if (mention.parts.length === 1 && ctes.some((c) => lower(c.name) === lower(mention.parts[0]!))) continue;
    const columns = sources.frameColumns(mention);
    if (columns) addColumns(items, columns, mention.alias ?? mention.parts.join('.'));
  }
  const used = new Set(outline.tables.map((t) => lower(t.parts.at(-1)!)));
  for (const derived of outline.derived) {
    if (derived.kind === 'cte' && !used.has(lower(derived.name))) continue;
    addColumns(items, await derivedColumns(sql, outline, derived, sources), derived.name);
  }
  for (const mention of outline.tables) if (mention.alias) items.add({ label: sqlName(mention.alias), kind: 'alias', detail: `alias of ${mention.parts.join('.')}`, filterText: mention.alias });
  const vocabulary = await sources.vocabulary();
  if (context.prefix) {
    for (const fn of vocabulary.functions) if (fn.kind !== 'table') items.add({ label: fn.name, kind: 'function', detail: `${fn.kind} function` });
  }
  const suggested = await sources.engineKeywords(sql, offset);
  const keywords = suggested.length > 0 ? suggested : context.prefix ? [...COMMON_KEYWORDS, ...vocabulary.keywords] : [];
  for (const keyword of keywords) items.add({ label: keyword, kind: 'keyword' });
  return answer();
}
